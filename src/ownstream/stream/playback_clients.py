"""Each player's live playback record behind `GET /api/admin/viewers/playback` (reference newer §14.3).

A record is fed by the player's own reports (CMCD to `/api/metrics/cmcd`, CMCD on its `/hls/` requests, or
the older `POST /api/metrics/playback`) or, for players that report nothing, by timing the segments this
server sends them. A value older than 30 s reads as null; the error and quality-change counters are null
for a player that never reported them. Memory only, as in Owncast.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final, Literal

from ownstream.clock import Clock, rfc3339
from ownstream.stream.cmcd import CmcdUpdate
from ownstream.stream.viewers import Viewer

STALE_AFTER: Final = 30.0
"""Seconds after which a value reads as null, and for which a report marks its sender as self-reporting."""
MIN_SAMPLE_BYTES: Final = 64 * 1024
SLOW_SAMPLE_FACTOR: Final = 3
FORGET_AFTER: Final = 120.0
"""A record whose player was not seen for this long is dropped."""

Source = Literal["client", "server"]


@dataclass
class _Reading:
    value: float
    at: float


@dataclass
class PlayerRecord:
    client_id: str
    viewer_id: str
    source: Source
    last_update: datetime
    last_seen: float
    bandwidth: _Reading | None = None
    latency: _Reading | None = None
    download: _Reading | None = None
    bitrate: _Reading | None = None
    state: _Reading | None = None
    player_state: str | None = None
    errors: int | None = None
    variant_changes: int | None = None
    unmeasurable: bool = False
    requests_carry_cmcd: bool = False


@dataclass(frozen=True)
class ReportEffect:
    """What a CMCD report adds to the windowed metrics: its errors and whether the bitrate changed."""

    errors: int
    variant_changed: bool


@dataclass
class PlaybackClients:
    clock: Clock
    _records: dict[str, PlayerRecord] = field(default_factory=dict)
    _self_reporting: dict[str, float] = field(default_factory=dict)

    def cmcd(self, viewer_id: str, update: CmcdUpdate, *, from_request: bool) -> ReportEffect:
        now = self.clock.monotonic()
        record = self._record(update.session_id or viewer_id, viewer_id, "client")
        record.requests_carry_cmcd = record.requests_carry_cmcd or from_request
        changed = False
        if update.bitrate_kbps is not None:
            changed = record.bitrate is not None and record.bitrate.value != update.bitrate_kbps
            record.bitrate = _Reading(update.bitrate_kbps, now)
        record.variant_changes = (record.variant_changes or 0) + int(changed)
        if update.bandwidth_kbps is not None:
            record.bandwidth = _Reading(update.bandwidth_kbps, now)
        if update.latency_seconds is not None:
            record.latency = _Reading(update.latency_seconds, now)
        if update.download_seconds is not None:
            record.download = _Reading(update.download_seconds, now)
            self._self_reporting[viewer_id] = now + STALE_AFTER
        if update.player_state is not None:
            record.player_state = update.player_state
            record.state = _Reading(0.0, now)
        record.errors = (record.errors or 0) + update.errors
        return ReportEffect(update.errors, changed)

    def playback(
        self,
        viewer_id: str,
        *,
        bandwidth: float | None,
        latency: float | None,
        download: float | None,
        errors: int,
        variant_changes: int,
    ) -> None:
        """The older `/api/metrics/playback` report (its counters are deltas)."""
        now = self.clock.monotonic()
        record = self._record(viewer_id, viewer_id, "client")
        for name, value in (("bandwidth", bandwidth), ("latency", latency), ("download", download)):
            if value is not None and value > 0:
                setattr(record, name, _Reading(value, now))
        record.errors = (record.errors or 0) + max(0, errors)
        record.variant_changes = (record.variant_changes or 0) + max(0, variant_changes)
        self._self_reporting[viewer_id] = now + STALE_AFTER

    def self_reporting(self, viewer_id: str) -> bool:
        until = self._self_reporting.get(viewer_id)
        return until is not None and until > self.clock.monotonic()

    def served_segment(self, viewer_id: str, size: int, seconds: float, segment_length: float) -> None:
        """A segment this server sent to `viewer_id` in `seconds`: its throughput, for players that do not
        report their own (a player whose requests carry CMCD gets only the download time from here)."""
        if self.self_reporting(viewer_id):
            return
        record = self._records.get(viewer_id)
        for candidate in self._records.values():
            if candidate.viewer_id == viewer_id and candidate.requests_carry_cmcd:
                record = candidate
        if record is None:
            record = self._record(viewer_id, viewer_id, "server")
        now = self.clock.monotonic()
        record.last_seen = now
        if size < MIN_SAMPLE_BYTES or seconds <= 0 or seconds >= SLOW_SAMPLE_FACTOR * segment_length:
            record.unmeasurable = True
            return
        record.unmeasurable = False
        record.last_update = self.clock.now()
        record.download = _Reading(seconds, now)
        if not record.requests_carry_cmcd:
            record.bandwidth = _Reading(round(size * 8 / seconds / 1000), now)

    def document(self, viewers: Iterable[Viewer]) -> list[dict[str, Any]]:
        """One entry per player of each active viewer (a viewer without a record: `playback` null)."""
        self._forget_old()
        by_viewer: dict[str, list[PlayerRecord]] = {}
        for record in self._records.values():
            by_viewer.setdefault(record.viewer_id, []).append(record)
        entries: list[dict[str, Any]] = []
        for viewer in viewers:
            records: list[PlayerRecord | None] = [*by_viewer.get(viewer.client_id, [])] or [None]
            for entry in records:
                entries.append(
                    {
                        "clientID": entry.client_id if entry is not None else viewer.client_id,
                        "viewerID": viewer.client_id,
                        "firstSeen": rfc3339(viewer.first_seen),
                        "geo": None,
                        "userAgent": viewer.user_agent,
                        "ipAddress": viewer.ip_address,
                        "playback": self._health(entry) if entry is not None else None,
                    }
                )
        return entries

    def _health(self, record: PlayerRecord) -> dict[str, Any]:
        now = self.clock.monotonic()

        def fresh(reading: _Reading | None) -> float | None:
            return reading.value if reading is not None and now - reading.at <= STALE_AFTER else None

        health: dict[str, Any] = {"source": record.source, "lastUpdate": rfc3339(record.last_update)}
        if record.player_state is not None and fresh(record.state) is not None:
            health["playerState"] = record.player_state
        if record.unmeasurable:
            health["measurementStatus"] = "unmeasurable"
        health |= {
            "bandwidthKbps": fresh(record.bandwidth),
            "latencySeconds": fresh(record.latency),
            "downloadSeconds": fresh(record.download),
            "bitrateKbps": fresh(record.bitrate),
            "errorCount": record.errors,
            "qualityVariantChanges": record.variant_changes,
        }
        return health

    def _record(self, client_id: str, viewer_id: str, source: Source) -> PlayerRecord:
        now_wall, now = self.clock.now(), self.clock.monotonic()
        record = self._records.get(client_id)
        if record is None:
            record = PlayerRecord(client_id, viewer_id, source, now_wall, now)
            self._records[client_id] = record
        if source == "client":
            record.source = "client"
        record.last_update, record.last_seen = now_wall, now
        return record

    def _forget_old(self) -> None:
        cutoff = self.clock.monotonic() - FORGET_AFTER
        for key in [key for key, record in self._records.items() if record.last_seen < cutoff]:
            del self._records[key]
        for key in [key for key, until in self._self_reporting.items() if until < cutoff]:
            del self._self_reporting[key]
