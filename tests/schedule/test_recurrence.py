"""Recurrence values (schedule/recurrence.py): parsed with Owncast's messages, expanded on wall-clock time in
the rule's zone — a weekly 20:00 in Berlin stays 20:00 in Berlin across both DST changes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from ownstream.schedule.recurrence import (
    EMPTY,
    NO_DTSTART,
    NO_RRULE,
    TOO_DENSE,
    TOO_MANY,
    UNPARSEABLE,
    RecurrenceError,
    parse_recurrence,
)

BERLIN_SUNDAYS = "DTSTART;TZID=Europe/Berlin:20260315T200000\nRRULE:FREQ=WEEKLY;BYDAY=SU"


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def test_weekly_berlin_evening_keeps_its_wall_clock_over_the_spring_change() -> None:
    # The last Sunday of March 2026 is the 29th: clocks go from +01:00 to +02:00 at 02:00 that morning.
    rule = parse_recurrence(BERLIN_SUNDAYS)
    instants = rule.between(utc("2026-03-20T00:00:00"), utc("2026-04-10T00:00:00"))
    assert [i.astimezone(UTC) for i in instants] == [
        utc("2026-03-22T19:00:00"),
        utc("2026-03-29T18:00:00"),
        utc("2026-04-05T18:00:00"),
    ]
    assert {(i.hour, i.minute) for i in instants} == {(20, 0)}
    assert [i.utcoffset() for i in instants] == [timedelta(hours=1), timedelta(hours=2), timedelta(hours=2)]


def test_weekly_berlin_evening_keeps_its_wall_clock_over_the_autumn_change() -> None:
    # The last Sunday of October 2026 is the 25th: back from +02:00 to +01:00 at 03:00.
    rule = parse_recurrence(BERLIN_SUNDAYS)
    instants = rule.between(utc("2026-10-16T00:00:00"), utc("2026-11-02T00:00:00"))
    assert [i.astimezone(UTC) for i in instants] == [
        utc("2026-10-18T18:00:00"),
        utc("2026-10-25T19:00:00"),
        utc("2026-11-01T19:00:00"),
    ]


def test_a_wall_time_that_does_not_exist_becomes_a_real_instant() -> None:
    # 02:30 on 2026-03-29 does not exist in Berlin; the occurrence is still one real instant.
    rule = parse_recurrence("DTSTART;TZID=Europe/Berlin:20260322T023000\nRRULE:FREQ=WEEKLY;COUNT=2")
    [first, second] = rule.between(utc("2026-03-01T00:00:00"), utc("2026-04-30T00:00:00"))
    assert first.astimezone(UTC) == utc("2026-03-22T01:30:00")
    assert second.astimezone(UTC).astimezone(second.tzinfo) == second


def test_without_a_zone_the_rule_is_utc_and_until_count_interval_work() -> None:
    rule = parse_recurrence("DTSTART:20270104T120000Z\nRRULE:FREQ=DAILY;INTERVAL=2;UNTIL=20270110T000000Z")
    assert rule.zone_name == "UTC"
    found = rule.between(utc("2027-01-01T00:00:00"), utc("2027-02-01T00:00:00"))
    assert [i.day for i in found] == [4, 6, 8]
    plain = parse_recurrence("DTSTART:20270104T120000\nRRULE:FREQ=WEEKLY;COUNT=3")
    assert plain.zone_name == "UTC" and len(plain.between(plain.start, plain.start + timedelta(days=60))) == 3


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", EMPTY),
        ("  \n ", EMPTY),
        ("DTSTART;TZID=Europe/Berlin:20260315T200000", NO_RRULE),
        ("RRULE:FREQ=WEEKLY", NO_DTSTART),
    ],
)
def test_missing_parts_have_owncasts_messages(value: str, message: str) -> None:
    with pytest.raises(RecurrenceError) as caught:
        parse_recurrence(value)
    assert caught.value.message == message


@pytest.mark.parametrize(
    "value",
    [
        "DTSTART;TZID=Mars/Olympus:20260315T200000\nRRULE:FREQ=WEEKLY",
        "DTSTART;TZID=../../etc/passwd:20260315T200000\nRRULE:FREQ=WEEKLY",
        "DTSTART;TZID=Europe/Berlin:2026-03-15\nRRULE:FREQ=WEEKLY",
        "DTSTART;TZID=Europe/Berlin:20261345T200000\nRRULE:FREQ=WEEKLY",
        "DTSTART;TZID=Europe/Berlin:20260315T200000\nRRULE:FREQ=WEEKLY;BYDAY=XX",
        "DTSTART;TZID=Europe/Berlin:20260315T200000\nRRULE:FREQ=FORTNIGHTLY",
        "DTSTART;TZID=Europe/Berlin:20260315T200000\nRRULE:FREQ=WEEKLY;UNTIL=20270101T000000",
        "DTSTART;TZID=Europe/Berlin:20260315T200000\nRRULE:FREQ=WEEKLY\nEXDATE:20260322T200000",
    ],
)
def test_bad_values_are_unparseable(value: str) -> None:
    with pytest.raises(RecurrenceError) as caught:
        parse_recurrence(value)
    assert caught.value.message.startswith(UNPARSEABLE)


def test_expansion_limits() -> None:
    window = (utc("2027-01-01T00:00:00"), utc("2028-01-01T00:00:00"))
    hourly = parse_recurrence("DTSTART:20270101T000000Z\nRRULE:FREQ=HOURLY")
    with pytest.raises(RecurrenceError) as caught:
        hourly.between(*window)
    assert caught.value.message == TOO_MANY
    assert len(hourly.between(window[0], window[0] + timedelta(days=30))) == 720
    # Started long ago, every minute: half a million instants before the window is reached.
    dense = parse_recurrence("DTSTART:20250101T000000Z\nRRULE:FREQ=MINUTELY")
    with pytest.raises(RecurrenceError) as caught:
        dense.between(*window)
    assert caught.value.message == TOO_DENSE
