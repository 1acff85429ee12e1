"""Webhook delivery: bus events → the `webhooks` delivery queue (outbound/queue.py).

Publishing never waits: the bus handlers encode the body once and offer one delivery per subscribed
webhook; when the queue is full the delivery is dropped (and logged once per overflow). Transport
errors and 5xx answers are retried with exponential back-off; any other answer counts as delivered and
updates the webhook's `lastUsed`. Webhooks stay in memory, as in Owncast (which did not retry at all):
a restart forgets deliveries still waiting. Their targets are the admin's choice, often on this box,
so private addresses are allowed.

URLs are logged by origin only: webhook paths and query strings often carry secrets.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Protocol

from ownstream.clock import Clock, rfc3339
from ownstream.config.service import ConfigService
from ownstream.database.repos.webhooks import Webhook
from ownstream.domain.event_types import (
    CLIP_CREATED,
    REPLAY_READY,
    RESTREAM_FAILED,
    RESTREAM_STARTED,
    SCHEDULED_EVENTS,
    STREAM_STARTED,
    STREAM_STOPPED,
    STREAM_TITLE_UPDATED,
)
from ownstream.domain.owncast_json import encode_document
from ownstream.events import (
    ChatEventOccurred,
    ClipCreated,
    EventBus,
    ReplayReady,
    RestreamFailed,
    RestreamStarted,
    ScheduledEventAction,
    StreamStarted,
    StreamStopped,
    StreamTitleChanged,
)
from ownstream.outbound.http import USER_AGENT, OutboundHttp, Reply
from ownstream.outbound.queue import Delivery, DeliveryQueue, OutboundRequest, QueuePolicy, loggable_origin
from ownstream.outbound.retry import RetryPolicy
from ownstream.webhooks.payloads import (
    ServerDescription,
    chat_event_body,
    clip_created_body,
    replay_ready_body,
    restream_event_body,
    stream_event_body,
    with_server_fields,
)

__all__ = ["USER_AGENT", "DeliveryPolicy", "WebhookDispatcher", "describe_server", "origin_of"]

log = logging.getLogger(__name__)

DEFAULT_WORKERS = 8
DEFAULT_QUEUE_SIZE = 1000
DEFAULT_RETRIES = 3
DRAIN_TIMEOUT = 1.0
"""At shutdown, how long queued deliveries (e.g. the last STREAM_STOPPED) may still go out."""
QUEUE_NAME = "webhooks"

origin_of = loggable_origin


class WebhookDirectory(Protocol):
    """What the dispatcher needs from the registry."""

    def subscribers(self, event_type: str) -> list[Webhook]: ...

    async def mark_used(self, webhook_id: int, when: datetime) -> None: ...


@dataclass(frozen=True)
class DeliveryPolicy:
    timeout: float = 10.0
    retry_delay: float = 1.0
    retries: int = DEFAULT_RETRIES
    workers: int = DEFAULT_WORKERS
    queue_size: int = DEFAULT_QUEUE_SIZE

    def queue_policy(self) -> QueuePolicy:
        return QueuePolicy(
            workers=self.workers,
            queue_size=self.queue_size,
            timeout=self.timeout,
            retry=RetryPolicy(retries=self.retries, first_delay=self.retry_delay),
            allow_private=True,
        )


def describe_server(
    config: ConfigService, status: Callable[[], dict[str, Any]] | None = None
) -> Callable[[], ServerDescription]:
    """The server as the events describe it; with `status`, the newer events' `status` and `serverURL`."""

    def describe() -> ServerDescription:
        current = config.current
        return ServerDescription(
            name=current.server_name,
            summary=current.server_summary,
            stream_title=current.stream_title,
            server_url=current.server_url,
            status=status() if status is not None else None,
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
        http: OutboundHttp | None = None,
    ) -> None:
        """`http`: the server's shared client; without one the dispatcher makes (and closes) its own."""
        self._directory = directory
        self._bus = bus
        self._server = server
        self._clock = clock
        self.policy = policy or DeliveryPolicy()
        self._event_ids = event_ids
        self._owns_http = http is None
        self._http = http or OutboundHttp()
        self._queue = DeliveryQueue(
            QUEUE_NAME,
            self._http,
            self.policy.queue_policy(),
            logger=log,
            clock=clock,
            on_delivered=self._delivered,
        )
        self._unsubscribe: list[Callable[[], None]] = []

    # --- counted for the metrics ------------------------------------------------------------------------
    @property
    def queued(self) -> int:
        return self._queue.queued

    @property
    def delivered(self) -> int:
        return self._queue.delivered

    @property
    def failed_attempts(self) -> int:
        return self._queue.failed_attempts

    @property
    def abandoned(self) -> int:
        return self._queue.abandoned

    @property
    def dropped(self) -> int:
        return self._queue.dropped

    # --- lifecycle ------------------------------------------------------------------------------------
    def start(self) -> None:
        if self._unsubscribe:
            return
        self._queue.start()
        self._unsubscribe = [
            self._bus.subscribe(ChatEventOccurred, self._on_chat_event),
            self._bus.subscribe(StreamStarted, self._on_stream_started),
            self._bus.subscribe(StreamStopped, self._on_stream_stopped),
            self._bus.subscribe(StreamTitleChanged, self._on_title_changed),
            self._bus.subscribe(RestreamStarted, self._on_restream_started),
            self._bus.subscribe(RestreamFailed, self._on_restream_failed),
            self._bus.subscribe(ReplayReady, self._on_replay_ready),
            self._bus.subscribe(ClipCreated, self._on_clip_created),
            self._bus.subscribe(ScheduledEventAction, self._on_scheduled_event),
        ]

    async def stop(self, drain_timeout: float = DRAIN_TIMEOUT) -> None:
        """Stop taking events, give queued deliveries a moment, then cancel the workers."""
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self._unsubscribe = []
        await self._queue.stop(drain_timeout)
        if self._owns_http:
            await self._http.close()

    # --- bus events → deliveries (never awaits) ---------------------------------------------------------
    def _on_chat_event(self, event: ChatEventOccurred) -> None:
        self.enqueue(event.type, chat_event_body(event))

    def _on_stream_started(self, event: StreamStarted) -> None:
        self._stream_event(STREAM_STARTED, event.started_at)

    def _on_stream_stopped(self, event: StreamStopped) -> None:
        self._stream_event(STREAM_STOPPED, event.stopped_at)

    def _on_title_changed(self, event: StreamTitleChanged) -> None:
        self._stream_event(STREAM_TITLE_UPDATED, self._clock.now(), title=event.title)

    def _on_restream_started(self, event: RestreamStarted) -> None:
        if self._directory.subscribers(RESTREAM_STARTED):
            body = restream_event_body(
                RESTREAM_STARTED,
                self._event_ids(),
                event.destination_id,
                event.name,
                "live",
                None,
                event.timestamp,
            )
            self.enqueue(RESTREAM_STARTED, body)

    def _on_restream_failed(self, event: RestreamFailed) -> None:
        if self._directory.subscribers(RESTREAM_FAILED):
            body = restream_event_body(
                RESTREAM_FAILED,
                self._event_ids(),
                event.destination_id,
                event.name,
                event.state,
                event.error,
                event.timestamp,
            )
            self.enqueue(RESTREAM_FAILED, body)

    def _on_replay_ready(self, event: ReplayReady) -> None:
        subscribed = self._directory.subscribers(REPLAY_READY)
        if subscribed:
            body = replay_ready_body(event, self._event_ids(), self._server(), self._clock.now())
            self._offer_all(subscribed, REPLAY_READY, body)

    def _on_clip_created(self, event: ClipCreated) -> None:
        subscribed = self._directory.subscribers(CLIP_CREATED)
        if subscribed:
            body = clip_created_body(event, self._event_ids(), self._server(), self._clock.now())
            self._offer_all(subscribed, CLIP_CREATED, body)

    def _on_scheduled_event(self, event: ScheduledEventAction) -> None:
        """SCHEDULED_EVENTS (development branch): `{status, serverURL?, event, action, timestamp}`."""
        data = {"event": event.event, "action": event.action, "timestamp": rfc3339(event.timestamp)}
        self.enqueue(SCHEDULED_EVENTS, {"type": SCHEDULED_EVENTS, "eventData": data})

    def _stream_event(self, event_type: str, timestamp: datetime, *, title: str | None = None) -> None:
        """The server as configured right now (with the new title, for a title change)."""
        subscribed = self._directory.subscribers(event_type)
        if not subscribed:
            return
        server = self._server()
        if title is not None:
            server = replace(server, stream_title=title)
        body = stream_event_body(event_type, self._event_ids(), server, timestamp)
        self._offer_all(subscribed, event_type, with_server_fields(body, server))

    def enqueue(self, event_type: str, body: dict[str, Any]) -> None:
        """Offer one delivery of `body` to every webhook subscribed to `event_type`."""
        subscribed = self._directory.subscribers(event_type)
        if subscribed:
            self._offer_all(subscribed, event_type, with_server_fields(body, self._server()))

    def _offer_all(self, subscribed: list[Webhook], event_type: str, body: dict[str, Any]) -> None:
        encoded = encode_document(body)
        for hook in subscribed:
            self._queue.offer(
                OutboundRequest(hook.url, encoded, topic=f"{event_type} webhook", tag=str(hook.id))
            )

    async def _delivered(self, delivery: Delivery, _reply: Reply) -> None:
        await self._directory.mark_used(int(delivery.request.tag), self._clock.now())
