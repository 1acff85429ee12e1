"""Webhook delivery: bus events → a bounded queue → a fixed pool of workers sharing one HTTP session.

Publishing never waits: the bus handlers only encode the body once and offer one delivery per
subscribed webhook to the queue; when the queue is full the delivery is dropped (and logged once per
overflow). Workers POST the JSON body with a per-request timeout. Transport errors and 5xx answers
are retried with exponential back-off (the retry waits on a timer, not in a worker); any other answer
counts as delivered and updates the webhook's `lastUsed`.

URLs are logged by origin only: webhook paths and query strings often carry secrets.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Protocol

import aiohttp
from yarl import URL

from ownstream import OWNCAST_API_VERSION, __version__
from ownstream.clock import Clock
from ownstream.config.service import ConfigService
from ownstream.events import ChatEventOccurred, EventBus, StreamStarted, StreamStopped, StreamTitleChanged
from ownstream.store.repos.webhooks import Webhook
from ownstream.webhooks.payloads import (
    STREAM_STARTED,
    STREAM_STOPPED,
    STREAM_TITLE_UPDATED,
    ServerDescription,
    chat_event_body,
    stream_event_body,
)

log = logging.getLogger(__name__)

USER_AGENT = f"Ownstream/{__version__} (webhooks; Owncast API {OWNCAST_API_VERSION})"
DEFAULT_WORKERS = 8
DEFAULT_QUEUE_SIZE = 1000
DEFAULT_RETRIES = 3
DRAIN_TIMEOUT = 1.0
"""At shutdown, how long queued deliveries (e.g. the last STREAM_STOPPED) may still go out."""


class WebhookDirectory(Protocol):
    """What the dispatcher needs from the registry."""

    def subscribers(self, event_type: str) -> list[Webhook]: ...

    async def mark_used(self, webhook_id: int, when: datetime) -> None: ...


@dataclass(frozen=True)
class Delivery:
    webhook_id: int
    url: str
    event_type: str
    body: bytes
    attempt: int = 0


@dataclass(frozen=True)
class DeliveryPolicy:
    timeout: float = 10.0
    retry_delay: float = 1.0
    retries: int = DEFAULT_RETRIES
    workers: int = DEFAULT_WORKERS
    queue_size: int = DEFAULT_QUEUE_SIZE

    def backoff(self, attempt: int) -> float:
        """The wait before retry number `attempt + 1`: retry_delay, then twice that, and so on."""
        return float(self.retry_delay * 2**attempt)


def origin_of(url: str) -> str:
    """`scheme://host[:port]`, the only part of a webhook URL that is safe to log."""
    try:
        return str(URL(url).origin())
    except ValueError:
        return "<invalid url>"


def describe_server(config: ConfigService) -> Callable[[], ServerDescription]:
    def describe() -> ServerDescription:
        current = config.current
        return ServerDescription(
            name=current.server_name, summary=current.server_summary, stream_title=current.stream_title
        )

    return describe


def new_event_id() -> str:
    return secrets.token_urlsafe(6)


class WebhookDispatcher:
    def __init__(
        self,
        directory: WebhookDirectory,
        bus: EventBus,
        server: Callable[[], ServerDescription],
        clock: Clock,
        policy: DeliveryPolicy | None = None,
        *,
        event_ids: Callable[[], str] = new_event_id,
    ) -> None:
        self._directory = directory
        self._bus = bus
        self._server = server
        self._clock = clock
        self.policy = policy or DeliveryPolicy()
        self._event_ids = event_ids
        self._queue: asyncio.Queue[Delivery] = asyncio.Queue(maxsize=self.policy.queue_size)
        self._session: aiohttp.ClientSession | None = None
        self._workers: list[asyncio.Task[None]] = []
        self._retry_timers: set[asyncio.TimerHandle] = set()
        self._unsubscribe: list[Callable[[], None]] = []
        self._overflowing = False
        # Counted for the metrics.
        self.dropped = 0
        self.delivered = 0
        self.failed_attempts = 0
        self.abandoned = 0

    @property
    def queued(self) -> int:
        return self._queue.qsize()

    # --- lifecycle ------------------------------------------------------------------------------------
    def start(self) -> None:
        if self._session is not None:
            return
        self._session = aiohttp.ClientSession(
            timeout=aiohttp.ClientTimeout(total=self.policy.timeout),
            headers={"User-Agent": USER_AGENT},
        )
        loop = asyncio.get_running_loop()
        self._workers = [
            loop.create_task(self._work(), name=f"webhooks:worker-{index}")
            for index in range(self.policy.workers)
        ]
        self._unsubscribe = [
            self._bus.subscribe(ChatEventOccurred, self._on_chat_event),
            self._bus.subscribe(StreamStarted, self._on_stream_started),
            self._bus.subscribe(StreamStopped, self._on_stream_stopped),
            self._bus.subscribe(StreamTitleChanged, self._on_title_changed),
        ]

    async def stop(self, drain_timeout: float = DRAIN_TIMEOUT) -> None:
        """Stop taking events, give queued deliveries a moment, then cancel workers and close the session."""
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self._unsubscribe = []
        for timer in self._retry_timers:
            timer.cancel()
        self._retry_timers.clear()
        if self._workers:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._queue.join(), drain_timeout)
        for worker in self._workers:
            worker.cancel()
        await asyncio.gather(*self._workers, return_exceptions=True)
        self._workers = []
        if self._session is not None:
            await self._session.close()
            self._session = None

    # --- bus events → deliveries (never awaits) ---------------------------------------------------------
    def _on_chat_event(self, event: ChatEventOccurred) -> None:
        self.enqueue(event.type, chat_event_body(event))

    def _on_stream_started(self, event: StreamStarted) -> None:
        self._stream_event(STREAM_STARTED, event.started_at)

    def _on_stream_stopped(self, event: StreamStopped) -> None:
        self._stream_event(STREAM_STOPPED, event.stopped_at)

    def _on_title_changed(self, event: StreamTitleChanged) -> None:
        self._stream_event(STREAM_TITLE_UPDATED, self._clock.now(), title=event.title)

    def _stream_event(self, event_type: str, timestamp: datetime, *, title: str | None = None) -> None:
        """The server as configured right now (with the new title, for a title change)."""
        subscribed = self._directory.subscribers(event_type)
        if not subscribed:
            return
        server = self._server()
        if title is not None:
            server = replace(server, stream_title=title)
        body = stream_event_body(event_type, self._event_ids(), server, timestamp)
        self._offer_all(subscribed, event_type, body)

    def enqueue(self, event_type: str, body: dict[str, Any]) -> None:
        """Offer one delivery of `body` to every webhook subscribed to `event_type`."""
        subscribed = self._directory.subscribers(event_type)
        if subscribed:
            self._offer_all(subscribed, event_type, body)

    def _offer_all(self, subscribed: list[Webhook], event_type: str, body: dict[str, Any]) -> None:
        encoded = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        for hook in subscribed:
            self._offer(Delivery(hook.id, hook.url, event_type, encoded))

    def _offer(self, delivery: Delivery) -> None:
        try:
            self._queue.put_nowait(delivery)
        except asyncio.QueueFull:
            self.dropped += 1
            if not self._overflowing:
                self._overflowing = True
                log.warning(
                    "webhook queue is full (%d deliveries waiting); dropping new deliveries until it drains",
                    self._queue.maxsize,
                )
            return
        if self._overflowing:
            self._overflowing = False
            log.info("webhook queue has room again; %d deliveries dropped so far", self.dropped)

    # --- workers ----------------------------------------------------------------------------------------
    async def _work(self) -> None:
        while True:
            delivery = await self._queue.get()
            try:
                await self._deliver(delivery)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("webhook delivery to %s failed unexpectedly", origin_of(delivery.url))
            finally:
                self._queue.task_done()

    async def _deliver(self, delivery: Delivery) -> None:
        problem = await self._post(delivery)
        if problem is None:
            self.delivered += 1
            await self._directory.mark_used(delivery.webhook_id, self._clock.now())
            return
        self.failed_attempts += 1
        if delivery.attempt >= self.policy.retries:
            self.abandoned += 1
            log.warning(
                "gave up on a %s webhook to %s after %d attempts: %s",
                delivery.event_type,
                origin_of(delivery.url),
                delivery.attempt + 1,
                problem,
            )
            return
        delay = self.policy.backoff(delivery.attempt)
        log.info(
            "%s webhook to %s failed (%s); retrying in %.1f s",
            delivery.event_type,
            origin_of(delivery.url),
            problem,
            delay,
        )
        self._schedule_retry(replace(delivery, attempt=delivery.attempt + 1), delay)

    async def _post(self, delivery: Delivery) -> str | None:
        """None when delivered, else why the attempt failed (a retryable problem)."""
        assert self._session is not None
        headers = {"Content-Type": "application/json"}
        try:
            async with self._session.post(delivery.url, data=delivery.body, headers=headers) as response:
                status = response.status
        except TimeoutError:
            return f"no answer within {self.policy.timeout:g} s"
        except (aiohttp.ClientError, OSError) as exc:
            return type(exc).__name__
        if status >= 500:
            return f"HTTP {status}"
        return None

    def _schedule_retry(self, delivery: Delivery, delay: float) -> None:
        loop = asyncio.get_running_loop()
        timer: asyncio.TimerHandle | None = None

        def fire() -> None:
            if timer is not None:
                self._retry_timers.discard(timer)
            self._offer(delivery)

        timer = loop.call_later(delay, fire)
        self._retry_timers.add(timer)
