"""What a per-stream output is: the HLS transcoder today; an LL-HLS packager, a recorder and simulcast
pushers next.

The lifecycle starts every output when a publisher is accepted, the fan-out feeds each one the stream's
FLV tags through its own bounded queue (`queue`; None for an output that takes no media, such as the
thumbnails, which are cut from the HLS output's segments), and the lifecycle stops them all when the stream
ends. What an output writes goes into its own `directory`, which it creates, cleans (`discard`) and owns;
nothing else writes there.

An output that fails says so by raising from `write` (`OutputFailed` for an expected failure: no
traceback), or at any time through `StreamContext.fail` (its process died while idle). It is then stopped
and the stream goes on without it, except for the primary output, whose failure ends the stream.

A recorder implements `StreamOutput` with a lossy queue (`QueuePolicy(max_bytes=…)`): it opens a file
under its directory in `start`, appends `tag.data` in `write` (the bytes form an FLV stream starting
with the file header), and closes the file in `stop`. A simulcast pusher does the same over an RTMP client
connection (sending `tag.payload` with `tag.tag_type` and `tag.timestamp`, skipping the file header); when
its connection breaks it raises and is detached; starting it again (`StreamLifecycle.start_output`, after
its own back-off) joins it at the next keyframe with the configuration it needs.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Protocol

from ownstream.config.model import RuntimeConfig
from ownstream.hls_storage.backend import StreamStorage
from ownstream.ingest.flv import FlvTag


class OutputFailed(Exception):
    """An output cannot go on (its process died, its input pipe broke): logged in one line, no traceback."""


@dataclass(frozen=True)
class QueuePolicy:
    """How much of the stream an output may have queued, and what happens when it has more.

    A lossy queue drops to the next keyframe once holding `max_bytes` more would be needed: the output
    loses media, never ingest or the other outputs. A lossless queue instead makes ingest wait for room
    (the publisher's socket is not read meanwhile, so TCP slows the encoder down), but only while the
    output keeps taking media: one that takes nothing for the fan-out's stall timeout is treated as
    lossy until it takes again.
    """

    max_bytes: int
    lossless: bool = False


def _nobody_listens(_reason: str) -> None:
    return None


@dataclass(frozen=True)
class StreamContext:
    """What an output is told about the stream it starts for."""

    stream_id: str
    started_at: datetime
    config: RuntimeConfig
    """The runtime configuration when the publisher was accepted: a stream keeps its settings."""
    fail: Callable[[str], None] = field(default=_nobody_listens, compare=False)
    """Call with a reason when the output can no longer work between writes (its process exited)."""


@dataclass(frozen=True)
class OutputHealth:
    """An output's own account of itself (its process, its connection)."""

    ok: bool
    detail: str


class StreamOutput(Protocol):
    @property
    def name(self) -> str:
        """Short and unique among the outputs (`hls`, `thumbnails`, `simulcast:youtube`); used in logs."""
        ...

    @property
    def queue(self) -> QueuePolicy | None:
        """The media queue this output wants; None when it takes no media."""
        ...

    @property
    def directory(self) -> Path | None:
        """Where this output writes (None: nowhere local)."""
        ...

    async def start(self, stream: StreamContext) -> None:
        """Prepare for a new stream (clean the directory, open connections). Raising refuses the stream
        for the primary output; another output is then left out of this stream."""
        ...

    async def write(self, tags: Sequence[FlvTag]) -> None:
        """The next tags, in order. The first delivery starts with the FLV file header (then metadata
        and codec configurations); after a drop, delivery resumes at a keyframe."""
        ...

    async def stop(self) -> None:
        """The stream ended, or this output failed: finish what is written, release everything. Bounded
        in time; called once per `start`, also after a failure."""
        ...

    def health(self) -> OutputHealth: ...

    async def discard(self) -> None:
        """Remove what an earlier run left in `directory` (at server start, and after the server has
        stayed offline for the cleanup delay)."""
        ...


class PrimaryOutput(StreamOutput, Protocol):
    """The output viewers watch (HLS): the stream is online once it is playable, and ends when it fails."""

    @property
    def playable(self) -> bool:
        """Whether viewers can play the current stream."""
        ...

    async def wait_playable(self) -> None:
        """Return once viewers can play the current stream."""
        ...

    @property
    def online_grace(self) -> float:
        """Seconds after the stream starts before it may be called online (it must be playable too):
        Owncast's max(3 × segment, 7 s), or 0 for low-latency HLS, online as soon as it is playable."""
        ...

    @property
    def segment_storage(self) -> StreamStorage | None:
        """Where the current stream's segments are served from; None when no stream runs."""
        ...

    @property
    def starts(self) -> int:
        """Transcoder processes started (for the metrics)."""
        ...

    @property
    def failures(self) -> int:
        """Transcoder processes that exited on their own while a stream was live (for the metrics)."""
        ...


class OutputState(enum.Enum):
    RUNNING = "running"
    STALLED = "stalled"
    """Its queue is full and it takes nothing: it is losing media to the next keyframe."""
    FAILED = "failed"
    STOPPED = "stopped"


@dataclass(frozen=True)
class OutputStatus:
    """One output of the current stream as the fan-out sees it."""

    name: str
    state: OutputState
    health: OutputHealth
    queued_bytes: int
    peak_queued_bytes: int
    """The most its queue has held during this stream."""
    dropped_tags: int
    """Media tags this output lost by falling behind (dropped to the next keyframe)."""
