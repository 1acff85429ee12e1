"""The go-live post: `federation_go_live_delay` (2 minutes) after a stream goes online (playable), if it
is still live,
federation is on and the go-live message is not empty; at most one per `federation_go_live_interval`
(10 minutes, newer Owncast), counted from the last go-live post stored, so a restart does not reset it.

One owned, named task per stream; the stream's end cancels it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import timedelta

from ownstream.clock import Clock
from ownstream.errors import Invalid
from ownstream.events import EventBus, StreamEnding, StreamOnline
from ownstream.federation.service import FederationService

log = logging.getLogger(__name__)


class GoLivePoster:
    def __init__(
        self,
        federation: FederationService,
        bus: EventBus,
        is_live: Callable[[], bool],
        clock: Clock,
        *,
        delay: float,
        min_interval: float,
    ) -> None:
        self._federation = federation
        self._bus = bus
        self._is_live = is_live
        self._clock = clock
        self._delay = delay
        self._min_interval = timedelta(seconds=min_interval)
        self._task: asyncio.Task[None] | None = None
        self._unsubscribe: list[Callable[[], None]] = []
        self.posted = 0

    def start(self) -> None:
        self._unsubscribe = [
            self._bus.subscribe(StreamOnline, self._online),
            self._bus.subscribe(StreamEnding, self._ending),
        ]

    async def stop(self) -> None:
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self._unsubscribe = []
        await self._cancel()

    async def _cancel(self) -> None:
        task, self._task = self._task, None
        if task is not None and not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    def _online(self, event: StreamOnline) -> None:
        if self._task is not None and not self._task.done():
            self._task.cancel()
        self._task = asyncio.get_running_loop().create_task(
            self._post_later(event.stream_id), name=f"federation:go-live:{event.stream_id}"
        )

    async def _ending(self, _event: StreamEnding) -> None:
        await self._cancel()

    async def _post_later(self, stream_id: str) -> None:
        await asyncio.sleep(self._delay)
        try:
            await self.post_if_due()
        except Exception:
            log.exception("the go-live post for stream %s failed", stream_id)

    async def post_if_due(self) -> bool:
        """Post now if everything says so; whether it did."""
        if not self._is_live() or not self._federation.active:
            return False
        last = await self._federation.outbox.last_live_notification()
        if last is not None and self._clock.now() - last < self._min_interval:
            log.info("no go-live post: the last one was less than %s ago", self._min_interval)
            return False
        try:
            post = await self._federation.publish_go_live()
        except Invalid as refused:
            log.info("no go-live post: %s", refused.message)
            return False
        if post is None:
            return False
        self.posted += 1
        log.info("posted the go-live note %s", post.iri)
        return True
