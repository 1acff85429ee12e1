"""The destinations in the metrics: labelled by id and name, never by URL (the key is in it)."""

from __future__ import annotations

from datetime import UTC, datetime

from prometheus_client import CollectorRegistry, generate_latest

from ownstream.metrics.restream import RestreamCollector
from ownstream.simulcast.destinations import Destination, parse_destination_url
from ownstream.simulcast.supervisor import DestinationState, DestinationStatus

NOW = datetime(2026, 12, 2, tzinfo=UTC)
URL = parse_destination_url("rtmps://a.rtmp.youtube.com/live2/secret-key-0123456789")


class Source:
    def statuses(self) -> list[DestinationStatus]:
        destination = Destination(4, "YouTube", URL, True, None, NOW, NOW)
        return [DestinationStatus(destination, DestinationState.LIVE, 8e6, 12.0, None, None, 2, 123456)]


def test_one_series_per_destination() -> None:
    registry = CollectorRegistry()
    registry.register(RestreamCollector(Source()))
    text = generate_latest(registry).decode()
    assert 'ownstream_restream_destination_state{id="4",name="YouTube",state="live"} 1.0' in text
    assert 'ownstream_restream_destination_state{id="4",name="YouTube",state="retrying"} 0.0' in text
    assert 'ownstream_restream_bitrate_bits_per_second{id="4",name="YouTube"} 8e+06' in text
    assert 'ownstream_restream_sent_bytes_total{id="4",name="YouTube"} 123456.0' in text
    assert 'ownstream_restream_restarts_total{id="4",name="YouTube"} 2.0' in text
    assert "secret-key" not in text and "youtube.com" not in text
