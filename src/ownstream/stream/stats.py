"""Stream statistics: live viewers, session and overall peaks, connect/disconnect times (reference §7).

Peaks and times are kept in their own table (`database/repos/stats.py`), saved every minute while they change
and at connect and disconnect. On a full disk they stay in memory and the periodic save catches up once
there is room.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Protocol

from ownstream.clock import Clock, PeriodicTimer
from ownstream.database.repos.stats import StoredStats
from ownstream.disk_full import DiskFullReporter, is_disk_full
from ownstream.events import EventBus, StreamOnline, StreamStarted, StreamStopped
from ownstream.settings import Timings
from ownstream.stream.viewers import ViewerRegistry

log = logging.getLogger(__name__)

SESSION_PEAK_RESET_AFTER = timedelta(minutes=5)


class StatsStore(Protocol):
    """Where the statistics are kept (`StatsRepository`)."""

    async def load(self) -> StoredStats: ...

    async def save(self, stats: StoredStats) -> None: ...


class StreamStats:
    def __init__(
        self,
        store: StatsStore,
        clock: Clock,
        timings: Timings,
        disk_full: DiskFullReporter | None = None,
        *,
        keeps_store: bool = True,
    ) -> None:
        """`keeps_store` False: a web process, which follows the media process's statistics (its
        `follow_elsewhere`) and leaves saving them to it."""
        self._keeps_store = keeps_store
        self._unfollow: list[Callable[[], None]] = []
        self._store = store
        self._clock = clock
        self.viewers = ViewerRegistry(timings.viewer_expiry, clock.monotonic, clock.now)
        self._online = False
        self.session_peak = 0
        self.overall_peak = 0
        self.last_connect_time: datetime | None = None
        self.last_disconnect_time: datetime | None = None
        self._saved = StoredStats()
        self._pruner = PeriodicTimer("viewer-prune", timings.viewer_prune_interval, self._prune)
        self._disk_full = disk_full or DiskFullReporter(log)
        self._saver = PeriodicTimer(
            "stats-save", timings.stats_save_interval, self.save, disk_full=self._disk_full
        )

    async def load(self) -> None:
        """What the last run saved; a session peak older than five minutes is over."""
        stored = self._saved = await self._store.load()
        self.session_peak = stored.session_peak
        self.overall_peak = stored.overall_peak
        self.last_connect_time = stored.last_connect_time
        self.last_disconnect_time = stored.last_disconnect_time
        if self.last_disconnect_time is not None and (
            self._clock.now() - self.last_disconnect_time > SESSION_PEAK_RESET_AFTER
        ):
            self.session_peak = 0

    def start(self) -> None:
        self._pruner.start()
        if self._keeps_store:
            self._saver.start()

    async def stop(self) -> None:
        for unfollow in self._unfollow:
            unfollow()
        self._unfollow = []
        await self._pruner.stop()
        await self._saver.stop()
        if self._keeps_store:
            await self.save()

    def follow_elsewhere(self, bus: EventBus) -> None:
        """A web process: the stream's connect and disconnect times and whether it is online, as the media
        process's lifecycle publishes them."""
        self._unfollow = [
            bus.subscribe_elsewhere(StreamStarted, self._started_elsewhere),
            bus.subscribe_elsewhere(StreamOnline, lambda _event: self.stream_online()),
            bus.subscribe_elsewhere(StreamStopped, self._stopped_elsewhere),
        ]

    def _started_elsewhere(self, event: StreamStarted) -> None:
        self.last_connect_time = event.started_at
        self.last_disconnect_time = None
        self.session_peak = 0

    def _stopped_elsewhere(self, event: StreamStopped) -> None:
        self._online = False
        self.last_disconnect_time = event.stopped_at
        self.last_connect_time = None

    @property
    def viewer_count(self) -> int:
        """Owncast reports 0 viewers while offline."""
        return self.viewers.count if self._online else 0

    def viewer_seen(self, ip: str, user_agent: str) -> None:
        self.viewers.seen(ip, user_agent)
        self._update_peaks()

    def viewers_elsewhere_changed(self) -> None:
        """Other processes' viewers were read again (cluster/presence.py): the peaks count them too."""
        self._update_peaks()

    def _prune(self) -> None:
        self.viewers.prune()

    def _update_peaks(self) -> None:
        if not self._online:
            return
        count = self.viewers.count
        if count > self.session_peak:
            self.session_peak = count
        if count > self.overall_peak:
            self.overall_peak = count

    async def stream_connected(self) -> None:
        self.last_connect_time = self._clock.now()
        self.last_disconnect_time = None
        self.session_peak = 0
        await self._save_now("stream connect")

    def stream_online(self) -> None:
        self._online = True
        self._update_peaks()

    async def stream_disconnected(self) -> None:
        self._online = False
        self.last_disconnect_time = self._clock.now()
        self.last_connect_time = None
        await self._save_now("stream disconnect")

    async def _save_now(self, moment: str) -> None:
        """A stream starting or ending must not fail for want of disk space: the periodic save retries."""
        try:
            await self.save()
        except Exception as error:
            if not is_disk_full(error):
                raise
            self._disk_full.report(f"saving the stats at {moment}", error)

    async def save(self) -> None:
        """Write the statistics when they changed since the last save."""
        current = StoredStats(
            session_peak=self.session_peak,
            overall_peak=self.overall_peak,
            last_connect_time=self.last_connect_time,
            last_disconnect_time=self.last_disconnect_time,
        )
        if current != self._saved:
            await self._store.save(current)
            self._saved = current
