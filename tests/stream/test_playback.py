"""Stream health from player reports (newer Owncast §11): healthy while more than 75 % of the reporting
players saw no error in the window; none while offline or without reports."""

from __future__ import annotations

from ownstream.clock import SystemClock
from ownstream.stream.playback import PlaybackMetrics, PlaybackReport


def metrics(online: bool, viewers: int = 4) -> PlaybackMetrics:
    return PlaybackMetrics(SystemClock(), 120.0, lambda: viewers, lambda: online)


def test_health_share_message_and_representation() -> None:
    playback = metrics(online=True)
    for client, errors in (("a", 0), ("b", 0), ("c", 0), ("d", 1)):
        playback.report(client, PlaybackReport(errors=errors, quality_variant_changes=0))
    playback.fold()
    assert playback.health is not None
    assert playback.health.to_json() == {
        "healthy": False,
        "healthPercentage": 75,
        "message": "1 of 4 reporting players had playback errors in the last minutes.",
        "representation": 100,
    }, "75 % is not more than 75 %"
    assert playback.last_window_errors == 1
    playback.report("a", PlaybackReport(errors=0, quality_variant_changes=0))
    playback.fold()
    assert playback.health is not None and playback.health.healthy
    assert (playback.health.health_percentage, playback.health.representation) == (100, 25)
    playback.fold()
    assert playback.health is None, "a window without reports"


def test_no_health_while_offline() -> None:
    playback = metrics(online=False)
    playback.report("a", PlaybackReport(errors=0, quality_variant_changes=0))
    playback.fold()
    assert playback.health is None
