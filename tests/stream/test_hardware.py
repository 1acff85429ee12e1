"""Hardware samples and their warnings (reference §7)."""

import asyncio
import logging
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ownstream.stream.hardware import HardwareMonitor, HardwareReading, UsageAlarm, read_hardware
from ownstream.stream.history import SampleSeries

MOMENT = datetime(2026, 1, 1, tzinfo=UTC)


class ManualClock:
    def __init__(self) -> None:
        self.seconds = 1000.0

    def now(self) -> datetime:
        return MOMENT

    def monotonic(self) -> float:
        return self.seconds


def series_of(*values: float) -> SampleSeries:
    series = SampleSeries()
    for value in values:
        series.add(MOMENT, value)
    return series


def test_alarm_needs_two_samples_and_an_average_above_the_limit() -> None:
    alarm = UsageAlarm("CPU", 85, cooldown=300)
    assert alarm.check(series_of(99), now=0) is None
    assert alarm.check(series_of(99, 70), now=0) is None  # average 84.5
    assert alarm.check(series_of(85, 85), now=0) is None  # at the limit is not above it
    assert alarm.check(series_of(10, 86, 90), now=0) == 88


def test_alarm_speaks_at_most_once_per_cooldown() -> None:
    alarm = UsageAlarm("disk", 90, cooldown=300)
    high = series_of(95, 95)
    assert alarm.check(high, now=0) == 95
    assert alarm.check(high, now=299) is None
    assert alarm.check(high, now=300) == 95


def test_read_hardware_gives_percentages(tmp_path: Path) -> None:
    reading = read_hardware(tmp_path)
    for value in (reading.cpu, reading.memory, reading.disk):
        assert 0 <= value <= 100


async def test_monitor_records_samples_and_warns_once_per_kind(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    readings = iter([HardwareReading(cpu=90, memory=40, disk=95)] * 4)
    clock = ManualClock()
    monitor = HardwareMonitor(
        tmp_path, clock, interval=60, warning_cooldown=300, reader=lambda _path: next(readings)
    )
    with caplog.at_level(logging.WARNING, logger="ownstream.stream.hardware"):
        await monitor.sample()
        assert caplog.records == []  # one sample is no average yet
        await monitor.sample()
        clock.seconds += 60
        await monitor.sample()
        warnings = [record.getMessage() for record in caplog.records]
        assert len(warnings) == 2
        assert warnings[0].startswith("CPU use has averaged 90%")
        assert warnings[1].startswith("disk use has averaged 95%")
        clock.seconds += 300
        await monitor.sample()
        assert len(caplog.records) == 4
    document = monitor.to_json()
    assert [sample["value"] for sample in document["cpu"]] == [90] * 4
    assert [sample["value"] for sample in document["memory"]] == [40] * 4
    assert [sample["value"] for sample in document["disk"]] == [95] * 4


async def test_monitor_samples_on_its_timer(tmp_path: Path) -> None:
    readings: list[HardwareReading] = []
    two_recorded = threading.Event()

    def counting_reader(data_dir: Path) -> HardwareReading:
        reading = read_hardware(data_dir)
        readings.append(reading)
        if len(readings) >= 3:  # samples run one after another: the first two are recorded by now
            two_recorded.set()
        return reading

    monitor = HardwareMonitor(
        tmp_path, ManualClock(), interval=0.05, warning_cooldown=300, reader=counting_reader
    )
    await monitor.start()
    try:
        # Each sample reads /proc in a worker thread, which a busy machine may start late: wait for two
        # samples rather than a fixed time (nothing samples unless the timer runs).
        assert await asyncio.to_thread(two_recorded.wait, 10)
    finally:
        await monitor.stop()
    assert len(monitor.cpu) >= 2 and len(monitor.memory) == len(monitor.cpu) == len(monitor.disk)
