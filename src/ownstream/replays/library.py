"""The replay library: what is recorded (the database index and the files together), the bytes it
takes, and the disk budget.

The one place that adds to or removes from the recordings, so the running byte totals stay right: the
recorder adds segments through it, the admin's delete and the budget remove whole replays through it.
Removing takes the index rows first, then the folder, so a replay is never listed without its files.

A replay recorded while storage was S3 has its files in the bucket (`replays/bucket.py`). The disk
budget is the local disk's: it counts the replays kept there. The admin's byte retention counts every
replay, wherever it is kept. Removing a replay from a bucket deletes its objects first (with the S3
settings of now, under the path prefix the replay was recorded with); when the bucket cannot be reached
the replay stays listed and is tried again later.
"""

from __future__ import annotations

import asyncio
import logging
import shutil
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Final

from ownstream.config.model import S3Config
from ownstream.database.repos.replays import BucketLocation, ReplayRepository, ReplaySegment, StoredReplay
from ownstream.errors import Conflict, NotFound, Unavailable
from ownstream.replays.bucket import RecordingBucket, is_configured, object_key
from ownstream.replays.dvr import DvrPlaylists
from ownstream.replays.files import RecordingFiles, valid_replay_id
from ownstream.replays.playlist import render_replay_playlist

log = logging.getLogger(__name__)

DOWNLOADS_AT_ONCE: Final = 4
"""`download.mp4` remuxes run at once (each an ffmpeg); more are told to come back (503)."""
PLAYLISTS_CACHED: Final = 32
"""Finished replays whose playlist text is kept (a 6-hour replay's takes ≈1 s to read and render)."""
BUDGET_WARNING_SHARE: Final = 0.9
"""Recordings past this share of the disk budget are logged as a warning (once until they drop below)."""


@dataclass(frozen=True)
class RecordingUsage:
    """What the recordings take, against what they may take (the admin's Home and Replays pages)."""

    used: int
    """Bytes of the replays on local disk."""
    disk_budget: int
    limit: int
    """The disk budget, or the admin's byte retention when smaller: what the local ones may take."""
    disk_free: int
    """Free bytes on the disk holding the recordings."""
    in_bucket: int
    """Bytes of the replays recorded to S3."""

    @property
    def share(self) -> float:
        return self.used / self.limit if self.limit > 0 else 0.0

    @property
    def warning(self) -> bool:
        """At or past the share of the limit where the oldest replays are about to be removed."""
        return self.share >= BUDGET_WARNING_SHARE


class ReplayLibrary:
    def __init__(self, repository: ReplayRepository, files: RecordingFiles, disk_budget: int) -> None:
        self.repository = repository
        self.files = files
        self.disk_budget = disk_budget
        self._bytes: int | None = None
        self._bucket_bytes: int | None = None
        self._warned = False
        self.downloads = asyncio.Semaphore(DOWNLOADS_AT_ONCE)
        self._playlists: OrderedDict[str, tuple[str, str]] = OrderedDict()
        """Finished replays' playlists by id: (the media prefix they were made with, the text)."""
        self._versions: dict[str, int] = {}
        self.dvr = DvrPlaylists(repository, self.version)
        """The DVR playlists of the replay being recorded (replays/dvr.py)."""
        self.recording: Callable[[], str | None] = lambda: None
        """The replay being recorded (never removed to make room); set by the recorder."""
        self.retained_bytes: Callable[[], int] = lambda: 0
        """The admin's byte retention (0: none); the composition root reads it from the config."""
        self.s3_config: Callable[[], S3Config] = S3Config
        """The S3 settings now (to remove replays from their bucket); set by the composition root."""
        self.bucket_retry_delay = 0.5
        """The first pause between tries of an upload to a bucket."""

    @property
    def byte_limit(self) -> int:
        """What the recordings may take: the disk budget, or the admin's retention when smaller."""
        retained = self.retained_bytes()
        return min(self.disk_budget, retained) if retained > 0 else self.disk_budget

    @property
    def root(self) -> Path:
        return self.files.root

    async def used_bytes(self) -> int:
        """Bytes of the replays on local disk."""
        if self._bytes is None:
            self._bytes = await self.repository.total_size(in_bucket=False)
        return self._bytes

    async def bucket_bytes(self) -> int:
        """Bytes of the replays recorded to S3."""
        if self._bucket_bytes is None:
            self._bucket_bytes = await self.repository.total_size(in_bucket=True)
        return self._bucket_bytes

    async def total_bytes(self) -> int:
        return await self.used_bytes() + await self.bucket_bytes()

    async def usage(self) -> RecordingUsage:
        used = await self.used_bytes()
        free = await asyncio.to_thread(_free_bytes, self.root)
        return RecordingUsage(
            used=used,
            disk_budget=self.disk_budget,
            limit=self.byte_limit,
            disk_free=free,
            in_bucket=await self.bucket_bytes(),
        )

    # --- reading --------------------------------------------------------------------------------------
    async def all(self) -> list[StoredReplay]:
        return await self.repository.all()

    async def get(self, replay_id: str) -> StoredReplay:
        replay = await self.repository.get(replay_id) if valid_replay_id(replay_id) else None
        if replay is None:
            raise NotFound("replay not found")
        return replay

    async def segments(self, replay_id: str) -> list[ReplaySegment]:
        return await self.repository.segments(replay_id)

    async def playlist(self, replay: StoredReplay, media_prefix: str) -> str | None:
        """The replay's playlist (None while it has no segment). A finished replay's never changes: it
        is kept for the next viewer. Rendering runs in a thread (hours of segments take a while)."""
        cached = self._playlists.get(replay.id) if replay.finished else None
        if cached is not None and cached[0] == media_prefix:
            self._playlists.move_to_end(replay.id)
            return cached[1]
        segments = await self.repository.segments(replay.id)
        if not segments:
            return None
        text = await asyncio.to_thread(
            render_replay_playlist, segments, ended=replay.finished, media_prefix=media_prefix
        )
        if replay.finished:
            self._playlists[replay.id] = (media_prefix, text)
            while len(self._playlists) > PLAYLISTS_CACHED:
                self._playlists.popitem(last=False)
        return text

    def version(self, replay_id: str) -> int:
        """Counts the segments this process added to the replay: a playlist rendered at another count is
        out of date."""
        return self._versions.get(replay_id, 0)

    def file(self, replay_id: str, name: str) -> Path:
        """Where a replay's file is (ValueError for a name no replay holds)."""
        return self.files.path(replay_id, name)

    # --- recording ------------------------------------------------------------------------------------
    async def create(
        self,
        replay_id: str,
        title: str,
        rendition: int,
        started_at: datetime,
        location: BucketLocation | None = None,
    ) -> None:
        await self.repository.create(replay_id, title, rendition, started_at, location)

    async def open_bucket(self, config: S3Config, path_prefix: str | None = None) -> RecordingBucket:
        """A client for a replay's files in the bucket `config` names, under `path_prefix` (default: the
        configured one); no request made yet."""
        return await RecordingBucket.open(
            config, retry_delay=self.bucket_retry_delay, path_prefix=path_prefix
        )

    async def make_room(self, size: int, *, in_bucket: bool = False) -> bool:
        """Whether `size` more bytes fit — the byte retention (every replay), and for a replay on local
        disk the disk budget — after removing the oldest finished replays if they must go. The replay
        being recorded is never removed."""
        retained = self.retained_bytes()
        if retained > 0:
            if size > retained:
                return False
            total = await self._shrink_to(retained - size, "the recordings reached their byte retention")
            if total + size > retained:
                return False
        if in_bucket:
            return True
        limit = self.byte_limit
        if size > limit:
            return False
        used = await self._shrink_to(
            limit - size, "the recordings reached their disk budget", local_only=True
        )
        fits = used + size <= limit
        self._note_level(used + size if fits else used, limit)
        return fits

    async def apply_retention(self, days: int, now: datetime) -> list[str]:
        """Remove finished replays that ended more than `days` ago (0: none for age), then the oldest
        finished ones while the recordings exceed their byte limit. Never the one being recorded.
        Returns the removed ids."""
        removed: list[str] = []
        recording = self.recording()
        if days > 0:
            cutoff = now - timedelta(days=days)
            for replay in await self.repository.all():
                old = replay.ended_at is not None and replay.ended_at < cutoff
                if old and replay.id != recording and await self._remove_quietly(replay):
                    log.info("replay %s is older than the retention of %d days: removed", replay.id, days)
                    removed.append(replay.id)
        retained = self.retained_bytes()
        if retained > 0:
            await self._shrink_to(retained, "the recordings exceed their byte retention", removed)
        await self._shrink_to(
            self.byte_limit, "the recordings on disk exceed their byte limit", removed, local_only=True
        )
        return removed

    async def _shrink_to(
        self, target: int, why: str, removed: list[str] | None = None, *, local_only: bool = False
    ) -> int:
        """Remove the oldest finished replays (not the one being recorded; with `local_only` only those
        on local disk) until at most `target` bytes are used, or nothing else can go; returns the bytes
        used (on local disk with `local_only`, else in all)."""
        measure = self.used_bytes if local_only else self.total_bytes
        used = await measure()
        if used <= target:
            return used
        recording = self.recording()
        finished = [
            replay
            for replay in await self.repository.all()
            if replay.finished and not (local_only and replay.location is not None)
        ]
        for replay in reversed(finished):  # oldest first
            if used <= target:
                break
            if replay.id == recording:
                continue
            if await self._remove_quietly(replay):
                log.info("%s (%d bytes): removed the oldest replay %s", why, target, replay.id)
                if removed is not None:
                    removed.append(replay.id)
            used = await measure()
        return used

    def _note_level(self, used: int, limit: int) -> None:
        high = used >= limit * BUDGET_WARNING_SHARE
        if high and not self._warned:
            log.warning(
                "the recordings use %d of the %d bytes they may take; the oldest replays will be removed "
                "to make room",
                used,
                limit,
            )
        self._warned = high

    async def add_segment(
        self,
        replay_id: str,
        source: Path,
        init: Path,
        segment: ReplaySegment,
        bucket: RecordingBucket | None = None,
    ) -> None:
        """Keep the segment's file (and its init segment, once) — in `bucket` when given — and index it.
        The index row is written after the file is kept, so it never names a missing file."""
        if bucket is None:
            await asyncio.to_thread(self._keep, replay_id, source, init, segment)
            used = await self.used_bytes()  # read before the row counts
            await self.repository.add_segment(replay_id, segment)
            self._versions[replay_id] = self.version(replay_id) + 1
            self._bytes = used + segment.size
            return
        await bucket.upload(replay_id, init, segment.init_name)
        await bucket.upload(replay_id, source, segment.name)
        in_bucket = await self.bucket_bytes()  # read before the row counts
        await self.repository.add_segment(replay_id, segment)
        self._versions[replay_id] = self.version(replay_id) + 1
        self._bucket_bytes = in_bucket + segment.size

    def _keep(self, replay_id: str, source: Path, init: Path, segment: ReplaySegment) -> None:
        self.files.keep(replay_id, init, segment.init_name)
        self.files.keep(replay_id, source, segment.name)

    async def finish(self, replay_id: str, ended_at: datetime) -> None:
        await self.repository.finish(replay_id, ended_at)

    # --- removing -------------------------------------------------------------------------------------
    async def delete(self, replay_id: str) -> None:
        """The admin's delete: NotFound, or Conflict while it is being recorded."""
        replay = await self.get(replay_id)
        if replay.id == self.recording():
            raise Conflict("the replay is still being recorded")
        await self._remove(replay)

    async def forget(self, replay_id: str) -> None:
        """Remove a replay that kept nothing."""
        replay = await self.repository.get(replay_id)
        if replay is not None:
            await self._remove(replay)

    async def _remove(self, replay: StoredReplay) -> None:
        """Unavailable when its bucket cannot be reached (then nothing is removed)."""
        if replay.location is not None:
            await self._remove_objects(replay, replay.location)
        self._playlists.pop(replay.id, None)
        self._versions.pop(replay.id, None)
        self.dvr.forget(replay.id)
        kept = await (self.used_bytes() if replay.location is None else self.bucket_bytes())
        await self.repository.delete(replay.id)  # the totals are read before the rows go
        await asyncio.to_thread(self.files.remove, replay.id)
        if replay.location is None:
            self._bytes = max(0, kept - replay.size)
        else:
            self._bucket_bytes = max(0, kept - replay.size)

    async def _remove_quietly(self, replay: StoredReplay) -> bool:
        """For the budget and the retention: a replay whose bucket is unreachable is left for later."""
        try:
            await self._remove(replay)
        except Unavailable as error:
            log.warning("replay %s could not be removed now: %s", replay.id, error)
            return False
        return True

    async def _remove_objects(self, replay: StoredReplay, location: BucketLocation) -> None:
        config = self.s3_config()
        if not is_configured(location, config):
            log.warning(
                "replay %s is in the bucket %s at %s, which S3 storage no longer names; its objects stay "
                "there (under %s)",
                replay.id,
                location.bucket,
                location.endpoint,
                object_key(replay.id, "", location.path_prefix),
            )
            return
        segments = await self.repository.segments(replay.id)
        names = [name for segment in segments for name in (segment.name, segment.init_name)]
        if not names:
            return
        try:
            bucket = await self.open_bucket(config, location.path_prefix)  # the prefix it was recorded under
        except Exception as error:
            raise Unavailable(f"the bucket cannot be reached: {error}") from error
        try:
            await bucket.remove(replay.id, names)
        except Exception as error:
            raise Unavailable(f"the replay's files could not be deleted from the bucket: {error}") from error
        finally:
            await bucket.close()


def _free_bytes(folder: Path) -> int:
    """Free bytes on the disk holding `folder` (its nearest existing parent)."""
    probe = folder
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    return shutil.disk_usage(probe).free
