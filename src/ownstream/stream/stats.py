"""Stream statistics: live viewers, session and overall peaks, connect/disconnect times (reference §7).

Peaks and times persist through the configuration store every minute and at disconnect. On a full disk
they stay in memory and the periodic save catches up once there is room.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from ownstream.clock import Clock, PeriodicTimer
from ownstream.config.service import ConfigService
from ownstream.disk_full import DiskFullReporter, is_disk_full
from ownstream.settings import Timings
from ownstream.stream.viewers import ViewerRegistry

log = logging.getLogger(__name__)

SESSION_PEAK_RESET_AFTER = timedelta(minutes=5)


class StreamStats:
    def __init__(
        self, config: ConfigService, clock: Clock, timings: Timings, disk_full: DiskFullReporter | None = None
    ) -> None:
        self._config = config
        self._clock = clock
        self.viewers = ViewerRegistry(timings.viewer_expiry, clock.monotonic)
        self._online = False
        stored = config.current
        self.session_peak = stored.peak_viewers_session
        self.overall_peak = stored.peak_viewers_overall
        self.last_connect_time: datetime | None = stored.last_connect_time
        self.last_disconnect_time: datetime | None = stored.last_disconnect_time
        if self.last_disconnect_time is not None and (
            clock.now() - self.last_disconnect_time > SESSION_PEAK_RESET_AFTER
        ):
            self.session_peak = 0
        self._pruner = PeriodicTimer("viewer-prune", timings.viewer_prune_interval, self._prune)
        self._disk_full = disk_full or DiskFullReporter(log)
        self._saver = PeriodicTimer(
            "stats-save", timings.stats_save_interval, self.save, disk_full=self._disk_full
        )

    def start(self) -> None:
        self._pruner.start()
        self._saver.start()

    async def stop(self) -> None:
        await self._pruner.stop()
        await self._saver.stop()
        await self.save()

    @property
    def viewer_count(self) -> int:
        """Owncast reports 0 viewers while offline."""
        return self.viewers.count if self._online else 0

    def viewer_seen(self, ip: str, user_agent: str) -> None:
        self.viewers.seen(ip, user_agent)
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
        current = self._config.current
        changes: dict[str, object] = {}
        if current.peak_viewers_session != self.session_peak:
            changes["peak_viewers_session"] = self.session_peak
        if current.peak_viewers_overall != self.overall_peak:
            changes["peak_viewers_overall"] = self.overall_peak
        if current.last_connect_time != self.last_connect_time:
            changes["last_connect_time"] = self.last_connect_time
        if current.last_disconnect_time != self.last_disconnect_time:
            changes["last_disconnect_time"] = self.last_disconnect_time
        if changes:
            await self._config.update(**changes)
