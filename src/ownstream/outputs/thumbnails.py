"""The page's thumbnail and preview while live, cut from the HLS output's segments (§6.7).

This output takes no media: it starts its generator when the HLS output reports the stream's first
segment (on the bus), reads the newest segment of the best variant, and writes `thumbnail.jpg` and
`preview.gif` in the data dir. When the stream ends they are removed, and the logo stands in.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from pathlib import Path

from ownstream.events import EventBus, SegmentWritten
from ownstream.ingest.flv import FlvTag
from ownstream.outputs.protocol import OutputHealth, StreamContext
from ownstream.transcode.ffmpeg_binary import resolve_ffmpeg_path
from ownstream.transcode.thumbnails import PREVIEW_NAME, THUMBNAIL_NAME, ThumbnailGenerator
from ownstream.transcode.variants import best_variant_index


class ThumbnailOutput:
    name = "thumbnails"
    queue = None

    def __init__(self, directory: Path, segments: Path, bus: EventBus, interval: float) -> None:
        self.directory = directory
        """Where `thumbnail.jpg` and `preview.gif` go (the data dir: only those two files are ours)."""
        self._segments = segments
        self._bus = bus
        self._interval = interval
        self._generator: ThumbnailGenerator | None = None
        self._unsubscribe: Callable[[], None] | None = None

    async def start(self, stream: StreamContext) -> None:
        config = stream.config
        generator = ThumbnailGenerator(
            resolve_ffmpeg_path(config.ffmpeg_path),
            self._segments,
            best_variant_index(config.video_variants),
            self.directory,
            interval=self._interval,
        )
        self._generator = generator

        def first_segment(_event: SegmentWritten) -> None:
            self._stop_listening()
            generator.start()

        self._unsubscribe = self._bus.subscribe(SegmentWritten, first_segment)

    async def write(self, tags: Sequence[FlvTag]) -> None:
        raise NotImplementedError("the thumbnails take no media")

    async def stop(self) -> None:
        self._stop_listening()
        generator, self._generator = self._generator, None
        if generator is not None:
            await generator.stop()
        await self.discard()

    def _stop_listening(self) -> None:
        unsubscribe, self._unsubscribe = self._unsubscribe, None
        if unsubscribe is not None:
            unsubscribe()

    def health(self) -> OutputHealth:
        return OutputHealth(True, "generating" if self._generator is not None else "not running")

    async def discard(self) -> None:
        """While offline the logo stands in for the thumbnail and there is no preview."""

        def remove() -> None:
            (self.directory / THUMBNAIL_NAME).unlink(missing_ok=True)
            (self.directory / PREVIEW_NAME).unlink(missing_ok=True)

        await asyncio.to_thread(remove)
