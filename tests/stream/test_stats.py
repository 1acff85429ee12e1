"""Peaks and connect times: kept in their own table, saved when they change, never as configuration."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from ownstream.clock import SystemClock
from ownstream.database.repos.stats import StoredStats
from ownstream.events import ConfigChanged
from ownstream.settings import Timings
from ownstream.stream.stats import StreamStats
from tests.harness import running_server


class CountingStats:
    """The stats table, in memory, counting the writes."""

    def __init__(self, saved: StoredStats | None = None) -> None:
        self.saved = saved or StoredStats()
        self.saves = 0

    async def load(self) -> StoredStats:
        return self.saved

    async def save(self, stats: StoredStats) -> None:
        self.saves += 1
        self.saved = stats


async def test_statistics_are_saved_only_when_they_changed() -> None:
    store = CountingStats()
    stats = StreamStats(store, SystemClock(), Timings())
    await stats.load()
    await stats.save()
    assert store.saves == 0
    await stats.stream_connected()
    assert store.saves == 1 and store.saved.last_connect_time is not None
    stats.stream_online()
    stats.viewer_seen("192.0.2.1", "player")
    await stats.save()
    await stats.save()
    assert store.saves == 2 and store.saved.overall_peak == 1 and store.saved.session_peak == 1
    await stats.stream_disconnected()
    assert store.saved.last_connect_time is None and store.saved.last_disconnect_time is not None


async def test_a_session_peak_older_than_five_minutes_is_over() -> None:
    left = datetime.now(UTC) - timedelta(minutes=6)
    stats = StreamStats(
        CountingStats(StoredStats(session_peak=4, overall_peak=9, last_disconnect_time=left)),
        SystemClock(),
        Timings(),
    )
    await stats.load()
    assert (stats.session_peak, stats.overall_peak, stats.last_disconnect_time) == (0, 9, left)


async def test_a_stream_connecting_changes_no_configuration(tmp_path: Path) -> None:
    async with running_server(tmp_path / "data") as running:
        services = running.server.services
        assert services is not None
        changed: list[ConfigChanged] = []
        services.bus.subscribe(ConfigChanged, changed.append)
        before = services.config.current
        await services.stats.stream_connected()
        await services.stats.stream_disconnected()
        await services.stats.save()
        assert changed == [] and services.config.current is before
