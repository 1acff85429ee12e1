"""The part cutter: the part rules hold for any fragment sizes, and the part plan fits real frame rates."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ownstream.hls.parts import (
    SEGMENT_CLOSE_FRACTION,
    PartCutter,
    plan_parts,
    round_up,
)

PART_TARGET = 0.25
SEGMENT_TARGET = 1.0

fragments = st.lists(
    st.tuples(st.floats(min_value=0.001, max_value=0.5), st.booleans()),
    min_size=1,
    max_size=120,
)


def cut(cutter: PartCutter, sequence: list[tuple[float, bool]]) -> list[list[list[tuple[float, bool]]]]:
    """Segments → parts → fragments, as the cutter decides."""
    segments: list[list[list[tuple[float, bool]]]] = []
    part_closed = True
    for duration, independent in sequence:
        decision = cutter.place(duration, independent)
        if decision.close_segment or not segments:
            segments.append([])
        if decision.new_part:
            assert decision.close_part or part_closed or decision.close_segment or len(segments[-1]) == 0
            segments[-1].append([])
        else:
            assert not part_closed
        segments[-1][-1].append((duration, independent))
        part_closed = decision.part_full
    return segments


@given(fragments)
def test_parts_never_exceed_the_target_unless_one_fragment_does(sequence: list[tuple[float, bool]]) -> None:
    cutter = PartCutter(SEGMENT_TARGET, PART_TARGET)
    overlong = 0
    for segment in cut(cutter, sequence):
        for part in segment:
            duration = sum(d for d, _ in part)
            if duration > PART_TARGET + 1e-6:
                assert len(part) == 1, "a grouped part overran the target"
                overlong += 1
    assert cutter.overlong == overlong


@given(fragments)
def test_a_part_ends_early_only_when_the_next_fragment_would_not_fit(
    sequence: list[tuple[float, bool]],
) -> None:
    segments = cut(PartCutter(SEGMENT_TARGET, PART_TARGET), sequence)
    flat = [part for segment in segments for part in segment]
    last_of_segment = {id(segment[-1]) for segment in segments}
    for part, following in itertools.pairwise(flat):
        if id(part) in last_of_segment:
            continue  # the final part of a segment may be short
        duration = sum(d for d, _ in part)
        # Either the next fragment did not fit, or this one's twin would not have (the predictive close).
        assert duration + following[0][0] > PART_TARGET - 1e-6 or duration + part[-1][0] > PART_TARGET - 1e-6


@given(fragments)
def test_segments_start_at_keyframes_and_reach_their_target(sequence: list[tuple[float, bool]]) -> None:
    segments = cut(PartCutter(SEGMENT_TARGET, PART_TARGET), sequence)
    for position, segment in enumerate(segments):
        if position > 0:
            assert segment[0][0][1], "a segment began without a keyframe"
        if position < len(segments) - 1:
            duration = sum(d for part in segment for d, _ in part)
            assert duration >= SEGMENT_TARGET * SEGMENT_CLOSE_FRACTION - 1e-6


@given(fragments)
def test_without_a_part_target_a_segment_is_one_part(sequence: list[tuple[float, bool]]) -> None:
    for segment in cut(PartCutter(3.0, None), sequence):
        assert len(segment) == 1


def test_equal_fragments_make_equal_independent_first_parts() -> None:
    """A 24 fps transcode at level 0: 6-frame fragments, a keyframe every 24 frames."""
    frame = 1 / 24
    sequence = [(6 * frame, n % 4 == 0) for n in range(12)]
    segments = cut(PartCutter(1.0, round_up(6 * frame, 5)), sequence)
    assert [len(segment) for segment in segments] == [4, 4, 4]
    assert all(segment[0][0][1] for segment in segments)


def test_finish_reports_what_was_open() -> None:
    cutter = PartCutter(1.0, 0.25)
    cutter.place(0.1, True)
    assert cutter.finish() == (True, True)
    assert cutter.finish() == (False, False)


@pytest.mark.parametrize(
    ("fps", "gop", "jitter", "frames", "target", "fragment_us"),
    [
        (30, 30, False, 6, 0.2, 198500),
        (24, 24, False, 6, 0.25, 248500),
        (24, 48, False, 6, 0.25, 248500),
        (25, 25, False, 5, 0.2, 198500),
        (60, 60, False, 12, 0.2, 198500),
        (15, 15, False, 3, 0.2, 198500),
        (30, None, True, 6, 0.201, 198500),
        (29.97, None, True, 6, 0.20121, 198700),
        (4, None, True, 1, 0.251, 248500),
        (2, None, False, 1, 0.5, 498500),
    ],
)
def test_part_plans(
    fps: float, gop: int | None, jitter: bool, frames: int, target: float, fragment_us: int
) -> None:
    plan = plan_parts(fps, gop, millisecond_timestamps=jitter)
    assert (plan.frames, plan.part_target, plan.fragment_us) == (frames, target, fragment_us)
    assert plan.part_target <= 0.5


def test_round_up_never_goes_below() -> None:
    assert round_up(5 / 24, 5) == 0.20834
    assert round_up(0.2, 5) == 0.2
    assert round_up(0.200001, 5) == 0.20001
