"""ScheduleService on a real SQLite database with a hand-moved clock: the 30-day materializer across the
autumn DST change, the missed-event rule (chat notice at start + 9 min, cancelled at + 10 min), the
SCHEDULED_EVENTS actions through to `ended`, and the stream title taken from the event at `started` —
moments a test cannot wait for in real time."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from ownstream.config.service import ConfigService
from ownstream.config.stream_title import StreamTitle
from ownstream.database.db import open_database
from ownstream.database.repos.config import ConfigRepository
from ownstream.database.repos.schedule import ScheduleRepository
from ownstream.events import EventBus, ScheduledEventAction
from ownstream.schedule.event_input import DeleteInput, EventInput
from ownstream.schedule.service import ScheduleService


@dataclass
class ManualClock:
    moment: datetime

    def now(self) -> datetime:
        return self.moment

    def monotonic(self) -> float:
        return self.moment.timestamp()


@dataclass
class Harness:
    service: ScheduleService
    clock: ManualClock
    config: ConfigService
    online: list[bool]
    notices: list[str] = field(default_factory=list)
    reminders: list[str] = field(default_factory=list)
    actions: list[tuple[str, str]] = field(default_factory=list)
    happened: list[str] = field(default_factory=list)
    """Title announcements (`title: …`) and webhook actions (`action: …`), in the order they came."""


@pytest.fixture
async def harness(tmp_path: Path) -> AsyncIterator[Harness]:
    engine = await open_database(f"sqlite+aiosqlite:///{tmp_path / 'schedule.db'}")
    bus = EventBus()
    config = ConfigService(ConfigRepository(engine), bus)
    await config.load()
    clock = ManualClock(datetime(2026, 10, 10, 12, 0, tzinfo=UTC))
    online = [False]
    notices: list[str] = []
    reminders: list[str] = []
    happened: list[str] = []

    async def notice(text: str) -> None:
        notices.append(text)

    async def remind(text: str) -> None:
        reminders.append(text)

    async def announce_title(title: str) -> None:
        happened.append(f"title: {title}")

    service = ScheduleService(
        ScheduleRepository(engine),
        config,
        clock,
        bus,
        online=lambda: online[0],
        send_reminder=remind,
        send_chat_notice=notice,
        # The admin's title setter, with the chat announcement (which publishes StreamTitleChanged) recorded.
        set_title=StreamTitle(config, announce_title).change,
    )
    state = Harness(service, clock, config, online, notices, reminders, happened=happened)
    bus.subscribe(ScheduledEventAction, lambda e: state.actions.append((e.event["name"], e.action)))
    bus.subscribe(ScheduledEventAction, lambda e: happened.append(f"action: {e.action}"))
    try:
        yield state
    finally:
        await bus.drain()
        await engine.dispose()


async def test_the_materializer_follows_berlin_wall_time_over_the_autumn_change(harness: Harness) -> None:
    document = await harness.service.save(
        EventInput(
            name="Sunday show",
            recurrence="DTSTART;TZID=Europe/Berlin:20260906T200000\nRRULE:FREQ=WEEKLY;BYDAY=SU",
        )
    )
    starts = [event["startTime"] for event in document["events"]]
    assert starts == [
        "2026-10-11T18:00:00Z",
        "2026-10-18T18:00:00Z",
        "2026-10-25T19:00:00Z",  # the last Sunday of October: Berlin is back on +01:00
        "2026-11-01T19:00:00Z",
        "2026-11-08T19:00:00Z",
    ]
    assert {event["timezone"] for event in document["events"]} == {"Europe/Berlin"}
    # A week later the window has moved on: one more, none twice.
    harness.clock.moment += timedelta(days=7)
    await harness.service.tick()
    starts = [e["startTime"] for e in (await harness.service.admin_schedule())["events"]]
    assert starts[-1] == "2026-11-15T19:00:00Z" and len(starts) == len(set(starts)) == 6


async def test_a_missed_event_closes_chat_and_is_cancelled(harness: Harness) -> None:
    await harness.config.update(schedule_enabled=True, schedule_chat_open_minutes=10)
    start = harness.clock.moment + timedelta(hours=1)
    await harness.service.save(EventInput(name="Missed", start=start))
    harness.clock.moment = start - timedelta(minutes=11)
    await harness.service.tick()
    assert not harness.service.chat_open()
    harness.clock.moment = start - timedelta(minutes=10)
    assert harness.service.chat_open()
    for minutes in (5, 8, 9, 9.5):
        harness.clock.moment = start + timedelta(minutes=minutes)
        await harness.service.tick()
    assert harness.notices == [
        "This scheduled live stream never started, so chat is being turned off. Thanks for coming!"
    ]
    assert harness.service.chat_open()
    harness.clock.moment = start + timedelta(minutes=10)
    await harness.service.tick()
    assert not harness.service.chat_open()
    [event] = (await harness.service.admin_schedule())["events"]
    assert event["status"] == "cancelled" and len(harness.notices) == 1


async def test_webhook_actions_run_to_ended_while_the_stream_is_live(harness: Harness) -> None:
    await harness.config.update(schedule_enabled=True, schedule_chat_open_minutes=10)
    start = harness.clock.moment + timedelta(hours=1)
    await harness.service.save(EventInput(name="Live one", start=start, duration_minutes=30))
    harness.online[0] = True
    for minutes in (-30, -9, -5, 0, 10, 29, 30, 31, 60):
        harness.clock.moment = start + timedelta(minutes=minutes)
        await harness.service.tick()
    assert harness.actions == [
        ("Live one", "10-minute-warning"),
        ("Live one", "started"),
        ("Live one", "ended"),
    ]
    assert harness.notices == []
    [event] = (await harness.service.admin_schedule())["events"]
    assert event["status"] == "scheduled"


async def test_the_stream_title_becomes_the_events_name_when_it_starts(harness: Harness) -> None:
    await harness.config.update(schedule_enabled=True, stream_title="Before the show")
    start = harness.clock.moment + timedelta(hours=1)
    await harness.service.save(EventInput(name="Building a synth", start=start, duration_minutes=30))
    harness.clock.moment = start - timedelta(minutes=5)
    await harness.service.tick()
    assert harness.config.current.stream_title == "Before the show", "not at the warning"
    harness.clock.moment = start
    await harness.service.tick()
    assert harness.config.current.stream_title == "Building a synth"
    assert harness.happened == ["action: 10-minute-warning", "title: Building a synth", "action: started"]
    # The admin may change it during the event; `ended` leaves theirs alone.
    await harness.config.update(stream_title="Synth, part two")
    harness.clock.moment = start + timedelta(minutes=31)
    await harness.service.tick()
    assert harness.config.current.stream_title == "Synth, part two"
    assert harness.happened[-1] == "action: ended"


async def test_no_title_while_the_schedule_is_off_nor_for_a_cancelled_event(harness: Harness) -> None:
    await harness.config.update(stream_title="Mine")
    start = harness.clock.moment + timedelta(hours=1)
    await harness.service.save(EventInput(name="Off", start=start))
    harness.clock.moment = start
    await harness.service.tick()
    assert harness.config.current.stream_title == "Mine"
    await harness.config.update(schedule_enabled=True)
    later = start + timedelta(hours=2)
    document = await harness.service.save(EventInput(name="Cancelled", start=later))
    [cancelled] = [event for event in document["events"] if event["name"] == "Cancelled"]
    await harness.service.delete(DeleteInput(id=cancelled["id"], cancel=True))
    harness.clock.moment = later
    await harness.service.tick()
    assert harness.config.current.stream_title == "Mine"
    assert "title: Cancelled" not in harness.happened
