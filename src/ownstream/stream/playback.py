"""Player-reported playback metrics and stream health (newer Owncast 0.0.12, reference newer §11, §14.3).

Players POST `/api/metrics/playback` with their bandwidth, latency, segment download time and the errors
and quality changes since their last report. Per client (IP + User-Agent) the latest of the first three
and the sums of the last two are kept for the current window; every window (2 minutes, as Owncast) they
are folded into bounded series of min/median/max values behind `/api/admin/metrics/video`, the `health`
of `/api/admin/status` and the Prometheus playback-error gauge. Memory only, as in Owncast.
"""

from __future__ import annotations

import statistics
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ownstream.clock import Clock, PeriodicTimer, rfc3339
from ownstream.stream.cmcd import Report, cmcd_update
from ownstream.stream.playback_clients import PlaybackClients

MAX_POINTS = 300
HEALTHY_SHARE = 75
"""Healthy while more than this percentage of reporting players saw no error in the window."""


@dataclass
class ClientReport:
    bandwidth: float | None = None
    latency: float | None = None
    download_duration: float | None = None
    errors: int = 0
    variant_changes: int = 0


@dataclass(frozen=True)
class PlaybackReport:
    """One POST's numbers (None: not sent)."""

    errors: float
    quality_variant_changes: float
    bandwidth: float | None = None
    latency: float | None = None
    download_duration: float | None = None


class FloatSeries:
    def __init__(self) -> None:
        self._points: deque[tuple[datetime, float]] = deque(maxlen=MAX_POINTS)

    def add(self, time: datetime, value: float) -> None:
        self._points.append((time, value))

    def to_json(self) -> list[dict[str, Any]]:
        return [{"time": rfc3339(time), "value": value} for time, value in self._points]


@dataclass
class Health:
    healthy: bool
    health_percentage: int
    message: str
    representation: int

    def to_json(self) -> dict[str, Any]:
        return {
            "healthy": self.healthy,
            "healthPercentage": self.health_percentage,
            "message": self.message,
            "representation": self.representation,
        }


SERIES = (
    "errors",
    "qualityVariantChanges",
    "highestLatency",
    "medianLatency",
    "lowestLatency",
    "medianSegmentDownloadDuration",
    "maximumSegmentDownloadDuration",
    "minimumSegmentDownloadDuration",
    "minPlayerBitrate",
    "medianPlayerBitrate",
    "maxPlayerBitrate",
)


@dataclass
class _Window:
    clients: dict[str, ClientReport] = field(default_factory=dict)


def _spread(values: Iterable[float | None]) -> tuple[float, float, float] | None:
    present = [value for value in values if value is not None]
    if not present:
        return None
    return min(present), statistics.median(present), max(present)


class PlaybackMetrics:
    """The current window of reports, the series and the latest health; `fold` closes a window."""

    def __init__(
        self,
        clock: Clock,
        interval: float,
        viewer_count: Callable[[], int],
        online: Callable[[], bool],
    ) -> None:
        self._clock = clock
        self._viewer_count = viewer_count
        self._online = online
        self._window = _Window()
        self.series = {name: FloatSeries() for name in SERIES}
        self.health: Health | None = None
        self.last_window_errors = 0
        self.clients = PlaybackClients(clock)
        """Each player's live record (`/api/admin/viewers/playback`)."""
        self._timer = PeriodicTimer("playback-metrics", interval, self.fold)

    def start(self) -> None:
        self._timer.start()

    async def stop(self) -> None:
        await self._timer.stop()

    def report(self, client_id: str, report: PlaybackReport) -> None:
        """Zero or negative bandwidth, latency and download time are ignored (Owncast's rule); errors and
        quality changes are deltas and add up within the window."""
        record = self._window.clients.setdefault(client_id, ClientReport())
        if report.bandwidth is not None and report.bandwidth > 0:
            record.bandwidth = report.bandwidth
        if report.latency is not None and report.latency > 0:
            record.latency = report.latency
        if report.download_duration is not None and report.download_duration > 0:
            record.download_duration = report.download_duration
        record.errors += max(0, int(report.errors))
        record.variant_changes += max(0, int(report.quality_variant_changes))

    def cmcd(self, sender: str, reports: list[Report], *, from_request: bool) -> None:
        """CMCD reports from the viewer `sender` (IP + User-Agent id): each into the player's live record
        (keyed by its CMCD session id when it sends one) and the current window."""
        for cmcd in reports:
            update = cmcd_update(cmcd)
            effect = self.clients.cmcd(sender, update, from_request=from_request)
            self.report(
                update.session_id or sender,
                PlaybackReport(
                    errors=effect.errors,
                    quality_variant_changes=int(effect.variant_changed),
                    bandwidth=update.bandwidth_kbps,
                    latency=update.latency_seconds,
                    download_duration=update.download_seconds,
                ),
            )

    @property
    def reporting_clients(self) -> int:
        return len(self._window.clients)

    def representation(self) -> int:
        viewers = self._viewer_count()
        if viewers <= 0:
            return 0
        return min(100, round(100 * self.reporting_clients / viewers))

    def fold(self) -> None:
        """Close the window: add a point to each series and recompute the health (while online)."""
        clients = list(self._window.clients.values())
        now = self._clock.now()
        self.last_window_errors = sum(client.errors for client in clients)
        if clients:
            self.series["errors"].add(now, self.last_window_errors)
            self.series["qualityVariantChanges"].add(now, sum(client.variant_changes for client in clients))
            for names, values in (
                (
                    ("lowestLatency", "medianLatency", "highestLatency"),
                    (client.latency for client in clients),
                ),
                (
                    (
                        "minimumSegmentDownloadDuration",
                        "medianSegmentDownloadDuration",
                        "maximumSegmentDownloadDuration",
                    ),
                    (client.download_duration for client in clients),
                ),
                (
                    ("minPlayerBitrate", "medianPlayerBitrate", "maxPlayerBitrate"),
                    (client.bandwidth for client in clients),
                ),
            ):
                spread = _spread(values)
                if spread is not None:
                    for name, value in zip(names, spread, strict=True):
                        self.series[name].add(now, value)
        self.health = self._health(clients) if self._online() else None
        self._window = _Window()

    def _health(self, clients: list[ClientReport]) -> Health | None:
        if not clients:
            return None
        clean = sum(1 for client in clients if client.errors == 0)
        percentage = round(100 * clean / len(clients))
        troubled = len(clients) - clean
        message = (
            ""
            if troubled == 0
            else f"{troubled} of {len(clients)} reporting players had playback errors in the last minutes."
        )
        return Health(percentage > HEALTHY_SHARE, percentage, message, self.representation())

    def video_document(self, available_bitrates: list[int], segment_length: int) -> dict[str, Any]:
        document: dict[str, Any] = {name: series.to_json() for name, series in self.series.items()}
        document["availableBitrates"] = available_bitrates
        document["segmentLength"] = segment_length
        document["representation"] = self.representation()
        return document
