"""The blocking-reload directives: what is parsed, what is refused, what is too far ahead."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ownstream.hls.blocking import (
    BadDirectives,
    Directives,
    advance_part_limit,
    check_not_too_far,
    parse_directives,
)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, Directives()),
        ({"_HLS_msn": "12"}, Directives(12)),
        ({"_HLS_msn": "12", "_HLS_part": "0"}, Directives(12, 0)),
        ({"_HLS_msn": "3", "_HLS_part": "2", "_HLS_skip": "YES"}, Directives(3, 2, "YES")),
        ({"_HLS_skip": "v2"}, Directives(skip="v2")),
        ({"other": "x"}, Directives()),
    ],
)
def test_directives(query: dict[str, str], expected: Directives) -> None:
    assert parse_directives(query) == expected


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"_HLS_part": "1"}, "_HLS_part needs _HLS_msn"),
        ({"_HLS_msn": "-1"}, "whole number"),
        ({"_HLS_msn": "1.5"}, "whole number"),
        ({"_HLS_msn": ""}, "whole number"),
        ({"_HLS_msn": "9" * 16}, "whole number"),
        ({"_HLS_msn": "1", "_HLS_part": "x"}, "whole number"),
        ({"_HLS_skip": "yes"}, "YES or v2"),
    ],
)
def test_bad_directives(query: dict[str, str], message: str) -> None:
    with pytest.raises(BadDirectives, match=message):
        parse_directives(query)


@given(st.dictionaries(st.sampled_from(["_HLS_msn", "_HLS_part", "_HLS_skip"]), st.text(max_size=20)))
def test_any_query_parses_or_is_a_clean_refusal(query: dict[str, str]) -> None:
    with contextlib.suppress(BadDirectives):
        parse_directives(query)


def test_advance_part_limit() -> None:
    assert advance_part_limit(0.2) == 15
    assert advance_part_limit(0.25) == 12
    assert advance_part_limit(1.0) == 3


def check(msn: int, part: int | None) -> None:
    check_not_too_far(
        Directives(msn, part), newest_msn=10, newest_part=1, parts_per_segment=4, part_target=0.25
    )


def test_the_next_parts_and_segments_may_be_waited_for() -> None:
    check(10, 2)
    check(11, 0)
    check(12, 3)
    check(12, None)
    check(3, 0)  # the past is fine


def test_too_far_ahead_is_refused() -> None:
    with pytest.raises(BadDirectives, match="more than 2 segments"):
        check(13, None)
    with pytest.raises(BadDirectives, match="more than 12 parts"):
        check(10, 14)
    with pytest.raises(BadDirectives, match="more than 12 parts"):
        check(12, 8)
