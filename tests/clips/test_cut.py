"""Which segments a clip takes, and what a clip request may say (pure)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ownstream.clips.cut import choose_segments, position_of
from ownstream.clips.request import ClipRequest, parse_clip_request
from ownstream.database.repos.replays import ReplaySegment
from ownstream.errors import Invalid

START = datetime(2026, 12, 2, 5, 0, tzinfo=UTC)


def segments(count: int, *, gap_after: int | None = None, gap: float = 30.0) -> list[ReplaySegment]:
    """`count` 2-second segments; a reconnect (`gap` seconds away, a new init) after `gap_after`."""
    rows = []
    for position in range(count):
        late = gap if gap_after is not None and position > gap_after else 0.0
        rows.append(
            ReplaySegment(
                position=position,
                name=f"s-{position}.m4s",
                init_name="init-b.mp4" if late else "init-a.mp4",
                program_date_time=START + timedelta(seconds=2 * position + late),
                duration=2.0,
                size=100,
                discontinuity=gap_after is not None and position == gap_after + 1,
            )
        )
    return rows


def names(chosen: list[ReplaySegment]) -> list[str]:
    return [segment.name for segment in chosen]


def test_offsets_are_rounded_out_to_whole_segments() -> None:
    rows = segments(10)
    assert names(choose_segments(rows, 3.0, 7.5, 60)) == ["s-1.m4s", "s-2.m4s", "s-3.m4s"]
    assert names(choose_segments(rows, 4.0, 8.0, 60)) == [
        "s-2.m4s",
        "s-3.m4s",
    ]  # on boundaries: nothing widened
    chosen = choose_segments(rows, 4.0, 8.0, 60)
    assert [segment.position for segment in chosen] == [0, 1]


def test_negative_offsets_and_no_end_count_back_from_the_end_so_far() -> None:
    rows = segments(10)  # 20 s
    assert names(choose_segments(rows, -5.0, None, 60)) == ["s-7.m4s", "s-8.m4s", "s-9.m4s"]
    assert names(choose_segments(rows, -6.0, -2.0, 60)) == ["s-7.m4s", "s-8.m4s"]
    assert names(choose_segments(rows, -100.0, None, 100)) == names(
        rows
    )  # from before the start: from the start


def test_wall_clock_times_are_placed_by_program_date_time_across_a_reconnect() -> None:
    rows = segments(6, gap_after=2)  # 0-6 s at START, then 6-12 s of video from START+36 s
    assert position_of(START + timedelta(seconds=1), rows) == 1.0
    assert position_of(START + timedelta(seconds=20), rows) == 6.0  # in the gap: the next segment
    assert position_of(START + timedelta(seconds=37), rows) == 7.0
    chosen = choose_segments(rows, START + timedelta(seconds=5), START + timedelta(seconds=37), 60)
    assert names(chosen) == ["s-2.m4s", "s-3.m4s"]
    assert [segment.discontinuity for segment in chosen] == [False, True]
    first = choose_segments(rows, START + timedelta(seconds=36), None, 60)
    assert names(first) == ["s-3.m4s", "s-4.m4s", "s-5.m4s"] and not first[0].discontinuity


def test_an_end_past_the_recording_takes_what_exists() -> None:
    assert names(choose_segments(segments(3), 2.0, 30.0, 60)) == ["s-1.m4s", "s-2.m4s"]
    with pytest.raises(Invalid, match="nothing is recorded"):
        choose_segments([], -30.0, None, 60)  # a stream that has just started


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        (5.0, 5.0, "the clip must end after it starts"),
        (8.0, 2.0, "the clip must end after it starts"),
        (0.0, 61.0, "a clip may be at most 60 seconds long"),
        (20.0, 30.0, "nothing is recorded there (yet)"),
        (-3.0, -5.0, "the clip must end after it starts"),
    ],
)
def test_bad_ranges_are_refused(start: float, end: float, message: str) -> None:
    with pytest.raises(Invalid) as refused:
        choose_segments(segments(10), start, end, 60)
    assert refused.value.message == message


@given(
    st.integers(1, 40),
    st.floats(0, 100, allow_nan=False),
    st.floats(0.1, 100, allow_nan=False),
    st.integers(1, 100),
)
def test_a_clip_covers_the_range_asked_within_a_segment_each_side(
    count: int, start: float, length: float, max_duration: int
) -> None:
    rows = segments(count)
    total = 2.0 * count
    try:
        chosen = choose_segments(rows, start, start + length, max_duration)
    except Invalid:
        assert length > max_duration or start >= total - 1e-3
        return
    first = chosen[0].position
    begins = 2.0 * int(names(chosen)[0].split("-")[1].split(".")[0])
    ends = begins + 2.0 * len(chosen)
    assert first == 0
    wanted_end = min(start + length, total)
    assert begins - 1e-3 <= start < begins + 2.0  # (within the boundary tolerance of cut.EPSILON)
    assert wanted_end - 1e-3 <= ends < wanted_end + 2.0 + 1e-3


def test_a_request_may_name_times_or_seconds_and_leave_out_the_replay_and_end() -> None:
    assert parse_clip_request({"start": -30}) == ClipRequest("", None, -30.0, None)
    parsed = parse_clip_request(
        {
            "title": " Goal! ",
            "replayId": "abc",
            "start": "2026-12-02T05:00:01Z",
            "end": "2026-12-02T06:00:05+01:00",
        }
    )
    assert parsed == ClipRequest("Goal!", "abc", START + timedelta(seconds=1), START + timedelta(seconds=5))


@pytest.mark.parametrize(
    "body",
    [
        [],
        "clip",
        {},
        {"start": None},
        {"start": True},
        {"start": "yesterday"},
        {"start": "2026-12-02T05:00:00"},  # no time zone
        {"start": 0, "end": [1]},
        {"start": 10**400},
        {"start": 0, "title": False},
        {"start": 0, "title": 5},
        {"start": 0, "title": "x" * 201},
        {"start": 0, "replayId": 7},
        {"start": 0, "replayId": ""},
        {"start": 0, "length": 5},
    ],
)
def test_bad_requests_are_refused(body: object) -> None:
    with pytest.raises(Invalid):
        parse_clip_request(body)
