"""Request bodies of the schedule's admin routes: instants as browsers send them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from ownstream.schedule.event_input import parse_event_input, parse_rfc3339


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-12-06T02:30:00Z", datetime(2026, 12, 6, 2, 30, tzinfo=UTC)),
        # `Date.toISOString()` (the dashboard's forms): milliseconds, then Z.
        ("2026-12-06T02:30:00.000Z", datetime(2026, 12, 6, 2, 30, tzinfo=UTC)),
        ("2026-12-06T02:30:00.5+01:00", datetime(2026, 12, 6, 1, 30, 0, 500000, tzinfo=UTC)),
        # Go's nanoseconds: cut to microseconds, the offset kept.
        (
            "2026-12-06T02:30:00.123456789-05:00",
            datetime(2026, 12, 6, 2, 30, 0, 123456, tzinfo=timezone(timedelta(hours=-5))),
        ),
    ],
)
def test_instants_keep_their_offset_after_a_fraction(text: str, expected: datetime) -> None:
    parsed = parse_rfc3339(text)
    assert parsed is not None and parsed.tzinfo is not None
    assert parsed == expected


def test_an_update_body_from_the_dashboard() -> None:
    given = parse_event_input(b'{"id":"abc","name":"Quiz","start":"2026-12-06T02:30:00.000Z"}')
    assert given.start == datetime(2026, 12, 6, 2, 30, tzinfo=UTC)
