"""Newer Owncast's viewers and playback metrics on a real server (reference newer §11): player reports,
the stream-health series, active viewers, viewers over time from `windowStart`, and Owncast's Prometheus
names at /api/admin/prometheus."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from ownstream.transcode.latency import LATENCY_LEVELS
from tests.harness import RunningServer, admin_auth, make_settings, running_server

REPORT = "/api/metrics/playback"


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[RunningServer]:
    settings = make_settings(tmp_path / "data", playback_metrics_interval=0.3, viewer_sample_interval=0.2)
    async with running_server(tmp_path / "data", settings) as running:
        yield running


async def post_report(
    http: aiohttp.ClientSession, server: RunningServer, body: Any, agent: str
) -> tuple[int, bytes]:
    async with http.post(server.base_url + REPORT, json=body, headers={"User-Agent": agent}) as response:
        return response.status, await response.read()


async def admin_get(http: aiohttp.ClientSession, server: RunningServer, path: str) -> Any:
    async with http.get(server.base_url + path, headers=admin_auth()) as response:
        assert response.status == 200, await response.text()
        return await response.json()


async def test_player_reports_feed_the_health_series_and_prometheus(server: RunningServer) -> None:
    async with aiohttp.ClientSession() as http:
        for body, message in (
            ({"qualityVariantChanges": 0}, "errors field is required"),
            ({"errors": 0}, "qualityVariantChanges field is required"),
            ({"errors": "x", "qualityVariantChanges": 0}, "errors must be a number"),
        ):
            status, answer = await post_report(http, server, body, "a")
            assert status == 400 and b'"success": false' in answer.replace(b'":false', b'": false')
            assert message.encode() in answer
        async with http.post(server.base_url + REPORT, data=b"{not json") as response:
            assert response.status == 400
        async with http.get(
            server.base_url + REPORT
        ) as response:  # 0.2's router (0.1 said "GET not supported")
            assert (response.status, await response.read()) == (405, b"")

        reports: list[tuple[str, dict[str, float]]] = [
            ("player-a", {"bandwidth": 3000, "latency": 4.5, "errors": 1, "downloadDuration": 0.5,
                          "qualityVariantChanges": 1}),
            ("player-a", {"bandwidth": 0, "latency": 0, "errors": 2, "qualityVariantChanges": 0}),
            ("player-b", {"bandwidth": 1000, "latency": 2.5, "errors": 0, "downloadDuration": 1.5,
                          "qualityVariantChanges": 2}),
            ("player-c", {"bandwidth": 2000, "latency": 3.0, "errors": 0, "qualityVariantChanges": 0}),
        ]  # fmt: skip
        for agent, report in reports:
            assert await post_report(http, server, report, agent) == (200, b"")
        await asyncio.sleep(0.8)  # at least one fold of the test server's 0.3 s window
        video = await admin_get(http, server, "/api/admin/metrics/video")
        assert set(video) == {
            "errors", "qualityVariantChanges", "highestLatency", "medianLatency", "lowestLatency",
            "medianSegmentDownloadDuration", "maximumSegmentDownloadDuration",
            "minimumSegmentDownloadDuration", "minPlayerBitrate", "medianPlayerBitrate", "maxPlayerBitrate",
            "availableBitrates", "segmentLength", "representation",
        }  # fmt: skip

        def last(name: str) -> float:
            points = video[name]
            assert points and set(points[-1]) == {"time", "value"}
            return float(points[-1]["value"])

        # The window with reports is the first one folded; later empty windows add no points.
        assert (last("errors"), last("qualityVariantChanges")) == (3, 3), "deltas add up per window"
        assert (last("lowestLatency"), last("medianLatency"), last("highestLatency")) == (2.5, 3.0, 4.5)
        assert (last("minPlayerBitrate"), last("medianPlayerBitrate"), last("maxPlayerBitrate")) == (
            1000, 2000, 3000,
        ), "a zero does not replace the last value"  # fmt: skip
        assert (last("minimumSegmentDownloadDuration"), last("maximumSegmentDownloadDuration")) == (0.5, 1.5)
        assert video["availableBitrates"] == [1200]
        assert video["segmentLength"] == LATENCY_LEVELS[2].segment_seconds
        status = await admin_get(http, server, "/api/admin/status")
        assert status["health"] is None, "offline: no health"

        async with http.get(server.base_url + "/api/admin/prometheus", headers=admin_auth()) as response:
            text = await response.text()
        names = {line.split("{")[0].split(" ")[0] for line in text.splitlines() if not line.startswith("#")}
        for name in (
            "owncast_instance_active_viewer_count", "owncast_instance_active_chat_client_count",
            "owncast_instance_total_chat_users", "owncast_instance_current_chat_message_count",
            "owncast_instance_playback_error_count", "owncast_instance_cpu_usage", "total_chat_message_count",
        ):  # fmt: skip
            assert name in names, name
        assert 'host="unknown"' in text


async def test_active_viewers_and_viewers_over_time_from_window_start(server: RunningServer) -> None:
    async with aiohttp.ClientSession() as http:
        agent = "Mozilla/5.0 viewer"
        async with http.get(server.base_url + "/api/ping", headers={"User-Agent": agent}) as response:
            assert response.status == 200
        [viewer] = await admin_get(http, server, "/api/admin/viewers")
        assert set(viewer) == {"firstSeen", "geo", "userAgent", "ipAddress", "clientID"}
        assert (viewer["userAgent"], viewer["ipAddress"], viewer["geo"]) == (agent, "127.0.0.1", None)
        assert (
            viewer["clientID"]
            == hashlib.md5(("127.0.0.1" + agent).encode(), usedforsecurity=False).hexdigest()
        )

        await asyncio.sleep(0.5)
        everything = await admin_get(http, server, "/api/admin/viewersOverTime")
        assert len(everything) >= 2, "0.0.11: no parameter, every sample"
        from_zero = await admin_get(http, server, "/api/admin/viewersOverTime?windowStart=0")
        assert from_zero[: len(everything)] == everything, "(the series grows meanwhile)"
        assert await admin_get(http, server, "/api/admin/viewersOverTime?windowStart=4102444800") == []
        async with http.get(
            server.base_url + "/api/admin/viewersOverTime?windowStart=abc", headers=admin_auth()
        ) as response:
            assert response.status == 400
            assert await response.json() == {
                "success": False,
                "message": 'strconv.ParseInt: parsing "abc": invalid syntax',
            }
