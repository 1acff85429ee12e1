"""The publisher's media, given to each of a stream's outputs through its own bounded queue.

Ingest calls `publish` with each batch of tags (one socket read's worth) and then awaits `wait_for_room`,
which waits only for lossless outputs that keep taking media (see `queue.py`). Each output with a queue
has one pump task that takes everything queued and awaits the output's `write`; a slow output therefore
holds up only its own pump. An output that raises, or calls its context's `fail`, is detached and stopped,
and the lifecycle is told (`on_failure`): it ends the stream when that was the primary output.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from ownstream.ingest.flv import FlvTag
from ownstream.ingest.stream_header import StreamHeader
from ownstream.outputs.protocol import (
    OutputFailed,
    OutputState,
    OutputStatus,
    StreamContext,
    StreamOutput,
)
from ownstream.outputs.queue import OutputQueue

log = logging.getLogger(__name__)

FailureHandler = Callable[[StreamOutput, str], None]


@dataclass(eq=False)
class _Consumer:
    output: StreamOutput
    queue: OutputQueue | None = None
    pump: asyncio.Task[None] | None = None
    failure: str | None = None
    stopping: asyncio.Task[None] | None = None


class MediaFanout:
    """One stream's outputs: started by `add`, fed by `publish`, stopped together by `stop`."""

    def __init__(self, stream: StreamContext, *, stall_timeout: float, on_failure: FailureHandler) -> None:
        self._stream = stream
        self._stall_timeout = stall_timeout
        self._on_failure = on_failure
        self._header = StreamHeader()
        self._consumers: list[_Consumer] = []
        self._queues: list[OutputQueue] = []
        self._lossless: list[OutputQueue] = []
        self._closed = False

    async def add(self, output: StreamOutput) -> None:
        """Start `output` for this stream and feed it from now on: from the first tag when no media has
        passed yet, else from the next keyframe after the file header, metadata and codec configurations.
        An output that failed earlier in the stream may be added again (a restart). Raises whatever
        `output.start` raises; the output is then not part of the stream."""
        if self._closed:
            raise RuntimeError("the stream has ended")
        earlier = next((c for c in self._consumers if c.output is output), None)
        if earlier is not None:
            if earlier.failure is None:
                raise RuntimeError(f"output {output.name} is already running")
            await self._stop_in_background(earlier)  # a restart after a failure: the old run is over
            self._consumers.remove(earlier)
        consumer = _Consumer(output)
        await output.start(replace(self._stream, fail=lambda reason: self._fail(consumer, reason)))
        self._consumers.append(consumer)
        if self._closed:  # the stream ended while this output was starting
            self._stop_in_background(consumer)
            return
        if output.queue is not None:
            consumer.queue = OutputQueue(output.name, output.queue, self._header)
            consumer.pump = asyncio.get_running_loop().create_task(
                self._pump(consumer), name=f"output:{output.name}"
            )
        self._collect_queues()

    async def remove(self, output: StreamOutput) -> bool:
        """Stop `output` and leave it out of the rest of the stream (a simulcast destination switched off
        while live); the others go on untouched. False when it is not part of the stream."""
        consumer = next((c for c in self._consumers if c.output is output), None)
        if consumer is None or self._closed:
            return False
        self._consumers.remove(consumer)
        if consumer.queue is not None:
            consumer.queue.close(discard=True)
        self._collect_queues()
        pump = consumer.pump
        if pump is not None and not pump.done():
            pump.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await pump
        await self._stop_in_background(consumer)
        return True

    def publish(self, tags: Sequence[FlvTag], size: int) -> None:
        """Offer `tags` (`size` bytes of FLV) to every output; never waits."""
        note = self._header.note
        for tag in tags:
            note(tag)
        for queue in self._queues:
            queue.offer(tags, size)

    async def wait_for_room(self) -> None:
        """Ingest's backpressure: wait while a lossless output that keeps taking media is full."""
        for queue in self._lossless:
            await queue.wait_for_room(self._stall_timeout)

    def statuses(self) -> list[OutputStatus]:
        statuses = []
        for consumer in self._consumers:
            queue = consumer.queue
            if consumer.failure is not None:
                state = OutputState.FAILED
            elif self._closed:
                state = OutputState.STOPPED
            elif queue is not None and queue.stalled:
                state = OutputState.STALLED
            else:
                state = OutputState.RUNNING
            statuses.append(
                OutputStatus(
                    name=consumer.output.name,
                    state=state,
                    health=consumer.output.health(),
                    queued_bytes=queue.queued_bytes if queue is not None else 0,
                    peak_queued_bytes=queue.peak_bytes if queue is not None else 0,
                    dropped_tags=queue.dropped_tags if queue is not None else 0,
                )
            )
        return statuses

    async def stop(self) -> None:
        """End of the stream: each output gets what is queued for it (up to the stall timeout), then all
        are stopped at once, each within its own time limits."""
        if self._closed:
            return
        self._closed = True
        for consumer in self._consumers:
            if consumer.queue is not None:
                consumer.queue.close()
        self._collect_queues()
        await asyncio.gather(*(self._finish(consumer) for consumer in list(self._consumers)))

    async def _finish(self, consumer: _Consumer) -> None:
        pump = consumer.pump
        if pump is not None and not pump.done():
            done, _ = await asyncio.wait({pump}, timeout=self._stall_timeout)
            if not done:
                log.warning(
                    "output %s did not take the end of the stream within %.1f s",
                    consumer.output.name,
                    self._stall_timeout,
                )
                pump.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await pump
        await self._stop_in_background(consumer)

    async def _pump(self, consumer: _Consumer) -> None:
        queue = consumer.queue
        assert queue is not None
        output = consumer.output
        try:
            while (tags := await queue.take()) is not None:
                await output.write(tags)
        except OutputFailed as error:
            self._fail(consumer, str(error))
        except Exception as error:
            log.exception("output %s failed", output.name)
            self._fail(consumer, f"{type(error).__name__}: {error}")

    def _fail(self, consumer: _Consumer, reason: str) -> None:
        """Detach a failed output, tell the lifecycle, and stop it (unless the stream is stopping it)."""
        if consumer.failure is not None or self._closed:
            return
        consumer.failure = reason
        if consumer.queue is not None:
            consumer.queue.close(discard=True)
        self._collect_queues()
        self._on_failure(consumer.output, reason)
        self._stop_in_background(consumer)

    def _stop_in_background(self, consumer: _Consumer) -> asyncio.Task[None]:
        """The one task that stops this output (started once, awaited by `stop`)."""
        if consumer.stopping is None:
            consumer.stopping = asyncio.get_running_loop().create_task(
                self._stop_output(consumer), name=f"output-stop:{consumer.output.name}"
            )
        return consumer.stopping

    async def _stop_output(self, consumer: _Consumer) -> None:
        try:
            await consumer.output.stop()
        except Exception:
            log.exception("stopping output %s failed", consumer.output.name)

    def _collect_queues(self) -> None:
        live = [c.queue for c in self._consumers if c.queue is not None and c.failure is None]
        self._queues = [] if self._closed else live
        self._lossless = [queue for queue in self._queues if queue.policy.lossless]
