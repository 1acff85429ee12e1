"""The server's metrics: one `CollectorRegistry` per server, so several servers in one process never share
or collide (the library's global registry is not used).

Live state (viewers, sockets, stream state, ingest, webhooks) is read at scrape time by the collectors in
`collectors.py`; counters and histograms exist only where there is an event to count: chat messages and
segments from the bus, HTTP requests from the access observer.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Protocol

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.exposition import choose_encoder
from prometheus_client.gc_collector import GCCollector
from prometheus_client.platform_collector import PlatformCollector
from prometheus_client.process_collector import ProcessCollector

from ownstream.config.service import ConfigService
from ownstream.domain import event_types
from ownstream.events import ChatEventOccurred, EventBus, SegmentWritten, StreamStopped
from ownstream.metrics.collectors import (
    PREFIX,
    OwncastInstanceCollector,
    ServerStateCollector,
    StoredCounts,
    WebhookCounts,
)
from ownstream.stream.hardware import HardwareMonitor
from ownstream.stream.lifecycle import StreamLifecycle
from ownstream.stream.stats import StreamStats

log = logging.getLogger(__name__)

KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
SEGMENT_BUCKETS = (0.5, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0, 15.0, 30.0)
REQUEST_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
COUNT_TIMEOUT = 2.0


class CountStore(Protocol):
    async def count_chat_users(self) -> int: ...


class MessageCountStore(Protocol):
    async def count(self) -> int: ...


class WebhookStats(Protocol):
    @property
    def delivered(self) -> int: ...

    @property
    def failed_attempts(self) -> int: ...

    @property
    def abandoned(self) -> int: ...

    @property
    def dropped(self) -> int: ...

    @property
    def queued(self) -> int: ...


class ServerMetrics:
    def __init__(
        self,
        *,
        config: ConfigService,
        bus: EventBus,
        stats: StreamStats,
        lifecycle: StreamLifecycle,
        hardware: HardwareMonitor,
        chat_clients: Callable[[], int],
        users: CountStore,
        messages: MessageCountStore,
        webhooks: WebhookStats,
        monotonic: Callable[[], float],
        playback_errors: Callable[[], int] = lambda: 0,
    ) -> None:
        self._config = config
        self._bus = bus
        self._stats = stats
        self._lifecycle = lifecycle
        self._hardware = hardware
        self._chat_clients = chat_clients
        self._users = users
        self._messages = messages
        self._webhooks = webhooks
        self._monotonic = monotonic
        self.playback_errors = playback_errors
        self._counts = StoredCounts()
        self._chat_messages_sent = 0
        self._last_segment_at: dict[int, float] = {}
        self._unsubscribe: list[Callable[[], None]] = []

        self.registry = CollectorRegistry(auto_describe=True)
        ProcessCollector(registry=self.registry)
        PlatformCollector(registry=self.registry)
        GCCollector(registry=self.registry)
        self.registry.register(OwncastInstanceCollector(self))
        self.registry.register(ServerStateCollector(self))
        self._segment_duration = Histogram(
            PREFIX + "segment_duration_seconds",
            "Duration of each media segment written, by variant.",
            ["variant"],
            buckets=SEGMENT_BUCKETS,
            registry=self.registry,
        )
        self._segment_interval = Histogram(
            PREFIX + "segment_write_interval_seconds",
            "Wall-clock time between two segments of one variant (longer than the segment: falling behind).",
            ["variant"],
            buckets=SEGMENT_BUCKETS,
            registry=self.registry,
        )
        self._http_requests = Counter(
            PREFIX + "http_requests",
            "HTTP requests answered, by method, route (its pattern, not the raw path) and status.",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self._http_duration = Histogram(
            PREFIX + "http_request_duration_seconds",
            "Time to answer HTTP requests, by route (WebSocket sessions are not timed).",
            ["route"],
            buckets=REQUEST_BUCKETS,
            registry=self.registry,
        )

    # --- lifecycle ------------------------------------------------------------------------------------
    def start(self) -> None:
        self._unsubscribe = [
            self._bus.subscribe(ChatEventOccurred, self._on_chat_event),
            self._bus.subscribe(SegmentWritten, self._on_segment),
            self._bus.subscribe(StreamStopped, self._on_stream_stopped),
        ]

    def stop(self) -> None:
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self._unsubscribe = []

    # --- events ---------------------------------------------------------------------------------------
    def _on_chat_event(self, event: ChatEventOccurred) -> None:
        if event.type == event_types.CHAT:
            self._chat_messages_sent += 1

    def _on_segment(self, event: SegmentWritten) -> None:
        variant = str(event.variant_index)
        self._segment_duration.labels(variant).observe(event.duration)
        now = self._monotonic()
        previous = self._last_segment_at.get(event.variant_index)
        self._last_segment_at[event.variant_index] = now
        if previous is not None:
            self._segment_interval.labels(variant).observe(now - previous)

    def _on_stream_stopped(self, _event: StreamStopped) -> None:
        self._last_segment_at.clear()

    def observe_request(self, method: str, route: str, status: int, seconds: float | None) -> None:
        """One answered HTTP request (called by the access observer)."""
        method = method if method in KNOWN_METHODS else "other"
        self._http_requests.labels(method, route, str(status)).inc()
        if seconds is not None:
            self._http_duration.labels(route).observe(seconds)

    # --- exposition -----------------------------------------------------------------------------------
    async def refresh(self) -> None:
        """Read the counts that need the database; on a slow or failing database keep the last ones."""
        try:
            async with asyncio.timeout(COUNT_TIMEOUT):
                users = await self._users.count_chat_users()
                messages = await self._messages.count()
        except Exception as exc:  # a scrape must not fail because the counts could not be read
            log.warning("metrics: could not count chat users and messages: %s", exc)
            return
        self._counts = StoredCounts(chat_users=users, chat_messages=messages)

    async def exposition(self, accept: str | None) -> tuple[bytes, str]:
        """The scrape body and its content type (Prometheus text, or OpenMetrics when asked for)."""
        await self.refresh()
        encoder, content_type = choose_encoder(accept or "")
        # Collection reads in-memory state and a few small /proc files; it is fast enough for the loop.
        return encoder(self.registry), content_type

    # --- InstanceSource / StateSource -----------------------------------------------------------------
    def server_url(self) -> str:
        return self._config.current.server_url

    def viewer_count(self) -> int:
        return self._stats.viewer_count

    def chat_client_count(self) -> int:
        return self._chat_clients()

    def stored_counts(self) -> StoredCounts:
        return self._counts

    def chat_messages_sent(self) -> int:
        return self._chat_messages_sent

    def cpu_usage(self) -> float:
        latest = self._hardware.cpu.recent(1)
        return float(latest[0].value) if latest else 0.0

    def stream_online(self) -> bool:
        return self._lifecycle.online

    def ingest_bits_per_second(self) -> float:
        return self._lifecycle.ingest.bits_per_second() if self._lifecycle.connected else 0.0

    def ingest_bytes(self) -> int:
        return self._lifecycle.ingest.total_bytes

    def transcoder_starts(self) -> int:
        return self._lifecycle.transcoder_starts

    def transcoder_failures(self) -> int:
        return self._lifecycle.transcoder_failures

    def webhook_counts(self) -> WebhookCounts:
        hooks = self._webhooks
        return WebhookCounts(
            delivered=hooks.delivered,
            failed_attempts=hooks.failed_attempts,
            abandoned=hooks.abandoned,
            dropped=hooks.dropped,
            queued=hooks.queued,
        )
