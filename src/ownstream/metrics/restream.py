"""Simulcast destinations in the metrics, read at scrape time: one series per destination, labelled with
its id and name (never its URL: the scraper is not the admin, and the URL holds the stream key)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol

from prometheus_client.metrics_core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from ownstream.metrics.collectors import PREFIX
from ownstream.simulcast.supervisor import DestinationState, DestinationStatus

LABELS = ["id", "name"]


class RestreamSource(Protocol):
    def statuses(self) -> Sequence[DestinationStatus]: ...


class RestreamCollector(Collector):
    def __init__(self, source: RestreamSource) -> None:
        self._source = source

    def collect(self) -> Iterable[Metric]:
        statuses = self._source.statuses()
        state = GaugeMetricFamily(
            PREFIX + "restream_destination_state",
            "1 for the state each simulcast destination is in (idle, connecting, live, retrying, failed).",
            labels=[*LABELS, "state"],
        )
        bitrate = GaugeMetricFamily(
            PREFIX + "restream_bitrate_bits_per_second",
            "Bits per second sent to each simulcast destination over the last seconds.",
            labels=LABELS,
        )
        sent = CounterMetricFamily(
            PREFIX + "restream_sent_bytes",
            "Bytes sent to each simulcast destination since the server started.",
            labels=LABELS,
        )
        restarts = CounterMetricFamily(
            PREFIX + "restream_restarts",
            "Attempts to reach each simulcast destination again after it was lost.",
            labels=LABELS,
        )
        for status in statuses:
            labels = [str(status.destination.id), status.destination.name]
            for candidate in DestinationState:
                state.add_metric([*labels, candidate.value], 1.0 if status.state is candidate else 0.0)
            bitrate.add_metric(labels, status.bitrate)
            sent.add_metric(labels, status.bytes_sent)
            restarts.add_metric(labels, status.restarts)
        yield state
        yield bitrate
        yield sent
        yield restarts
