"""Collectors that read the server's live state when Prometheus scrapes, instead of counters kept in step.

`OwncastInstanceCollector` reproduces newer Owncast's gauges (reference newer-api §11) under our prefix:
`owncast_instance_active_viewer_count` → `ownstream_instance_active_viewer_count`, same help texts,
same const labels `version` and `host` (the server URL, or `unknown`); `total_chat_message_count` keeps
Owncast's labels with the raw server URL as `host`. The same gauges also go out under Owncast's own
names (`owncast_instance_…` and a bare `total_chat_message_count`), so dashboards made for Owncast work
unchanged (issue 15). `ServerStateCollector` adds what Owncast lacks.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from prometheus_client.metrics_core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from ownstream import __version__

PREFIX = "ownstream_"
OWNCAST_PREFIX = "owncast_"


@dataclass(frozen=True)
class StoredCounts:
    """Counts that need the database; refreshed (asynchronously) just before each scrape."""

    chat_users: int = 0
    chat_messages: int = 0


class InstanceSource(Protocol):
    """What the Owncast-compatible gauges read."""

    def server_url(self) -> str: ...

    def viewer_count(self) -> int: ...

    def chat_client_count(self) -> int: ...

    def stored_counts(self) -> StoredCounts: ...

    def chat_messages_sent(self) -> int: ...

    def cpu_usage(self) -> float: ...

    def playback_errors(self) -> int: ...


class OwncastInstanceCollector(Collector):
    def __init__(self, source: InstanceSource) -> None:
        self._source = source

    def collect(self) -> Iterable[Metric]:
        source = self._source
        url = source.server_url()
        labels = ["version", "host"]
        values = [__version__, url or "unknown"]

        counts = source.stored_counts()
        for prefix in (PREFIX, OWNCAST_PREFIX):
            yield from self._instance_gauges(prefix, labels, values, counts)
        for name in (PREFIX + "total_chat_message_count", "total_chat_message_count"):
            total = GaugeMetricFamily(
                name, "The number of chat messages incremented over time.", labels=labels
            )
            total.add_metric([__version__, url], source.chat_messages_sent())
            yield total

    def _instance_gauges(
        self, prefix: str, labels: list[str], values: list[str], counts: StoredCounts
    ) -> Iterable[Metric]:
        source = self._source

        def gauge(name: str, documentation: str, value: float) -> GaugeMetricFamily:
            family = GaugeMetricFamily(prefix + name, documentation, labels=labels)
            family.add_metric(values, value)
            return family

        yield gauge("instance_active_viewer_count", "The number of viewers.", source.viewer_count())
        yield gauge(
            "instance_active_chat_client_count",
            "The number of connected chat clients.",
            source.chat_client_count(),
        )
        yield gauge(
            "instance_total_chat_users",
            "The total number of chat users on this Owncast instance.",
            counts.chat_users,
        )
        yield gauge(
            "instance_current_chat_message_count",
            "The number of chat messages currently saved before cleanup.",
            counts.chat_messages,
        )
        yield gauge(
            "instance_playback_error_count",
            "Errors collected from players within this window",
            source.playback_errors(),
        )
        yield gauge("instance_cpu_usage", "CPU usage as seen internally to Owncast.", source.cpu_usage())


class StateSource(Protocol):
    """What the server-state collector reads."""

    def stream_online(self) -> bool: ...

    def chat_messages_sent(self) -> int: ...

    def ingest_bits_per_second(self) -> float: ...

    def ingest_bytes(self) -> int: ...

    def transcoder_starts(self) -> int: ...

    def transcoder_failures(self) -> int: ...

    def webhook_counts(self) -> WebhookCounts: ...


@dataclass(frozen=True)
class WebhookCounts:
    delivered: int = 0
    failed_attempts: int = 0
    abandoned: int = 0
    dropped: int = 0
    queued: int = 0


class ServerStateCollector(Collector):
    def __init__(self, source: StateSource) -> None:
        self._source = source

    def collect(self) -> Iterable[Metric]:
        source = self._source
        yield _gauge(
            "stream_online", "1 while the stream is online (playable), else 0.", source.stream_online()
        )
        yield _counter("chat_messages", "Chat messages sent by chat users.", source.chat_messages_sent())
        yield _gauge(
            "ingest_bitrate_bits_per_second",
            "Bits per second received from the broadcaster over the last seconds.",
            source.ingest_bits_per_second(),
        )
        yield _counter("ingest_received_bytes", "Bytes received from broadcasters.", source.ingest_bytes())
        yield _counter("transcoder_starts", "ffmpeg transcoders started.", source.transcoder_starts())
        yield _counter(
            "transcoder_failures",
            "ffmpeg transcoders that exited on their own while a stream was live.",
            source.transcoder_failures(),
        )
        hooks = source.webhook_counts()
        yield _counter("webhook_deliveries", "Webhook deliveries answered by the receiver.", hooks.delivered)
        yield _counter(
            "webhook_delivery_failures",
            "Webhook delivery attempts that failed (timeout, connection error, HTTP 5xx); each retry counts.",
            hooks.failed_attempts,
        )
        abandoned = CounterMetricFamily(
            PREFIX + "webhook_deliveries_abandoned",
            "Webhook deliveries given up: after every retry failed, or dropped while the queue was full.",
            labels=["reason"],
        )
        abandoned.add_metric(["retries_exhausted"], hooks.abandoned)
        abandoned.add_metric(["queue_full"], hooks.dropped)
        yield abandoned
        yield _gauge("webhook_queue_length", "Webhook deliveries waiting for a worker.", hooks.queued)


def _gauge(name: str, documentation: str, value: float) -> GaugeMetricFamily:
    return GaugeMetricFamily(PREFIX + name, documentation, value=float(value))


def _counter(name: str, documentation: str, value: float) -> CounterMetricFamily:
    return CounterMetricFamily(PREFIX + name, documentation, value=float(value))
