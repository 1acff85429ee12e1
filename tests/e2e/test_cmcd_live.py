"""The server's own measure of players that report nothing (reference newer §14.3): while live, a whole
segment sent to such a player is timed; a player that reports its download times is left alone."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest

from tests.e2e.waiting import wait_until
from tests.harness import RunningServer, admin_auth
from tests.media import Clip, start_publisher, stop_process

pytestmark = pytest.mark.e2e

MIN_SAMPLE_BYTES = 64 * 1024


async def playback_of(
    http: aiohttp.ClientSession, server: RunningServer, agent: str
) -> dict[str, Any] | None:
    async with http.get(server.base_url + "/api/admin/viewers/playback", headers=admin_auth()) as response:
        entries = await response.json()
    [entry] = [entry for entry in entries if entry["userAgent"] == agent]
    playback: dict[str, Any] | None = entry["playback"]
    return playback


async def a_segment(http: aiohttp.ClientSession, server: RunningServer, agent: str) -> bytes:
    """The newest whole segment of the first rendition, fetched as `agent`."""
    headers = {"User-Agent": agent}
    async with http.get(server.base_url + "/hls/0/stream.m3u8", headers=headers) as response:
        playlist = await response.text()
    segment = [line for line in playlist.splitlines() if line and not line.startswith("#")][-1]
    async with http.get(f"{server.base_url}/hls/0/{segment}", headers=headers) as response:
        assert response.status == 200
        return await response.read()


async def test_segments_sent_to_a_silent_player_are_timed(
    server: RunningServer, http: aiohttp.ClientSession, clip: Clip
) -> None:
    publisher = await start_publisher(clip, server.rtmp_url())
    try:

        async def online_and_listed() -> bool:
            # Segments are timed only while the stream is online (Owncast's rule).
            async with http.get(server.base_url + "/api/status") as response:
                if not (await response.json())["online"]:
                    return False
            async with http.get(server.base_url + "/hls/0/stream.m3u8") as response:
                return response.status == 200 and "#EXTINF" in await response.text()

        await wait_until(online_and_listed, 40, "the stream online with a segment listed")
        body = await a_segment(http, server, "silent-player")
        silent = await playback_of(http, server, "silent-player")
        assert silent is not None and silent["source"] == "server"
        assert silent["errorCount"] is None and silent["qualityVariantChanges"] is None
        if len(body) < MIN_SAMPLE_BYTES:
            assert silent["measurementStatus"] == "unmeasurable"
        else:
            assert silent["bandwidthKbps"] > 0 and silent["downloadSeconds"] > 0

        # A player that reports its own download times is not timed.
        reporter = {"User-Agent": "reporting-player"}
        report = {"ttlb": 120, "mtp": 3300}
        async with http.post(
            server.base_url + "/api/metrics/cmcd", json=report, headers=reporter
        ) as response:
            assert response.status == 200
        await a_segment(http, server, "reporting-player")
        reporting = await playback_of(http, server, "reporting-player")
        assert reporting is not None and reporting["source"] == "client"
        assert (reporting["bandwidthKbps"], reporting["downloadSeconds"]) == (3300, 0.12)
        assert "measurementStatus" not in reporting
    finally:
        await stop_process(publisher)
