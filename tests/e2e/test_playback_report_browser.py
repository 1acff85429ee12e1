"""The viewer page's playback reporter (web/src/player/playback-report.ts) in a real browser: chromium plays
a real stream through hls.js, posts its report to `/api/metrics/playback` after a minute, and the figures
reach the admin's `/api/admin/viewers/playback` as that player's own (`source: client`)."""

from __future__ import annotations

import json
from typing import Any

import aiohttp
import pytest
from playwright.async_api import Request

from tests.browser import chromium
from tests.e2e.waiting import wait_until
from tests.harness import RunningServer, admin_auth
from tests.media import Clip, start_publisher, stop_process

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

AGENT = "Mozilla/5.0 (X11; Linux x86_64) ownstream-playback-report-test Chrome/120.0"
REPORT_WAIT = 120.0
"""The page reports every 60 s (REPORT_INTERVAL_MS), counted from when the player starts."""


async def admin_players(http: aiohttp.ClientSession, server: RunningServer) -> list[dict[str, Any]]:
    async with http.get(server.base_url + "/api/admin/viewers/playback", headers=admin_auth()) as response:
        assert response.status == 200
        entries: list[dict[str, Any]] = await response.json()
    return [entry for entry in entries if entry["userAgent"] == AGENT]


async def test_the_page_reports_its_playback_and_the_admin_sees_it(
    server: RunningServer, http: aiohttp.ClientSession, clip: Clip
) -> None:
    publisher = await start_publisher(clip, server.rtmp_url())
    reports: list[Request] = []
    try:
        async with chromium() as browser:
            context = await browser.new_context(user_agent=AGENT, viewport={"width": 1280, "height": 800})
            page = await context.new_page()
            page.on(
                "request",  # a `keepalive` fetch: Playwright reports it, though not always as finished
                lambda request: (
                    reports.append(request) if request.url.endswith("/api/metrics/playback") else None
                ),
            )
            await page.goto(server.base_url + "/")

            async def playing() -> bool:
                time = await page.evaluate("() => document.querySelector('video')?.currentTime ?? 0")
                return float(time) > 0.5

            await wait_until(playing, 60, "playback to start")

            async def reported() -> bool:
                return bool(reports)

            await wait_until(reported, REPORT_WAIT, "the page's playback report", interval=1.0)
            response = await reports[0].response()
            assert response is None or response.status == 200
            body = json.loads(reports[0].post_data or "{}")
            assert set(body) == {
                "bandwidth",
                "latency",
                "downloadDuration",
                "errors",
                "qualityVariantChanges",
            }
            assert body["bandwidth"] > 0 and body["downloadDuration"] > 0, body

            async def reached_the_admin() -> bool:
                entries = await admin_players(http, server)
                return bool(entries) and (entries[0]["playback"] or {}).get("source") == "client"

            await wait_until(reached_the_admin, 10, "the report in /api/admin/viewers/playback")
            [entry] = await admin_players(http, server)
            assert entry["playback"]["bandwidthKbps"] == body["bandwidth"], (entry, body)
            await context.close()
    finally:
        await stop_process(publisher)
