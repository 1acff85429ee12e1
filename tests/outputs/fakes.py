"""Outputs that record what they are given, and can stall or crash on demand (no ffmpeg, no disk)."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path

from ownstream.database.repos.stats import StoredStats
from ownstream.hls_storage.backend import StreamStorage
from ownstream.ingest.flv import FlvTag, TagRole, TagType, media_tag, metadata_tag
from ownstream.outputs.protocol import OutputHealth, QueuePolicy, StreamContext

AVC_CONFIG = b"\x17\x00\x00\x00\x00\x01\x64\x00\x1f"
AAC_CONFIG = b"\xaf\x00\x12\x10"
LOSSY = QueuePolicy(max_bytes=1_000_000)
METADATA = {"videocodecid": 7.0, "audiocodecid": 10.0, "width": 320.0, "height": 180.0}


def video(index: int, size: int = 100, *, gop: int = 30) -> FlvTag:
    """Frame `index` of a stream with a keyframe every `gop` frames."""
    frame_type = 0x17 if index % gop == 0 else 0x27
    body = bytes([frame_type, 1, 0, 0, 0]) + index.to_bytes(4, "big") + bytes(max(size - 9, 0))
    return media_tag(TagType.VIDEO, index * 33, body)


def audio(index: int) -> FlvTag:
    return media_tag(TagType.AUDIO, index * 23, b"\xaf\x01" + index.to_bytes(4, "big"))


def opening() -> list[FlvTag]:
    """What a publisher sends first: metadata, then the codec configurations."""
    return [
        metadata_tag(METADATA),
        media_tag(TagType.VIDEO, 0, AVC_CONFIG),
        media_tag(TagType.AUDIO, 0, AAC_CONFIG),
    ]


def frame_number(tag: FlvTag) -> int | None:
    """The index `video()` put in a frame; None for anything else."""
    if tag.role not in (TagRole.KEYFRAME, TagRole.VIDEO):
        return None
    return int.from_bytes(tag.payload[5:9], "big")


class FakeOutput:
    """Records every delivery. `stall()` makes `write` wait until `resume()`; `crash_next` makes the next
    write raise it."""

    directory: Path | None = None

    def __init__(self, name: str, queue: QueuePolicy | None = LOSSY) -> None:
        self.name = name
        self.queue = queue
        self.contexts: list[StreamContext] = []
        self.received: list[FlvTag] = []
        self.deliveries = 0
        self.stops = 0
        self.discards = 0
        self.crash_next: Exception | None = None
        self.crash_on_start: Exception | None = None
        self._flowing = asyncio.Event()
        self._flowing.set()
        self._received = asyncio.Condition()

    @property
    def context(self) -> StreamContext:
        return self.contexts[-1]

    def stall(self) -> None:
        self._flowing.clear()

    def resume(self) -> None:
        self._flowing.set()

    async def start(self, stream: StreamContext) -> None:
        if self.crash_on_start is not None:
            raise self.crash_on_start
        self.contexts.append(stream)

    async def write(self, tags: Sequence[FlvTag]) -> None:
        await self._flowing.wait()
        if self.crash_next is not None:
            error, self.crash_next = self.crash_next, None
            raise error
        self.received.extend(tags)
        self.deliveries += 1
        async with self._received:
            self._received.notify_all()

    async def wait_for(self, count: int, timeout: float = 5.0) -> None:
        """Until `count` tags (the file header included) have arrived."""
        async with self._received:
            await asyncio.wait_for(self._received.wait_for(lambda: len(self.received) >= count), timeout)

    async def stop(self) -> None:
        self.stops += 1

    def health(self) -> OutputHealth:
        return OutputHealth(True, "fake")

    async def discard(self) -> None:
        self.discards += 1

    def frames(self) -> list[int]:
        return [number for tag in self.received if (number := frame_number(tag)) is not None]

    def roles(self) -> list[TagRole]:
        return [tag.role for tag in self.received]


class FakePrimary(FakeOutput):
    """The output viewers watch: playable when the test says so."""

    def __init__(self, name: str = "primary", queue: QueuePolicy | None = None) -> None:
        super().__init__(name, queue or QueuePolicy(max_bytes=1_000_000, lossless=True))
        self._playable = asyncio.Event()
        self.starts = 0
        self.failures = 0
        self.segment_storage: StreamStorage | None = None
        self.online_grace = 0.0
        """What the lifecycle waits before online when the settings leave it to the output."""

    @property
    def playable(self) -> bool:
        return self._playable.is_set()

    def make_playable(self) -> None:
        self._playable.set()

    async def wait_playable(self) -> None:
        await self._playable.wait()

    async def stop(self) -> None:
        await super().stop()
        self._playable.clear()

    def die(self, reason: str = "the transcoder exited") -> None:
        """As if its process exited between writes."""
        self.failures += 1
        self.context.fail(reason)


class MemoryStats:
    """The stats table, in memory."""

    def __init__(self) -> None:
        self.saved = StoredStats()

    async def load(self) -> StoredStats:
        return self.saved

    async def save(self, stats: StoredStats) -> None:
        self.saved = stats
