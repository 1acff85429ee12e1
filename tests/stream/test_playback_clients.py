"""Each player's live playback record (reference newer §14.3): CMCD and older reports, stale values read as
null after 30 s, self-reporting players are not timed, and the server's own segment timing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from ownstream.clock import rfc3339
from ownstream.stream.cmcd import cmcd_update
from ownstream.stream.playback_clients import PlaybackClients
from ownstream.stream.viewers import Viewer

START = datetime(2026, 12, 2, 8, 0, tzinfo=UTC)


class ManualClock:
    def __init__(self) -> None:
        self.seconds = 1000.0

    def now(self) -> datetime:
        return START + timedelta(seconds=self.seconds - 1000.0)

    def monotonic(self) -> float:
        return self.seconds


def viewer(name: str) -> Viewer:
    return Viewer(name, "192.0.2.1", f"agent {name}", START)


def test_a_cmcd_players_record_and_its_staleness() -> None:
    clock = ManualClock()
    clients = PlaybackClients(clock)
    first = clients.cmcd(
        "v1", cmcd_update({"sid": "s1", "br": 800.0, "mtp": 5000.0, "sta": "p"}), from_request=False
    )
    assert (first.errors, first.variant_changed) == (0, False)
    clock.seconds += 5
    second = clients.cmcd(
        "v1", cmcd_update({"sid": "s1", "br": 1600.0, "ltc": 1200.0, "bs": True}), from_request=False
    )
    assert (second.errors, second.variant_changed) == (1, True)
    [entry] = clients.document([viewer("v1")])
    assert entry["clientID"] == "s1" and entry["viewerID"] == "v1" and entry["geo"] is None
    assert entry["playback"] == {
        "source": "client",
        "lastUpdate": rfc3339(START + timedelta(seconds=5)),
        "playerState": "p",
        "bandwidthKbps": 5000.0,
        "latencySeconds": 1.2,
        "downloadSeconds": None,
        "bitrateKbps": 1600.0,
        "errorCount": 1,
        "qualityVariantChanges": 1,
    }
    clock.seconds += 26  # the first report's values are 31 s old, the second's 26 s
    playback = clients.document([viewer("v1")])[0]["playback"]
    assert playback["bandwidthKbps"] is None and "playerState" not in playback
    assert playback["latencySeconds"] == 1.2 and playback["errorCount"] == 1


def test_a_viewer_nothing_is_known_of_has_null_playback() -> None:
    clients = PlaybackClients(ManualClock())
    [entry] = clients.document([viewer("quiet")])
    assert entry["clientID"] == "quiet" and entry["playback"] is None


def test_segment_timing_for_players_that_do_not_report() -> None:
    clock = ManualClock()
    clients = PlaybackClients(clock)
    clients.served_segment("v2", 500_000, 0.5, segment_length=2.0)
    playback = clients.document([viewer("v2")])[0]["playback"]
    assert playback["source"] == "server" and playback["bandwidthKbps"] == 8000
    assert playback["downloadSeconds"] == 0.5
    assert playback["errorCount"] is None and playback["qualityVariantChanges"] is None
    # Too small, or slower than three segment lengths: discarded, and the player marked unmeasurable.
    clients.served_segment("v2", 1000, 0.01, segment_length=2.0)
    assert clients.document([viewer("v2")])[0]["playback"]["measurementStatus"] == "unmeasurable"
    clients.served_segment("v2", 500_000, 6.0, segment_length=2.0)
    assert clients.document([viewer("v2")])[0]["playback"]["measurementStatus"] == "unmeasurable"


def test_a_self_reporting_player_is_not_timed_for_30_seconds() -> None:
    clock = ManualClock()
    clients = PlaybackClients(clock)
    clients.cmcd("v3", cmcd_update({"ttlb": 400.0, "mtp": 3000.0}), from_request=False)
    assert clients.self_reporting("v3")
    clients.served_segment("v3", 500_000, 0.1, segment_length=2.0)
    assert clients.document([viewer("v3")])[0]["playback"]["bandwidthKbps"] == 3000.0
    clock.seconds += 31
    assert not clients.self_reporting("v3")
    # A report without ttlb does not make its sender self-reporting (the latest revision's rule).
    clients.cmcd("v4", cmcd_update({"mtp": 3000.0}), from_request=False)
    assert not clients.self_reporting("v4")
    # The older POST /api/metrics/playback does.
    clients.playback("v5", bandwidth=100.0, latency=None, download=None, errors=2, variant_changes=0)
    assert clients.self_reporting("v5")


def test_a_player_sending_cmcd_with_its_requests_gets_only_the_download_time_from_the_server() -> None:
    clock = ManualClock()
    clients = PlaybackClients(clock)
    clients.cmcd("v6", cmcd_update({"sid": "s6", "mtp": 9000.0}), from_request=True)
    clients.served_segment("v6", 500_000, 0.5, segment_length=2.0)
    playback = clients.document([viewer("v6")])[0]["playback"]
    assert (playback["bandwidthKbps"], playback["downloadSeconds"]) == (9000.0, 0.5)


def test_records_of_players_gone_for_two_minutes_are_forgotten() -> None:
    clock = ManualClock()
    clients = PlaybackClients(clock)
    clients.cmcd("v7", cmcd_update({"mtp": 1.0}), from_request=False)
    clock.seconds += 121
    assert clients.document([viewer("v7")])[0]["playback"] is None
