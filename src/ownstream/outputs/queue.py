"""One output's bounded queue of the stream's tags, and what happens when the output falls behind.

The fan-out offers every batch of tags to every queue; an offer never waits. A queue that would hold more
than its bound drops its queued media (keeping the file header, metadata and codec configurations, which
are tiny and which a decoder needs) and then every new media tag until the next keyframe, where the output
picks the stream up again: it loses a stretch of picture, not its place. A lossless queue (the primary
output's) instead lets ingest wait for room (`wait_for_room`), but only up to the stall timeout: an output
that takes nothing for that long is treated as lossy until it takes again, so a hung transcoder cannot
hold the publisher, or the other outputs, for ever.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Sequence

from ownstream.ingest.flv import HEADER_ROLES, FlvTag
from ownstream.ingest.stream_header import StreamHeader
from ownstream.net.rate_limited_log import RateLimitedLog
from ownstream.outputs.protocol import QueuePolicy

log = logging.getLogger(__name__)


class OutputQueue:
    """Fed by `offer` (never waits), emptied by the output's pump with `take`.

    A queue made before the stream's first tag delivers the stream from its very first byte; a queue made
    later (an output joining mid-stream) starts with the header's prelude and waits for a keyframe.
    """

    def __init__(self, name: str, policy: QueuePolicy, header: StreamHeader) -> None:
        self.name = name
        self.policy = policy
        self._header = header
        self._tags: deque[FlvTag] = deque()
        self.queued_bytes = 0
        self.peak_bytes = 0
        """The most this queue ever held (for tests and diagnostics)."""
        self.dropped_tags = 0
        self.stalled = False
        self.closed = False
        self._has_tags = asyncio.Event()
        self._taken = asyncio.Event()
        self._falling_behind = RateLimitedLog(log, logging.WARNING)
        joining = header.file_header is not None
        self._needs_file_header = not joining
        self._resyncing = joining
        for tag in header.prelude():
            self._append(tag)

    # --- the fan-out's side ---------------------------------------------------------------------------
    def offer(self, tags: Sequence[FlvTag], size: int) -> None:
        """Queue `tags` (`size` bytes in all), dropping to the next keyframe when over the bound."""
        if self.closed or not tags:
            return
        if self._needs_file_header:
            self._needs_file_header = False
            assert self._header.file_header is not None, "the header notes a batch before it is offered"
            self._append(self._header.file_header)
        if not self._resyncing and (
            self.queued_bytes + size <= self.policy.max_bytes or (self.policy.lossless and not self.stalled)
        ):
            self._tags.extend(tags)
            self.queued_bytes += size
        else:
            for tag in tags:
                self._offer_one(tag)
        if self.queued_bytes > self.peak_bytes:
            self.peak_bytes = self.queued_bytes
        if self._tags:
            self._has_tags.set()

    async def wait_for_room(self, stall_timeout: float) -> None:
        """For a lossless queue over its bound: wait until the output takes, up to `stall_timeout`; after
        that the output counts as stalled and its queue drops to the next keyframe."""
        if not self.policy.lossless:
            return
        loop = asyncio.get_running_loop()
        deadline = loop.time() + stall_timeout
        while self.queued_bytes > self.policy.max_bytes and not (self.closed or self.stalled):
            remaining = deadline - loop.time()
            if remaining <= 0:
                self.stalled = True
                log.warning(
                    "output %s took no media for %.1f s; it loses media to the next keyframe until it "
                    "takes again",
                    self.name,
                    stall_timeout,
                )
                self._fall_behind()
                return
            self._taken.clear()
            try:
                async with asyncio.timeout(remaining):
                    await self._taken.wait()
            except TimeoutError:
                pass

    def close(self, *, discard: bool = False) -> None:
        """No more tags: `take` returns what is queued (nothing when `discard`), then None."""
        self.closed = True
        if discard:
            self._tags.clear()
            self.queued_bytes = 0
        self._has_tags.set()
        self._taken.set()

    # --- the output's side ----------------------------------------------------------------------------
    async def take(self) -> list[FlvTag] | None:
        """Everything queued, once there is something; None once closed and empty."""
        while not self._tags:
            if self.closed:
                return None
            self._has_tags.clear()
            await self._has_tags.wait()
        batch = list(self._tags)
        self._tags.clear()
        self.queued_bytes = 0
        if self.stalled:
            self.stalled = False
            log.info("output %s takes media again", self.name)
        self._taken.set()
        return batch

    # --- dropping -------------------------------------------------------------------------------------
    def _offer_one(self, tag: FlvTag) -> None:
        if tag.role in HEADER_ROLES:
            if self._resyncing:
                self._forget(tag.role)  # only the newest of each matters to a decoder starting later
            self._append(tag)
            return
        if not self._resyncing and self.queued_bytes + len(tag.data) > self.policy.max_bytes:
            self._fall_behind()
        if self._resyncing:
            if not self._header.resumes_at(tag):
                self.dropped_tags += 1
                return
            self._resyncing = False
        self._append(tag)

    def _fall_behind(self) -> None:
        kept: list[FlvTag] = []
        roles = set()
        for tag in reversed(self._tags):
            if tag.role in HEADER_ROLES and tag.role not in roles:
                roles.add(tag.role)
                kept.append(tag)
        kept.reverse()
        self.dropped_tags += len(self._tags) - len(kept)
        if not self.stalled:
            self._falling_behind.log(
                "output %s fell behind (%d bytes queued); it loses media to the next keyframe",
                self.name,
                self.queued_bytes,
            )
        self._tags = deque(kept)
        self.queued_bytes = sum(len(tag.data) for tag in kept)
        self._resyncing = True

    def _forget(self, role: object) -> None:
        for queued in self._tags:
            if queued.role is role:
                self._tags.remove(queued)
                self.queued_bytes -= len(queued.data)
                return

    def _append(self, tag: FlvTag) -> None:
        self._tags.append(tag)
        self.queued_bytes += len(tag.data)
