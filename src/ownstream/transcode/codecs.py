"""Video encoders ffmpeg can use, with the flags each needs (reference §6.3), and encoder probing."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import Iterable
from dataclasses import dataclass

log = logging.getLogger(__name__)

DEFAULT_CODEC = "libx264"

_X264_PRESETS = ("ultrafast", "superfast", "veryfast", "faster", "fast")
_X264_PRESET_FALLBACK = "superfast"
_NVENC_PRESETS = ("p1", "p2", "p3", "p4", "p5")
_NVENC_PRESET_FALLBACK = "p3"

REPORTED_CODECS = ("libx264", "h264_omx", "h264_vaapi", "h264_nvenc")
"""The encoders Owncast lists in `supportedCodecs` when ffmpeg has them."""


@dataclass(frozen=True)
class VideoCodec:
    """One `video_codec` choice: how the ffmpeg command changes when it is selected."""

    name: str
    """The encoder name passed to `-c:v:i`, and the stored config value."""
    display_name: str
    global_flags: tuple[str, ...] = ()
    """Placed before `-i` (device or hardware-decoder setup)."""
    pix_fmt: str = "yuv420p"
    extra_args: tuple[str, ...] = ()
    """Output options placed after the HLS options, applying to every encoded stream."""
    video_filter: str = ""
    """Appended to each encoded variant's filter chain (after any scaling)."""
    presets: tuple[str, ...] = _X264_PRESETS
    preset_fallback: str = _X264_PRESET_FALLBACK
    x264_rate_flags: bool = False
    """libx264 only: per-variant `-x264-params`, `-bufsize` and `-profile`."""
    low_latency_tune: str = ""
    """A per-variant `-tune:v:i` value (NVENC)."""

    def preset_for(self, cpu_usage_level: int) -> str:
        """The encoder preset for a variant's `cpuUsageLevel` (0–4); other values use the fallback."""
        if 0 <= cpu_usage_level < len(self.presets):
            return self.presets[cpu_usage_level]
        return self.preset_fallback

    def variant_flags(self, index: int, maxrate_kbps: int) -> list[str]:
        """Codec-specific flags for encoded variant `index`, placed right after its `-r:v:i`."""
        flags: list[str] = []
        if self.x264_rate_flags:
            flags += [
                f"-x264-params:v:{index}",
                "scenecut=0:open_gop=0",
                f"-bufsize:v:{index}",
                f"{maxrate_kbps}k",
                f"-profile:v:{index}",
                "high",
            ]
        if self.low_latency_tune:
            flags += [f"-tune:v:{index}", self.low_latency_tune]
        return flags


CODECS: dict[str, VideoCodec] = {
    codec.name: codec
    for codec in (
        VideoCodec(
            name="libx264",
            display_name="Default (libx264)",
            extra_args=("-tune", "zerolatency"),
            x264_rate_flags=True,
        ),
        VideoCodec(
            name="h264_omx",
            display_name="OpenMAX (omx)",
            extra_args=("-tune", "zerolatency"),
        ),
        VideoCodec(
            name="h264_vaapi",
            display_name="VA-API",
            global_flags=("-vaapi_device", "/dev/dri/renderD128"),
            # Owncast wrote `vaapi_vld`, a name ffmpeg 5 removed; `vaapi` is the same format.
            pix_fmt="vaapi",
            video_filter="format=nv12,hwupload",
        ),
        VideoCodec(
            name="h264_nvenc",
            display_name="NVIDIA GPU acceleration",
            global_flags=("-hwaccel", "cuda"),
            presets=_NVENC_PRESETS,
            preset_fallback=_NVENC_PRESET_FALLBACK,
            low_latency_tune="ll",
        ),
        VideoCodec(name="h264_qsv", display_name="Intel QuickSync", pix_fmt="nv12"),
        VideoCodec(name="h264_v4l2m2m", display_name="Video4Linux hardware encoder", pix_fmt="nv21"),
    )
}


def codec_for(name: str) -> VideoCodec:
    """The codec for a configured `video_codec`; unknown or empty names mean libx264, as in Owncast."""
    return CODECS.get(name, CODECS[DEFAULT_CODEC])


def parse_encoder_list(output: str) -> set[str]:
    """Encoder names from `ffmpeg -hide_banner -encoders` output.

    Lines look like ` V....D libx264   libx264 H.264 / AVC ...`: six capability letters, then the name.
    The legend above the `------` separator uses the same shape, so only lines after it count.
    """
    names: set[str] = set()
    lines = output.splitlines()
    separator = next((i for i, line in enumerate(lines) if line.strip().startswith("---")), None)
    for line in lines[separator + 1 if separator is not None else 0 :]:
        parts = line.split()
        if len(parts) >= 2 and len(parts[0]) == 6 and parts[0][0] in "VAS":
            names.add(parts[1])
    return names


def supported_codecs(encoders: Iterable[str]) -> list[str]:
    """Owncast's `supportedCodecs`: which of libx264, omx, vaapi and nvenc this ffmpeg has, in that order."""
    available = set(encoders)
    return [name for name in REPORTED_CODECS if name in available]


_encoder_cache: dict[tuple[str, int], frozenset[str]] = {}
"""Probe results by (binary path, modification time): a fact about a file, so it is safe to share."""


async def probe_encoders(ffmpeg_path: str, timeout: float = 10.0) -> set[str]:
    """The encoders the ffmpeg binary at `ffmpeg_path` offers. Cached per binary; an empty set on failure."""
    try:
        stamp = (await asyncio.to_thread(os.stat, ffmpeg_path)).st_mtime_ns
    except OSError as exc:
        log.warning("cannot probe ffmpeg encoders: %s", exc)
        return set()
    key = (ffmpeg_path, stamp)
    cached = _encoder_cache.get(key)
    if cached is not None:
        return set(cached)
    output = await _run_for_output([ffmpeg_path, "-hide_banner", "-encoders"], timeout)
    if output is None:
        return set()
    encoders = frozenset(parse_encoder_list(output))
    _encoder_cache[key] = encoders
    return set(encoders)


def clear_encoder_cache() -> None:
    _encoder_cache.clear()


async def _run_for_output(argv: list[str], timeout: float) -> str | None:
    try:
        process = await asyncio.create_subprocess_exec(
            *argv,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.DEVNULL,
        )
    except OSError as exc:
        log.warning("cannot run %s: %s", argv[0], exc)
        return None
    try:
        stdout, _ = await asyncio.wait_for(process.communicate(), timeout)
    except TimeoutError:
        with contextlib.suppress(ProcessLookupError):
            process.kill()
        # Drain what is left: a paused, unread stdout pipe would keep wait() from ever returning.
        await process.communicate()
        log.warning("%s %s did not answer within %.0f s", argv[0], argv[-1], timeout)
        return None
    if process.returncode != 0:
        log.warning("%s %s exited with code %s", argv[0], argv[-1], process.returncode)
        return None
    return stdout.decode("utf-8", "replace")
