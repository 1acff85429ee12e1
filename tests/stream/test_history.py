"""Sample series and the viewer-count history (reference §7)."""

import asyncio
from datetime import UTC, datetime, timedelta

from ownstream.stream.history import MAX_SAMPLES, SampleSeries, ViewerHistory

START = datetime(2026, 1, 2, 3, 4, 5, 678000, tzinfo=UTC)


class SteppingClock:
    """Each `now()` is one second after the previous one."""

    def __init__(self) -> None:
        self.moment = START

    def now(self) -> datetime:
        self.moment += timedelta(seconds=1)
        return self.moment

    def monotonic(self) -> float:
        return (self.moment - START).total_seconds()


class Viewers:
    viewer_count = 0


def test_series_keeps_the_newest_samples_oldest_first() -> None:
    series = SampleSeries(limit=3)
    for value in range(5):
        series.add(START + timedelta(minutes=value), value)
    assert [sample.value for sample in series] == [2, 3, 4]
    assert [sample.value for sample in series.recent(2)] == [3, 4]
    assert series.recent(0) == []


def test_default_limit_is_owncasts_five_hundred() -> None:
    series = SampleSeries()
    for value in range(MAX_SAMPLES + 20):
        series.add(START, value)
    assert len(series) == MAX_SAMPLES == 500
    assert next(iter(series)).value == 20


def test_values_are_whole_numbers_cut_like_go_int() -> None:
    series = SampleSeries()
    series.add(START, 42.9)
    assert series.to_json() == [{"time": START.astimezone().isoformat(), "value": 42}]


async def test_history_samples_at_start_then_on_its_interval() -> None:
    viewers = Viewers()
    history = ViewerHistory(viewers, SteppingClock(), interval=0.05)
    history.start()
    try:
        await asyncio.sleep(0.01)
        assert [sample.value for sample in history.samples] == [0]
        viewers.viewer_count = 7
        await asyncio.sleep(0.12)
    finally:
        await history.stop()
    values = [sample.value for sample in history.samples]
    assert values[0] == 0 and values[-1] == 7 and len(values) >= 2
    times = [sample.time for sample in history.samples]
    assert times == sorted(times)
