"""One Redis stream that every process writes to and reads all of: the order of its entries is the one
order in which every process applies chat sends and hears the other processes' bus events.

Writers call `send` (never waits): entries wait in a bounded queue and one named task appends them with
`XADD`, in the order they were sent, many per round trip. One reader task per process follows the stream
from where it stood when the process started (`XREAD BLOCK`) and hands each entry to the handler of its
kind, in stream order. A process therefore sees its own entries too, in their place among the others'.

When Redis goes away both tasks log one line, retry with a growing pause and log again when it is back;
the reader resumes after the last entry it handled, so nothing in between is lost while the stream still
holds it (`MAX_ENTRIES`, trimmed approximately). The send queue is bounded: past `MAX_PENDING` entries
(Redis unreachable for long) new entries are dropped and counted.

A batch whose answer was lost (the connection broke after Redis took some or all of it) is written again;
every entry carries its writer's sequence number, and readers skip one they have seen from that writer
already, so a retry never delivers anything twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Callable
from typing import Any

from redis.exceptions import RedisError

from ownstream.cluster.redis_link import KEY_PREFIX, RedisLink

log = logging.getLogger(__name__)

STREAM_KEY = KEY_PREFIX + "events"
MAX_ENTRIES = 20_000
"""Entries Redis keeps (about: `MAXLEN ~`): how far behind a reader may fall without losing any."""
MAX_PENDING = 10_000
"""Entries this process may have waiting to be written before it drops new ones."""
BATCH = 500
"""Entries per round trip, both ways."""
READ_BLOCK_MS = 1000
FIRST_RETRY = 0.2
MAX_RETRY = 5.0

Entry = dict[bytes, bytes]
KIND = b"k"
ORIGIN = b"o"
SEQUENCE = b"n"


class ClusterStream:
    def __init__(self, link: RedisLink) -> None:
        self._link = link
        self.origin = link.token.encode()
        self._handlers: dict[bytes, Callable[[Entry], None]] = {}
        self._pending: deque[Entry] = deque()
        self._wakeup = asyncio.Event()
        self._flushed = asyncio.Event()
        """Set whenever the writer has emptied the send queue."""
        self._last_id = b"0-0"
        self._sequence = 0
        self._seen: dict[bytes, int] = {}
        """Writer (origin) → the highest sequence number read from it."""
        self._writer: asyncio.Task[None] | None = None
        self._reader: asyncio.Task[None] | None = None
        self._stopping = False
        self.dropped = 0
        """Entries dropped because the send queue was full."""

    def on(self, kind: bytes, handler: Callable[[Entry], None]) -> None:
        """Hand every entry of `kind` (this process's own included) to `handler`, in stream order."""
        self._handlers[kind] = handler

    def send(self, kind: bytes, fields: Entry) -> None:
        if self._stopping:
            return
        if len(self._pending) >= MAX_PENDING:
            if self.dropped == 0:
                log.warning("Redis %s: the send queue is full; dropping chat and bus events", self._link.name)
            self.dropped += 1
            return
        self._sequence += 1
        self._pending.append({KIND: kind, ORIGIN: self.origin, SEQUENCE: b"%d" % self._sequence, **fields})
        self._wakeup.set()

    async def start(self) -> None:
        """Begin after the newest entry there now: what came before this process is not its business."""
        newest: Any = await self._link.reads.xrevrange(STREAM_KEY, "+", "-", count=1)
        if newest:
            self._last_id = bytes(newest[0][0])
        loop = asyncio.get_running_loop()
        self._writer = loop.create_task(self._write_loop(), name="cluster:stream-writer")
        self._reader = loop.create_task(self._read_loop(), name="cluster:stream-reader")

    async def stop(self, flush_timeout: float = 2.0) -> None:
        """Write what is queued (for up to `flush_timeout`), then stop both tasks."""
        self._stopping = True
        if self._writer is not None and self._pending and not self._writer.done():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._flushed.wait(), flush_timeout)
        # Both loops also end on their own once stopping: redis-py can swallow a cancellation that
        # arrives while a command is on the wire, and the loop would then go on for ever.
        for task in (self._writer, self._reader):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    async def _write_loop(self) -> None:
        retry = FIRST_RETRY
        failing = False
        while True:
            if not self._pending:
                self._flushed.set()
                if self._stopping:
                    return
                self._wakeup.clear()
                await self._wakeup.wait()
                self._flushed.clear()
            batch = [self._pending[index] for index in range(min(BATCH, len(self._pending)))]
            try:
                async with self._link.commands.pipeline(transaction=False) as pipe:
                    for fields in batch:
                        pipe.xadd(STREAM_KEY, fields, maxlen=MAX_ENTRIES, approximate=True)  # type: ignore[arg-type]
                    await pipe.execute()
            except (RedisError, OSError) as error:
                if not failing:
                    log.warning("Redis %s: cannot write events (%s); retrying", self._link.name, error)
                    failing = True
                await asyncio.sleep(retry)
                retry = min(retry * 2, MAX_RETRY)
                continue
            for _ in batch:
                self._pending.popleft()
            if failing:
                log.info("Redis %s: writing events again", self._link.name)
                failing, retry = False, FIRST_RETRY

    async def _read_loop(self) -> None:
        retry = FIRST_RETRY
        failing = False
        while not self._stopping:
            try:
                answer: Any = await self._link.reads.xread(
                    {STREAM_KEY: self._last_id}, count=BATCH, block=READ_BLOCK_MS
                )
            except (RedisError, OSError) as error:
                if not failing:
                    log.warning("Redis %s: cannot read events (%s); retrying", self._link.name, error)
                    failing = True
                await asyncio.sleep(retry)
                retry = min(retry * 2, MAX_RETRY)
                continue
            if failing:
                log.info("Redis %s: reading events again", self._link.name)
                failing, retry = False, FIRST_RETRY
            for _stream, entries in answer or ():
                for entry_id, fields in entries:
                    self._last_id = bytes(entry_id)
                    self._dispatch(fields)

    def _dispatch(self, fields: Entry) -> None:
        origin = fields.get(ORIGIN, b"")
        try:
            sequence = int(fields.get(SEQUENCE, b""))
        except ValueError:
            return
        if sequence <= self._seen.get(origin, 0):
            return  # written twice (a retried batch): applied already
        self._seen[origin] = sequence
        handler = self._handlers.get(fields.get(KIND, b""))
        if handler is None:
            return  # a kind a newer version writes: not ours to act on
        try:
            handler(fields)
        except Exception:
            log.exception("applying a cluster event failed")
