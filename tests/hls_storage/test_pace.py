from __future__ import annotations

from ownstream.hls_storage.pace import PaceChange, UploadPace


def test_reports_falling_behind_once_then_catching_up_once() -> None:
    pace = UploadPace(window=3)
    assert pace.record(0.2, 1.0) is PaceChange.NONE
    assert pace.record(0.3, 1.0) is PaceChange.NONE
    assert pace.record(2.5, 1.0) is PaceChange.FELL_BEHIND  # average 1.0 s > 90 % of 1.0 s
    assert pace.behind
    assert pace.record(1.0, 1.0) is PaceChange.NONE
    assert pace.record(0.1, 1.0) is PaceChange.NONE  # (2.5 + 1.0 + 0.1) / 3 = 1.2
    assert pace.record(0.1, 1.0) is PaceChange.CAUGHT_UP  # 0.4
    assert not pace.behind


def test_threshold_is_ninety_percent_of_the_average_segment() -> None:
    pace = UploadPace(window=2)
    assert pace.record(1.8, 2.0) is PaceChange.NONE  # exactly 90 %: still keeping up
    assert pace.record(1.9, 2.0) is PaceChange.FELL_BEHIND


def test_unknown_segment_durations_do_not_count() -> None:
    pace = UploadPace(window=2)
    assert pace.record(5.0, 0.0) is PaceChange.NONE
    assert pace.average_duration == 0.0
    assert pace.record(5.0, 4.0) is PaceChange.FELL_BEHIND
