"""A delivery queue: outbound HTTP requests that must arrive, tried by a fixed pool of workers sharing
the server's HTTP client, retried with back-off, optionally kept in the database across restarts.

- **Bounded.** At most `queue_size` deliveries wait in memory. An in-memory queue drops what does not
  fit (`offer` returns False, counted and logged once per overflow); a persistent queue never drops:
  what does not fit stays in the journal until there is room.
- **Never waits on the network for the caller.** `offer` returns at once; `submit` waits only for the
  journal's insert.
- **Retries** follow the `RetryPolicy`; the verdict on an answer is the caller's (`classify`). In
  memory a retry waits on a timer; in a persistent queue the journal holds its due time and one
  sweeper task brings due deliveries back, so a thousand failing inboxes cost no thousand timers.
- **Per caller:** the address rule (`allow_private`), headers made at each attempt (`prepare`, e.g. an
  HTTP signature whose `Date` must be fresh), what a delivery or a give-up means (`on_delivered`,
  `on_abandoned`) and the logger, so the lines carry the caller's name. URLs are logged by origin
  only: paths and query strings often carry secrets.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Collection, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Protocol

from yarl import URL

from ownstream.clock import Clock, SystemClock
from ownstream.database.repos.deliveries import NewDelivery, PendingDelivery
from ownstream.outbound.http import OutboundFailure, OutboundHttp, Reply
from ownstream.outbound.retry import RetryPolicy, Verdict, delivered_below_500

MIN_SWEEP_WAIT = 0.005
"""Never poll the journal in a tighter loop than this, whatever its clock says."""
REMOVAL_BATCH_WAIT = 0.05
"""Finished deliveries are removed from the journal together, this long after the first of a batch:
one transaction for many (a post to a thousand inboxes), at the price of a delivery being tried again
after a crash in that moment (delivery is at least once anyway)."""


@dataclass(frozen=True)
class OutboundRequest:
    url: str
    body: bytes
    topic: str = "delivery"
    """What it is, for log lines: `CHAT webhook`, `Create activity`."""
    tag: str = ""
    """The caller's own reference (a webhook id, a follower IRI), handed back with the outcome."""
    method: str = "POST"
    content_type: str = "application/json"


@dataclass(frozen=True)
class Delivery:
    request: OutboundRequest
    created_at: datetime
    attempt: int = 0
    """Attempts that have failed so far."""
    journal_id: int | None = None


@dataclass(frozen=True)
class QueuePolicy:
    workers: int = 8
    queue_size: int = 1000
    timeout: float = 10.0
    """Per attempt, from connect to the end of the reply."""
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    allow_private: bool = False
    """Off: only public addresses (for targets a stranger can choose)."""
    max_reply_bytes: int = 0
    """How much of each reply `on_delivered` gets to see."""
    sweep_interval: float = 30.0
    """Persistent queues: look for due deliveries at least this often."""


class DeliveryJournal(Protocol):
    """Where a persistent queue keeps its deliveries (database/repos/deliveries.py)."""

    async def add(
        self,
        queue: str,
        *,
        method: str,
        url: str,
        content_type: str,
        body: bytes,
        topic: str,
        tag: str,
        created_at: datetime,
    ) -> int: ...

    async def add_many(self, queue: str, requests: list[NewDelivery], created_at: datetime) -> list[int]: ...

    async def reschedule(self, entry_id: int, *, attempt: int, due_at: datetime, last_error: str) -> None: ...

    async def remove(self, entry_id: int) -> None: ...

    async def remove_many(self, entry_ids: Collection[int]) -> None: ...

    async def due(
        self, queue: str, now: datetime, limit: int, exclude: Collection[int] = ()
    ) -> list[PendingDelivery]: ...

    async def next_due(self, queue: str, exclude: Collection[int] = ()) -> datetime | None: ...


Prepare = Callable[[OutboundRequest], Awaitable[Mapping[str, str]]]
OnDelivered = Callable[[Delivery, Reply], Awaitable[None]]
OnAbandoned = Callable[[Delivery, str], None]
OnRefused = Callable[[Delivery, int], Awaitable[None]]


def loggable_origin(url: str) -> str:
    """`scheme://host[:port]`, the only part of an outbound URL that is safe to log."""
    try:
        return str(URL(url).origin())
    except ValueError:
        return "<invalid url>"


def _from_journal(pending: PendingDelivery) -> Delivery:
    request = OutboundRequest(
        url=pending.url,
        body=pending.body,
        topic=pending.topic,
        tag=pending.tag,
        method=pending.method,
        content_type=pending.content_type,
    )
    return Delivery(request, pending.created_at, pending.attempt, pending.id)


class DeliveryQueue:
    def __init__(
        self,
        name: str,
        http: OutboundHttp,
        policy: QueuePolicy | None = None,
        *,
        logger: logging.Logger,
        clock: Clock | None = None,
        classify: Callable[[int], Verdict] = delivered_below_500,
        prepare: Prepare | None = None,
        on_delivered: OnDelivered | None = None,
        on_abandoned: OnAbandoned | None = None,
        on_refused: OnRefused | None = None,
        journal: DeliveryJournal | None = None,
    ) -> None:
        """`on_refused`: the receiver answered with a status `classify` gives up on (after
        `on_abandoned`), e.g. an inbox's 410 Gone, which means its follower is gone too."""
        self.name = name
        self.policy = policy or QueuePolicy()
        self._http = http
        self._log = logger
        self._clock: Clock = clock or SystemClock()
        self._classify = classify
        self._prepare = prepare
        self._on_delivered = on_delivered
        self._on_abandoned = on_abandoned
        self._on_refused = on_refused
        self._journal = journal
        self._queue: asyncio.Queue[Delivery] = asyncio.Queue(maxsize=self.policy.queue_size)
        self._workers: list[asyncio.Task[None]] = []
        self._retry_timers: set[asyncio.TimerHandle] = set()
        self._held: set[int] = set()
        """Journal ids in memory (queued or being tried), which the sweeper must not load again."""
        self._finished: set[int] = set()
        """Journal ids delivered or given up, waiting to be removed together (not to be loaded again)."""
        self._just_removed: set[int] = set()
        """Ids removed since the sweeper's current read began: a read that started before a removal may
        still return them, and they must not be tried again."""
        self._remover: asyncio.Task[None] | None = None
        self._removal_wakeup = asyncio.Event()
        self._sweeper: asyncio.Task[None] | None = None
        self._sweep_wakeup = asyncio.Event()
        self._backlog = False
        self._overflowing = False
        # Counted for the metrics.
        self.delivered = 0
        self.failed_attempts = 0
        self.abandoned = 0
        self.dropped = 0

    @property
    def queued(self) -> int:
        """Deliveries waiting in memory for a worker."""
        return self._queue.qsize()

    @property
    def persistent(self) -> bool:
        return self._journal is not None

    # --- lifecycle ------------------------------------------------------------------------------------
    def start(self) -> None:
        if self._workers:
            return
        loop = asyncio.get_running_loop()
        self._workers = [
            loop.create_task(self._work(), name=f"{self.name}:worker-{index}")
            for index in range(self.policy.workers)
        ]
        if self._journal is not None:
            self._sweeper = loop.create_task(self._sweep(self._journal), name=f"{self.name}:sweeper")
            self._remover = loop.create_task(
                self._remove_finished(self._journal), name=f"{self.name}:remover"
            )

    async def stop(self, drain_timeout: float = 1.0) -> None:
        """Give queued deliveries `drain_timeout` seconds, then cancel workers and pending retries.
        A persistent queue's unfinished deliveries stay in the journal for the next start."""
        for timer in self._retry_timers:
            timer.cancel()
        self._retry_timers.clear()
        if self._sweeper is not None:
            self._sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._sweeper
            self._sweeper = None
        if self._workers:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._queue.join(), drain_timeout)
        for worker in self._workers:
            worker.cancel()
        await asyncio.gather(*self._workers, return_exceptions=True)
        self._workers = []
        self._held.clear()
        if self._remover is not None:
            self._remover.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._remover
            self._remover = None
        if self._journal is not None and self._finished:
            await self._flush_finished(self._journal)

    # --- taking deliveries ------------------------------------------------------------------------------
    def offer(self, request: OutboundRequest) -> bool:
        """An in-memory delivery; False when the queue is full and it was dropped. Never waits."""
        if self._journal is not None:
            raise RuntimeError(f"the {self.name} queue is persistent: submit() its deliveries")
        return self._offer(Delivery(request, self._clock.now()))

    async def submit(self, request: OutboundRequest) -> None:
        """A delivery that survives a restart: in the journal first, then tried when there is room."""
        if self._journal is None:
            raise RuntimeError(f"the {self.name} queue keeps nothing: offer() its deliveries")
        now = self._clock.now()
        entry_id = await self._journal.add(
            self.name,
            method=request.method,
            url=request.url,
            content_type=request.content_type,
            body=request.body,
            topic=request.topic,
            tag=request.tag,
            created_at=now,
        )
        self._hold(Delivery(request, now, 0, entry_id))

    async def submit_many(self, requests: list[OutboundRequest]) -> None:
        """Many deliveries that survive a restart, journaled in one transaction (a post to every
        follower's inbox), then tried as room allows."""
        if self._journal is None:
            raise RuntimeError(f"the {self.name} queue keeps nothing: offer() its deliveries")
        if not requests:
            return
        now = self._clock.now()
        rows = [
            NewDelivery(
                method=request.method,
                url=request.url,
                content_type=request.content_type,
                body=request.body,
                topic=request.topic,
                tag=request.tag,
            )
            for request in requests
        ]
        entry_ids = await self._journal.add_many(self.name, rows, now)
        for request, entry_id in zip(requests, entry_ids, strict=True):
            if not self._hold(Delivery(request, now, 0, entry_id)):
                break  # the rest wait in the journal; the sweeper brings them in as room frees up

    def _offer(self, delivery: Delivery) -> bool:
        try:
            self._queue.put_nowait(delivery)
        except asyncio.QueueFull:
            self.dropped += 1
            if not self._overflowing:
                self._overflowing = True
                self._log.warning(
                    "%s queue is full (%d deliveries waiting); dropping new deliveries until it drains",
                    self.name,
                    self._queue.maxsize,
                )
            return False
        if self._overflowing:
            self._overflowing = False
            self._log.info("%s queue has room again; %d deliveries dropped so far", self.name, self.dropped)
        return True

    def _hold(self, delivery: Delivery) -> bool:
        """A journaled delivery into memory, if there is room; otherwise it waits in the journal."""
        assert delivery.journal_id is not None
        if delivery.journal_id in self._held:
            return True
        if delivery.journal_id in self._finished or delivery.journal_id in self._just_removed:
            return True  # done already: a read of the journal from before it finished
        try:
            self._queue.put_nowait(delivery)
        except asyncio.QueueFull:
            self._backlog = True
            return False
        self._held.add(delivery.journal_id)
        return True

    # --- workers --------------------------------------------------------------------------------------
    async def _work(self) -> None:
        while True:
            delivery = await self._queue.get()
            try:
                await self._attempt(delivery)
            except asyncio.CancelledError:
                raise
            except Exception:
                self._log.exception(
                    "%s to %s failed unexpectedly",
                    delivery.request.topic,
                    loggable_origin(delivery.request.url),
                )
            finally:
                self._queue.task_done()
                if delivery.journal_id is not None:
                    self._held.discard(delivery.journal_id)
                    if self._backlog:
                        self._sweep_wakeup.set()

    async def _attempt(self, delivery: Delivery) -> None:
        request = delivery.request
        headers = {"Content-Type": request.content_type}
        if self._prepare is not None:
            headers.update(await self._prepare(request))
        try:
            reply = await self._http.request(
                request.method,
                request.url,
                body=request.body,
                headers=headers,
                timeout=self.policy.timeout,
                allow_private=self.policy.allow_private,
                max_reply_bytes=self.policy.max_reply_bytes,
            )
        except OutboundFailure as failure:
            await self._failed(
                delivery, failure.reason, Verdict.GIVE_UP if failure.permanent else Verdict.RETRY
            )
            return
        verdict = self._classify(reply.status)
        if verdict is not Verdict.DELIVERED:
            await self._failed(delivery, f"HTTP {reply.status}", verdict)
            if verdict is Verdict.GIVE_UP and self._on_refused is not None:
                await self._on_refused(delivery, reply.status)
            return
        self.delivered += 1
        await self._forget(delivery)
        if self._on_delivered is not None:
            await self._on_delivered(delivery, reply)

    async def _failed(self, delivery: Delivery, problem: str, verdict: Verdict) -> None:
        self.failed_attempts += 1
        age = (self._clock.now() - delivery.created_at).total_seconds()
        wait = self.policy.retry.retry_after(delivery.attempt, age) if verdict is Verdict.RETRY else None
        request = delivery.request
        if wait is None:
            self.abandoned += 1
            self._log.warning(
                "gave up on %s to %s after %d attempts: %s",
                request.topic,
                loggable_origin(request.url),
                delivery.attempt + 1,
                problem,
            )
            await self._forget(delivery)
            if self._on_abandoned is not None:
                self._on_abandoned(delivery, problem)
            return
        self._log.info(
            "%s to %s failed (%s); retrying in %.1f s",
            request.topic,
            loggable_origin(request.url),
            problem,
            wait,
        )
        retry = replace(delivery, attempt=delivery.attempt + 1)
        if self._journal is not None and retry.journal_id is not None:
            due_at = self._clock.now() + timedelta(seconds=wait)
            await self._journal.reschedule(
                retry.journal_id, attempt=retry.attempt, due_at=due_at, last_error=problem
            )
            self._sweep_wakeup.set()
        else:
            self._retry_later(retry, wait)

    async def _forget(self, delivery: Delivery) -> None:
        if self._journal is not None and delivery.journal_id is not None:
            self._finished.add(delivery.journal_id)
            self._removal_wakeup.set()

    async def _remove_finished(self, journal: DeliveryJournal) -> None:
        while True:
            await self._removal_wakeup.wait()
            await asyncio.sleep(REMOVAL_BATCH_WAIT)
            self._removal_wakeup.clear()
            try:
                await self._flush_finished(journal)
            except asyncio.CancelledError:
                raise
            except Exception:
                self._log.exception("%s queue: removing finished deliveries failed", self.name)
                self._removal_wakeup.set()
                await asyncio.sleep(self.policy.sweep_interval)

    async def _flush_finished(self, journal: DeliveryJournal) -> None:
        batch = set(self._finished)
        await journal.remove_many(batch)
        self._finished -= batch
        self._just_removed |= batch

    def _retry_later(self, delivery: Delivery, wait: float) -> None:
        timer: asyncio.TimerHandle | None = None

        def fire() -> None:
            if timer is not None:
                self._retry_timers.discard(timer)
            self._offer(delivery)

        timer = asyncio.get_running_loop().call_later(wait, fire)
        self._retry_timers.add(timer)

    # --- the persistent queue's sweeper -----------------------------------------------------------------
    async def _sweep(self, journal: DeliveryJournal) -> None:
        """Bring due deliveries from the journal into memory, as room allows; sleep until the next is
        due, room frees up, or a retry was scheduled."""
        while True:
            self._sweep_wakeup.clear()
            self._just_removed.clear()
            wait = self.policy.sweep_interval
            try:
                room = self._queue.maxsize - self._queue.qsize()
                now = self._clock.now()
                for pending in await journal.due(self.name, now, room, exclude=self._held | self._finished):
                    self._hold(_from_journal(pending))
                if self._queue.full():
                    self._backlog = True  # woken when a worker frees a place
                else:
                    self._backlog = False
                    next_due = await journal.next_due(self.name, exclude=self._held | self._finished)
                    if next_due is not None:
                        wait = min(wait, (next_due - self._clock.now()).total_seconds())
            except asyncio.CancelledError:
                raise
            except Exception:
                # The database is unwell (a full disk, say): try again at the next interval.
                self._log.exception("%s queue: reading the pending deliveries failed", self.name)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._sweep_wakeup.wait(), max(wait, MIN_SWEEP_WAIT))
