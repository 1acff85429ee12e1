import pytest

from ownstream.transcode.latency import DEFAULT_LATENCY_LEVEL, latency_for


@pytest.mark.parametrize(
    ("level", "segment", "playlist", "grace", "kept"),
    [
        (0, 1, 25, 7, 35),
        (1, 2, 15, 7, 25),
        (2, 3, 10, 9, 20),
        (3, 4, 8, 12, 18),
        (4, 5, 5, 15, 15),
    ],
)
def test_owncast_table(level: int, segment: int, playlist: int, grace: int, kept: int) -> None:
    latency = latency_for(level)
    assert latency.level == level
    assert latency.segment_seconds == segment
    assert latency.playlist_length == playlist
    assert latency.online_grace == grace
    assert latency.segments_kept_on_disk == kept


def test_default_is_level_two() -> None:
    assert latency_for(DEFAULT_LATENCY_LEVEL).segment_seconds == 3


@pytest.mark.parametrize("level", [5, 9, 1000])
def test_levels_above_four_read_as_four(level: int) -> None:
    assert latency_for(level) == latency_for(4)


def test_negative_level_is_invalid() -> None:
    with pytest.raises(ValueError, match="latency level"):
        latency_for(-1)
