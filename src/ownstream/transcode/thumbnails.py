"""The page's `thumbnail.jpg` and `preview.gif`, cut from the newest segment of the best variant (§6.7)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

log = logging.getLogger(__name__)

THUMBNAIL_NAME = "thumbnail.jpg"
PREVIEW_NAME = "preview.gif"
TEMP_THUMBNAIL_NAME = "tempthumbnail.jpg"
TEMP_PREVIEW_NAME = "temppreview.gif"

PREVIEW_FILTER = (
    "[0:v]fps=8,scale=480:-1:flags=lanczos,split[frames][copy];"
    "[frames]palettegen=stats_mode=full[palette];"
    "[copy][palette]paletteuse=new=1"
)


SEGMENT_SUFFIXES = (".ts", ".m4s")


def newest_segment(folder: Path, suffixes: tuple[str, ...] = SEGMENT_SUFFIXES) -> Path | None:
    """The most recently written segment (`.ts`, or fMP4 `.m4s`) in `folder` (in-progress temporary files
    are not considered)."""
    newest: tuple[int, Path] | None = None
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return None
    for entry in entries:
        if not entry.name.endswith(suffixes) or entry.name.startswith("."):
            continue
        try:
            mtime = entry.stat().st_mtime_ns
        except OSError:
            continue
        if newest is None or mtime > newest[0]:
            newest = (mtime, Path(entry.path))
    return newest[1] if newest else None


def playable_copy(segment: Path) -> Path:
    """A file ffmpeg can decode alone: an fMP4 segment needs its init segment (`EXT-X-MAP`) in front, so
    both go into a temporary file (the caller removes it); a `.ts` segment is returned as it is."""
    if segment.suffix != ".m4s":
        return segment
    init = newest_segment(segment.parent, (".mp4",))
    if init is None:
        raise FileNotFoundError(f"no init segment next to {segment.name}")
    fd, name = tempfile.mkstemp(prefix="ownstream-thumbnail-", suffix=".mp4")
    with os.fdopen(fd, "wb") as handle:
        handle.write(init.read_bytes())
        handle.write(segment.read_bytes())
    return Path(name)


def thumbnail_args(ffmpeg_path: str, segment: Path, output: Path) -> list[str]:
    return [
        ffmpeg_path,
        "-hide_banner",
        "-loglevel",
        "error",
        "-y",
        "-threads",
        "1",
        "-i",
        str(segment),
        "-frames:v",
        "1",
        "-update",
        "1",
        "-f",
        "image2",
        str(output),
    ]


def preview_args(ffmpeg_path: str, segment: Path, output: Path) -> list[str]:
    """A one-second, 8 fps, 480 px wide GIF with its own palette, in one ffmpeg run."""
    return [
        ffmpeg_path,
        "-hide_banner",
        "-loglevel",
        "error",
        "-y",
        "-threads",
        "1",
        "-t",
        "1",
        "-i",
        str(segment),
        "-filter_complex",
        PREVIEW_FILTER,
        "-f",
        "gif",
        str(output),
    ]


class ThumbnailGenerator:
    """While live: every `interval` seconds, a new thumbnail and preview from the newest segment.

    Until a segment exists it looks every `first_retry` seconds, so the page gets a picture soon after the
    first segment appears. Each file is written under a temporary name and renamed into place.
    """

    def __init__(
        self,
        ffmpeg_path: str,
        hls_dir: Path,
        variant_index: int,
        output_dir: Path,
        interval: float = 20.0,
        *,
        first_retry: float = 2.0,
        timeout: float = 30.0,
    ) -> None:
        self.ffmpeg_path = ffmpeg_path
        self.segment_dir = hls_dir / str(variant_index)
        self.output_dir = output_dir
        self.interval = interval
        self.first_retry = first_retry
        self.timeout = timeout
        self._task: asyncio.Task[None] | None = None
        self._lock = asyncio.Lock()
        self._found_a_segment = False

    @property
    def thumbnail_path(self) -> Path:
        return self.output_dir / THUMBNAIL_NAME

    @property
    def preview_path(self) -> Path:
        return self.output_dir / PREVIEW_NAME

    def start(self) -> None:
        if self._task is not None:
            raise RuntimeError("the thumbnail generator is already running")
        self._task = asyncio.get_running_loop().create_task(self._run(), name="thumbnails")

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _run(self) -> None:
        while True:
            try:
                await self.generate_once()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("generating the thumbnail failed")
            await asyncio.sleep(self.interval if self._found_a_segment else self.first_retry)

    async def generate_once(self) -> bool:
        """Make both files from the newest segment. True when the thumbnail was written."""
        async with self._lock:
            segment = await asyncio.to_thread(self._prepare)
            if segment is None:
                log.debug("no segment in %s yet for a thumbnail", self.segment_dir)
                return False
            self._found_a_segment = True
            try:
                thumbnail_ok = await self._render(
                    thumbnail_args, segment, self.output_dir / TEMP_THUMBNAIL_NAME, self.thumbnail_path
                )
                await self._render(
                    preview_args, segment, self.output_dir / TEMP_PREVIEW_NAME, self.preview_path
                )
            finally:
                if segment.parent != self.segment_dir:
                    await asyncio.to_thread(segment.unlink, missing_ok=True)
            return thumbnail_ok

    def _prepare(self) -> Path | None:
        self.output_dir.mkdir(parents=True, exist_ok=True)
        segment = newest_segment(self.segment_dir)
        if segment is None:
            return None
        try:
            return playable_copy(segment)
        except OSError as error:  # deleted meanwhile, or no init segment yet: the next round
            log.debug("no usable segment for a thumbnail yet: %s", error)
            return None

    async def _render(
        self,
        make_args: Callable[[str, Path, Path], list[str]],
        segment: Path,
        temp: Path,
        final: Path,
    ) -> bool:
        """Run one ffmpeg into `temp`, then rename it to `final`. Failures are logged, not raised."""
        argv = make_args(self.ffmpeg_path, segment, temp)
        try:
            process = await asyncio.create_subprocess_exec(
                *argv,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.DEVNULL,
                stderr=asyncio.subprocess.PIPE,
            )
        except OSError as exc:
            log.warning("cannot run ffmpeg for %s: %s", final.name, exc)
            return False
        try:
            _, stderr = await asyncio.wait_for(process.communicate(), self.timeout)
        except TimeoutError:
            log.warning("ffmpeg took longer than %.0f s to make %s", self.timeout, final.name)
            return False
        finally:
            if process.returncode is None:
                with contextlib.suppress(ProcessLookupError):
                    process.kill()
                await process.wait()
        if process.returncode != 0:
            lines = stderr.decode("utf-8", "replace").strip().splitlines()
            log.warning(
                "ffmpeg could not make %s from %s (code %d): %s",
                final.name,
                segment.name,
                process.returncode,
                lines[-1] if lines else "no message",
            )
            await asyncio.to_thread(temp.unlink, missing_ok=True)
            return False
        try:
            await asyncio.to_thread(os.replace, temp, final)
        except OSError as exc:
            log.warning("cannot move %s into place: %s", final.name, exc)
            return False
        return True

    async def reset_to_logo(self, logo_path: Path) -> None:
        """Offline: the logo becomes the thumbnail and there is no preview (Owncast's behaviour)."""
        await asyncio.to_thread(self._reset_to_logo, logo_path)

    def _reset_to_logo(self, logo_path: Path) -> None:
        self.output_dir.mkdir(parents=True, exist_ok=True)
        self.preview_path.unlink(missing_ok=True)
        temp = self.output_dir / TEMP_THUMBNAIL_NAME
        try:
            shutil.copyfile(logo_path, temp)
        except OSError as exc:
            log.warning("cannot use the logo %s as the thumbnail: %s", logo_path, exc)
            return
        os.replace(temp, self.thumbnail_path)
