"""The CMCD collector on a real server (reference newer §14.3): `/api/metrics/cmcd` by POST, GET and
headers, its errors and CORS, CMCD carried on `/hls/` requests, and `/api/admin/viewers/playback`."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from tests.harness import RunningServer, admin_auth, make_settings, running_server

CMCD = "/api/metrics/cmcd"
PLAYBACK = "/api/admin/viewers/playback"


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[RunningServer]:
    settings = make_settings(tmp_path / "data", playback_metrics_interval=0.3)
    async with running_server(tmp_path / "data", settings) as running:
        yield running


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


async def players(http: aiohttp.ClientSession, server: RunningServer) -> list[dict[str, Any]]:
    async with http.get(server.base_url + PLAYBACK, headers=admin_auth()) as response:
        assert response.status == 200
        entries: list[dict[str, Any]] = await response.json()
        return entries


async def seen(http: aiohttp.ClientSession, server: RunningServer, agent: str) -> None:
    async with http.get(server.base_url + "/api/ping", headers={"User-Agent": agent}) as response:
        assert response.status == 200


async def test_preflight_and_methods(server: RunningServer, http: aiohttp.ClientSession) -> None:
    async with http.options(server.base_url + CMCD) as response:
        assert response.status == 204
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        assert response.headers["Access-Control-Allow-Methods"] == "GET, POST, OPTIONS"
        assert "CMCD-Session" in response.headers["Access-Control-Allow-Headers"]
    async with http.put(server.base_url + CMCD, json={"br": 1}) as response:
        assert (response.status, await response.read()) == (405, b"")
        assert response.headers["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize(
    ("method", "body", "headers", "message"),
    [
        ("GET", None, {}, "no CMCD report found in request"),
        ("POST", b"[]", {}, "no CMCD report found in request"),
        ("POST", b'[1, {}, "x"]', {}, "no CMCD report found in request"),
        ("POST", b"42", {}, "no CMCD report found in request"),
        ("POST", b"", {}, "no CMCD report found in request"),
        ("POST", b'{"br": 1', {}, "unexpected EOF"),
        ("POST", b"{br: 1}", {}, "invalid character 'b' looking for beginning of value"),
        ("POST", b'{"sid": "' + b"x" * 70_000 + b'"}', {}, "http: request body too large"),
    ],
    ids=[
        "get-without-cmcd",
        "empty-array",
        "nothing-usable",
        "not-an-object",
        "empty",
        "cut",
        "not-json",
        "large",
    ],
)
async def test_unusable_reports_are_a_simple_400_with_cors(
    server: RunningServer,
    http: aiohttp.ClientSession,
    method: str,
    body: bytes | None,
    headers: dict[str, str],
    message: str,
) -> None:
    async with http.request(method, server.base_url + CMCD, data=body, headers=headers) as response:
        assert response.status == 400
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        assert await response.json() == {"success": False, "message": message}
    assert await players(http, server) == []


async def test_reports_by_post_get_and_headers_reach_the_players_record(
    server: RunningServer, http: aiohttp.ClientSession
) -> None:
    agent = {"User-Agent": "cmcd-player"}
    await seen(http, server, "cmcd-player")
    [quiet] = await players(http, server)
    assert quiet["playback"] is None and quiet["userAgent"] == "cmcd-player" and quiet["geo"] is None

    report = {"sid": "session-1", "br": 800, "mtp": 5000, "ltc": 1500, "sta": "p", "v": 2}
    async with http.post(server.base_url + CMCD, json=report, headers=agent) as response:
        assert (response.status, await response.read()) == (200, b"")
        assert response.headers["Access-Control-Allow-Origin"] == "*"
    query = {"CMCD": 'sid="session-1",br=1600,bs'}
    async with http.get(server.base_url + CMCD, params=query, headers=agent) as response:
        assert response.status == 200
    session = agent | {"CMCD-Session": 'sid="session-1"', "CMCD-Status": "bs"}
    async with http.post(server.base_url + CMCD, headers=session) as response:
        assert response.status == 200

    [entry] = await players(http, server)
    assert entry["clientID"] == "session-1" and entry["viewerID"] == quiet["viewerID"]
    playback = entry["playback"]
    assert playback["source"] == "client" and playback["playerState"] == "p"
    assert (playback["bandwidthKbps"], playback["latencySeconds"], playback["bitrateKbps"]) == (
        5000,
        1.5,
        1600,
    )
    assert (playback["errorCount"], playback["qualityVariantChanges"]) == (2, 1)

    # The reports also reach the windowed series behind /api/admin/metrics/video.
    await asyncio.sleep(0.8)
    async with http.get(server.base_url + "/api/admin/metrics/video", headers=admin_auth()) as response:
        video = await response.json()
    assert video["errors"][-1]["value"] == 2
    assert video["maxPlayerBitrate"][-1]["value"] == 5000


async def test_cmcd_on_hls_requests_is_collected(server: RunningServer, http: aiohttp.ClientSession) -> None:
    agent = {"User-Agent": "request-mode"}
    params = {"CMCD": 'sid="rm-1",br=700,mtp=4200,ot=m'}
    async with http.get(server.base_url + "/hls/stream.m3u8", params=params, headers=agent) as response:
        assert response.status == 404  # offline: no playlist, the report still counts
    [entry] = await players(http, server)
    assert entry["clientID"] == "rm-1" and entry["playback"]["bandwidthKbps"] == 4200


async def test_the_playback_list_is_for_the_admin(server: RunningServer, http: aiohttp.ClientSession) -> None:
    async with http.get(server.base_url + PLAYBACK) as response:
        assert response.status == 401


@pytest.mark.parametrize(
    "body",
    [b"[" * 5000 + b"]" * 5000, b'{"br": ' + b"9" * 4500 + b"}", b'{"br": NaN}', b'{"br": 1e999}'],
    ids=["deep", "huge-integer", "nan", "overflowing-float"],
)
async def test_hostile_bodies_are_a_400_or_ignored_never_a_500(
    server: RunningServer, http: aiohttp.ClientSession, body: bytes
) -> None:
    async with http.post(server.base_url + CMCD, data=body) as response:
        assert response.status == 400
        assert response.headers["Access-Control-Allow-Origin"] == "*"
