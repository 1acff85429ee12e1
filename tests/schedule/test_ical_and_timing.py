"""The calendar feed's text (schedule/ical.py) and the reminder and chat-window rules (schedule/timing.py)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from ownstream.domain.scheduled_events import CANCELLED, SCHEDULED, ScheduledEvent
from ownstream.schedule import timing
from ownstream.schedule.ical import calendar, escape_text, fold

START = datetime(2026, 8, 11, 1, 0, tzinfo=UTC)  # Monday, August 10, 6:00 PM in Los Angeles


def event(**changes: Any) -> ScheduledEvent:
    base = ScheduledEvent(
        id="ev1",
        series_id=None,
        name="Build night",
        description="",
        reminder_message="",
        start=START,
        original_start=None,
        duration_minutes=90,
        timezone="America/Los_Angeles",
        status=SCHEDULED,
    )
    return replace(base, **changes)


def test_calendar_lines() -> None:
    text = calendar(
        [event(description="Wood; glue, and\nclamps"), event(id="ev2", status=CANCELLED)],
        datetime(2026, 8, 1, 12, 0, tzinfo=UTC),
    )
    assert text.endswith("END:VCALENDAR\r\n") and "\n" not in text.replace("\r\n", "")
    lines = text.split("\r\n")
    for line in (
        "VERSION:2.0",
        "PRODID:-//Owncast//Schedule//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "REFRESH-INTERVAL;VALUE=DURATION:PT15M",
        "UID:ev1@owncast",
        "DTSTAMP:20260801T120000Z",
        "DTSTART:20260811T010000Z",
        "DTEND:20260811T023000Z",
        "SUMMARY:Build night",
        "DESCRIPTION:Wood\\; glue\\, and\\nclamps",
        "STATUS:CONFIRMED",
        "STATUS:CANCELLED",
    ):
        assert line in lines
    assert lines.count("BEGIN:VEVENT") == 2 and lines.count("DESCRIPTION:Wood\\; glue\\, and\\nclamps") == 1


@given(st.text(min_size=0, max_size=300))
def test_folding_keeps_every_character_and_75_octets(value: str) -> None:
    line = "SUMMARY:" + escape_text(value.replace("\r", ""))
    folded = fold(line)
    physical = folded.split("\r\n")
    assert all(len(part.encode("utf-8")) <= 75 for part in physical)
    assert physical[0] + "".join(part[1:] for part in physical[1:]) == line


def test_reminders_due_once_per_lead_time() -> None:
    leads = timing.lead_times(120, 15)
    assert leads == (120, 15) and timing.lead_times(15, 15) == (15,) and timing.lead_times(0, 0) == ()
    assert timing.due_reminders(event(), START - timedelta(hours=3), leads) == ()
    assert timing.due_reminders(event(), START - timedelta(minutes=119), leads) == (120,)
    assert timing.due_reminders(event(reminded_minutes=(120,)), START - timedelta(minutes=60), leads) == ()
    assert timing.due_reminders(event(reminded_minutes=(120,)), START - timedelta(minutes=14), leads) == (15,)
    # Created ten minutes before: both are due at once (one message, both marked).
    assert timing.due_reminders(event(), START - timedelta(minutes=10), leads) == (120, 15)
    assert timing.due_reminders(event(status=CANCELLED), START - timedelta(minutes=10), leads) == ()
    assert timing.due_reminders(event(), START + timedelta(seconds=1), leads) == ()


def test_reminder_text() -> None:
    assert timing.reminder_text(event(), "", "https://x.example") is None
    assert timing.reminder_text(event(), "Soon!", "https://x.example/") == (
        "Soon!\n\nBuild night\nMonday, August 10 at 6:00 PM PDT\nhttps://x.example/schedule/ev1"
    )
    assert timing.reminder_text(event(reminder_message="Ours"), "Default", "") == (
        "Ours\n\nBuild night\nMonday, August 10 at 6:00 PM PDT"
    )


def test_chat_window() -> None:
    open_at = START - timedelta(minutes=10)
    assert not timing.chat_open(event(), open_at - timedelta(seconds=1), 10, online=False)
    assert timing.chat_open(event(), open_at, 10, online=False)
    assert timing.chat_open(event(), START + timedelta(minutes=9), 10, online=False)
    assert not timing.chat_open(event(), START + timedelta(minutes=10), 10, online=False)
    assert timing.chat_open(event(), START + timedelta(minutes=80), 10, online=True)
    assert not timing.chat_open(event(), START + timedelta(minutes=90), 10, online=True)
    assert not timing.chat_open(event(status=CANCELLED), START, 10, online=True)


def test_webhook_actions_each_once_in_order() -> None:
    due = timing.due_announcements
    assert due(event(), START - timedelta(minutes=11)) == ()
    assert due(event(), START - timedelta(minutes=10)) == ("10-minute-warning",)
    assert due(event(announced=("10-minute-warning",)), START - timedelta(minutes=1)) == ()
    assert due(event(announced=("10-minute-warning",)), START) == ("started",)
    # Scheduled (or the server started) late: no stale warning once it has started.
    assert due(event(), START + timedelta(minutes=5)) == ("started",)
    started = ("10-minute-warning", "started")
    assert due(event(announced=started), START + timedelta(minutes=89)) == ()
    assert due(event(announced=started), START + timedelta(minutes=90)) == ("ended",)
    assert due(event(announced=(*started, "ended")), START + timedelta(hours=3)) == ()
    assert due(event(), START + timedelta(minutes=90)) == (), "never started: no ended either"
    assert due(event(status=CANCELLED), START) == ()
