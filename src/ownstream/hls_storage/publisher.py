"""Copies one stream's HLS output to an object store while it is written (reference §6.6).

It listens to the HLS watcher's events on the bus and never does I/O in the handlers: they put small jobs
on a bounded queue that a few owned worker tasks drain. Per segment: upload it (`hls/<variant>/<name>`,
under the S3 setting's `pathPrefix` folder when one is set,
cached for a year), then publish that variant's playlist (uncached) with only uploaded segments in it.
Every upload is retried with back-off; one that still fails is logged and tried again at the next
playlist change, as long as the segment is listed. Segments that left the playlist more than
`keep_expired` segments ago are deleted from the bucket, as ffmpeg deletes them from disk.

The master playlist is not uploaded: its variant URIs are made absolute (pointing into the bucket) and it
is saved over the local copy, which `/hls/stream.m3u8` serves once every variant playlist is in the bucket.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from ownstream.events import EventBus, PlaylistWritten, SegmentWritten
from ownstream.hls.output import MASTER_INDEX, write_atomically
from ownstream.hls.playlist import PLAYLIST_NAME, absolute_variant_uris
from ownstream.hls_storage.backend import (
    PLAYLIST_CACHE_CONTROL,
    PLAYLIST_CONTENT_TYPE,
    SEGMENT_CACHE_CONTROL,
    ObjectStore,
    segment_content_type,
)
from ownstream.hls_storage.ledger import VariantLedger
from ownstream.hls_storage.pace import PaceChange, UploadPace
from ownstream.hls_storage.retry import DEFAULT_ATTEMPTS, with_backoff
from ownstream.transcode.latency import EXTRA_SEGMENTS_ON_DISK

log = logging.getLogger(__name__)

KEY_PREFIX = "hls"
DEFAULT_WORKERS = 3
DEFAULT_QUEUE_SIZE = 128


def hls_folder(path_prefix: str = "") -> str:
    """The folder of the live stream's objects: `hls`, or `<pathPrefix>/hls` (newer Owncast's layout)."""
    return f"{path_prefix}/{KEY_PREFIX}" if path_prefix else KEY_PREFIX


def object_key(variant: int, name: str, path_prefix: str = "") -> str:
    return f"{hls_folder(path_prefix)}/{variant}/{name}"


@dataclass(frozen=True)
class _UploadSegment:
    variant: int
    name: str
    duration: float

    def describe(self) -> str:
        return f"uploading {object_key(self.variant, self.name)}"


@dataclass(frozen=True)
class _PublishPlaylist:
    variant: int

    def describe(self) -> str:
        return f"publishing {object_key(self.variant, PLAYLIST_NAME)}"


@dataclass(frozen=True)
class _RewriteMaster:
    def describe(self) -> str:
        return "pointing the master playlist at the bucket"


@dataclass(frozen=True)
class _DeleteSegments:
    variant: int
    names: tuple[str, ...]

    def describe(self) -> str:
        return f"deleting {len(self.names)} old segment(s) of variant {self.variant}"


_Job = _UploadSegment | _PublishPlaylist | _RewriteMaster | _DeleteSegments


class SegmentPublisher:
    """The `StreamStorage` for a stream whose segments are served from a bucket."""

    def __init__(
        self,
        store: ObjectStore,
        bus: EventBus,
        hls_dir: Path,
        variant_count: int,
        *,
        retry_delay: float,
        flush_timeout: float,
        attempts: int = DEFAULT_ATTEMPTS,
        workers: int = DEFAULT_WORKERS,
        queue_size: int = DEFAULT_QUEUE_SIZE,
        keep_expired: int = EXTRA_SEGMENTS_ON_DISK,
        path_prefix: str = "",
    ) -> None:
        self._store = store
        self._path_prefix = path_prefix
        self._bus = bus
        self._hls_dir = hls_dir
        self._retry_delay = retry_delay
        self._flush_timeout = flush_timeout
        self._attempts = attempts
        self._worker_count = workers
        self._queue: asyncio.Queue[_Job] = asyncio.Queue(maxsize=queue_size)
        self._ledgers = [VariantLedger(keep_expired) for _ in range(variant_count)]
        self._stale = [False] * variant_count
        self._playlist_queued = [False] * variant_count
        self._playlist_locks = [asyncio.Lock() for _ in range(variant_count)]
        self._master_queued = False
        self._master_rewritten = False
        self._pace = UploadPace()
        self._dropped = 0
        self._workers: list[asyncio.Task[None]] = []
        self._unsubscribe: list[Callable[[], None]] = []

    # --- StreamStorage --------------------------------------------------------------------------------
    async def start(self) -> None:
        if self._workers:
            raise RuntimeError("the segment publisher is already running")
        loop = asyncio.get_running_loop()
        self._workers = [
            loop.create_task(self._work(), name=f"storage:upload-{n}") for n in range(self._worker_count)
        ]
        self._unsubscribe = [
            self._bus.subscribe(SegmentWritten, self.segment_written),
            self._bus.subscribe(PlaylistWritten, self.playlist_written),
        ]
        log.info("uploading HLS segments to %s", self._store.public_base_url)

    async def stop(self) -> None:
        """Upload what is queued and the final playlists (bounded by the flush timeout), then close."""
        if not self._workers:
            return
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self._unsubscribe = []
        try:
            await asyncio.wait_for(self._flush(), self._flush_timeout)
        except TimeoutError:
            log.warning(
                "uploads were still running %.0f s after the stream ended; %d queued job(s) dropped",
                self._flush_timeout,
                self._queue.qsize(),
            )
        finally:
            workers, self._workers = self._workers, []
            for task in workers:
                task.cancel()
            for task in workers:
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            await self._store.close()

    def serves_locally(self, relative: PurePosixPath) -> bool:
        """Only the master playlist, and only once it points into the bucket and the bucket can answer."""
        return relative == PurePosixPath(PLAYLIST_NAME) and self.master_ready

    @property
    def master_ready(self) -> bool:
        return self._master_rewritten and all(ledger.published is not None for ledger in self._ledgers)

    # --- events (no I/O here) -------------------------------------------------------------------------
    def segment_written(self, event: SegmentWritten) -> None:
        if 0 <= event.variant_index < len(self._ledgers):
            self._queue_segment(event.variant_index, Path(event.path).name, event.duration)

    def playlist_written(self, event: PlaylistWritten) -> None:
        if event.variant_index == MASTER_INDEX:
            self._queue_master()
        elif 0 <= event.variant_index < len(self._ledgers):
            self._stale[event.variant_index] = True
            self._queue_playlist(event.variant_index)

    # --- queueing -------------------------------------------------------------------------------------
    def _offer(self, job: _Job) -> bool:
        """Queue `job` unless the queue is full; dropped work is found again at the next playlist change."""
        try:
            self._queue.put_nowait(job)
        except asyncio.QueueFull:
            if not self._dropped:
                log.warning("upload queue full (storage is slow or down); postponing %s", job.describe())
            self._dropped += 1
            return False
        if self._dropped:
            log.info("upload queue accepting again; %d job(s) were postponed", self._dropped)
            self._dropped = 0
        return True

    def _queue_segment(self, variant: int, name: str, duration: float) -> None:
        ledger = self._ledgers[variant]
        if name in ledger.pending or not ledger.wants(name):
            return
        if self._offer(_UploadSegment(variant, name, duration)):
            ledger.pending.add(name)

    def _queue_playlist(self, variant: int) -> None:
        if not self._playlist_queued[variant]:
            self._playlist_queued[variant] = self._offer(_PublishPlaylist(variant))

    def _queue_master(self) -> None:
        if not self._master_queued:
            self._master_queued = self._offer(_RewriteMaster())

    def _queue_deletes(self, variant: int) -> None:
        ledger = self._ledgers[variant]
        names = ledger.take_deletable()
        if names and not self._offer(_DeleteSegments(variant, tuple(names))):
            ledger.put_back_deletable(names)

    # --- workers --------------------------------------------------------------------------------------
    async def _work(self) -> None:
        while True:
            job = await self._queue.get()
            try:
                await self._run(job)
            except Exception:
                log.exception("%s failed", job.describe())
            finally:
                self._queue.task_done()

    async def _run(self, job: _Job) -> None:
        match job:
            case _UploadSegment():
                await self._upload_segment(job)
            case _PublishPlaylist(variant):
                self._playlist_queued[variant] = False
                await self._publish_playlist(variant)
                if not self._master_rewritten:
                    self._queue_master()  # in case its own job was dropped from a full queue
            case _RewriteMaster():
                self._master_queued = False
                await self._rewrite_master()
            case _DeleteSegments(variant, names):
                keys = [object_key(variant, name, self._path_prefix) for name in names]
                await self._retry(lambda: self._store.delete(keys), job.describe())

    async def _retry(self, operation: Callable[[], Awaitable[None]], what: str) -> bool:
        return await with_backoff(
            operation, what=what, attempts=self._attempts, first_delay=self._retry_delay
        )

    async def _upload_segment(self, job: _UploadSegment) -> None:
        ledger = self._ledgers[job.variant]
        try:
            if not ledger.wants(job.name):
                return
            key = object_key(job.variant, job.name, self._path_prefix)
            started = asyncio.get_running_loop().time()
            try:
                body = await asyncio.to_thread((self._variant_dir(job.variant) / job.name).read_bytes)
            except FileNotFoundError:
                log.warning("segment %s was deleted before it could be uploaded", key)
                return
            uploaded = await self._retry(
                lambda: self._store.put(
                    key,
                    body,
                    content_type=segment_content_type(job.name),
                    cache_control=SEGMENT_CACHE_CONTROL,
                ),
                f"uploading {key}",
            )
            if not uploaded:
                return
            ledger.uploaded.add(job.name)
            self._note_pace(asyncio.get_running_loop().time() - started, job.duration)
        finally:
            ledger.pending.discard(job.name)
        self._queue_playlist(job.variant)
        self._queue_deletes(job.variant)

    def _note_pace(self, upload_seconds: float, segment_seconds: float) -> None:
        change = self._pace.record(upload_seconds, segment_seconds)
        if change is PaceChange.FELL_BEHIND:
            log.warning(
                "segment uploads take %.2f s on average for %.2f s segments: storage is too slow for "
                "this stream; viewers will stall",
                self._pace.average_upload,
                self._pace.average_duration,
            )
        elif change is PaceChange.CAUGHT_UP:
            log.info("segment uploads keep up with the stream again")

    async def _publish_playlist(self, variant: int) -> None:
        ledger = self._ledgers[variant]
        async with self._playlist_locks[variant]:
            if self._stale[variant]:
                self._stale[variant] = False
                text = await asyncio.to_thread(_read_text, self._variant_dir(variant) / PLAYLIST_NAME)
                if text is not None:
                    ledger.relist(text)
                self._queue_deletes(variant)
            for name, duration in ledger.missing():
                self._queue_segment(variant, name, duration)
            body = ledger.publishable()
            if body is None:
                return
            if ledger.init is not None and ledger.init not in ledger.uploaded:
                if not await self._upload_init(variant, ledger.init):
                    return
                ledger.uploaded.add(ledger.init)
            key = object_key(variant, PLAYLIST_NAME, self._path_prefix)
            data = body.encode("utf-8")
            if await self._retry(
                lambda: self._store.put(
                    key, data, content_type=PLAYLIST_CONTENT_TYPE, cache_control=PLAYLIST_CACHE_CONTROL
                ),
                f"uploading {key}",
            ):
                ledger.published = body

    async def _upload_init(self, variant: int, name: str) -> bool:
        """The fMP4 init segment a playlist names: in the bucket before any playlist that needs it."""
        key = object_key(variant, name, self._path_prefix)
        try:
            body = await asyncio.to_thread((self._variant_dir(variant) / name).read_bytes)
        except FileNotFoundError:
            log.warning("init segment %s is missing; its playlist waits", key)
            return False
        return await self._retry(
            lambda: self._store.put(
                key, body, content_type=segment_content_type(name), cache_control=SEGMENT_CACHE_CONTROL
            ),
            f"uploading {key}",
        )

    async def _rewrite_master(self) -> None:
        base = f"{self._store.public_base_url}/{hls_folder(self._path_prefix)}"
        path = self._hls_dir / PLAYLIST_NAME
        if await asyncio.to_thread(_point_master_at, path, base):
            self._master_rewritten = True

    async def _flush(self) -> None:
        """Drain the queue, re-read every variant playlist (the final ones end with ENDLIST), drain again."""
        await self._queue.join()
        for variant in range(len(self._ledgers)):
            self._stale[variant] = True
            self._queue_playlist(variant)
        await self._queue.join()

    def _variant_dir(self, variant: int) -> Path:
        return self._hls_dir / str(variant)


def _read_text(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return None


def _point_master_at(path: Path, base_url: str) -> bool:
    """Rewrite the master playlist at `path` so its variant URIs live under `base_url`.

    False when there is no master yet. Writes only when something changes, so the rewrite (which the
    HLS watcher reports as another master change) settles after one round.
    """
    text = _read_text(path)
    if text is None:
        return False
    rewritten = absolute_variant_uris(text, base_url)
    if rewritten != text:
        write_atomically(path, rewritten)
    return True
