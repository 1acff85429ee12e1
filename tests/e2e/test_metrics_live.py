"""Metrics that move only with a live stream: online, ingest, segments, transcoder starts."""

from __future__ import annotations

import aiohttp
import pytest

from tests.api.test_metrics import scrape, value
from tests.e2e.waiting import wait_until
from tests.harness import RunningServer
from tests.media import Clip, start_publisher, stop_process

pytestmark = pytest.mark.e2e


async def test_stream_metrics_follow_a_broadcast(
    server: RunningServer, http: aiohttp.ClientSession, clip: Clip
) -> None:
    assert server.server.services is not None
    lifecycle = server.server.services.lifecycle
    publisher = await start_publisher(clip, server.rtmp_url())
    try:

        async def live_with_segments() -> bool:
            samples = await scrape(http, server)
            counts = samples.get("ownstream_segment_write_interval_seconds_count", [])
            return lifecycle.online and sum(sample.value for sample in counts) >= 1

        await wait_until(live_with_segments, 40, "the stream online with two segments written")
        live = await scrape(http, server)
    finally:
        await stop_process(publisher)

    assert value(live, "ownstream_stream_online") == 1
    assert value(live, "ownstream_transcoder_starts_total") == 1
    assert value(live, "ownstream_transcoder_failures_total") == 0
    assert value(live, "ownstream_ingest_received_bytes_total") > 10_000
    assert value(live, "ownstream_ingest_bitrate_bits_per_second") > 0
    durations = live["ownstream_segment_duration_seconds_count"]
    assert durations and all(sample.labels["variant"].isdigit() for sample in durations)
    assert sum(sample.value for sample in durations) >= 2

    async def offline() -> bool:
        return value(await scrape(http, server), "ownstream_stream_online") == 0

    await wait_until(offline, 30, "the stream to end")
    ended = await scrape(http, server)
    assert value(ended, "ownstream_ingest_bitrate_bits_per_second") == 0
