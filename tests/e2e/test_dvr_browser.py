"""DVR on the viewer page in headless chromium while ffmpeg publishes at low latency: the scrubber rewinds
within the live playlist (keys) and past it into the recording's DVR playlist (a drag), the video then
shows what was live that long ago (its program date time, from the playlist the page loaded), and the
LIVE badge brings it back to the edge. The `<video>` never gets a `controls` attribute; axe-core finds
no serious or critical violation with the scrubber on screen.

Screenshots (desktop and phone, at the edge and rewound) land in OWNSTREAM_DVR_SCREENSHOTS.
"""

from __future__ import annotations

import asyncio
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
import pytest
from playwright.async_api import Page, Request

from tests.browser import chromium
from tests.e2e.admin.ui import axe_violations, describe
from tests.e2e.test_dvr import dvr_server, fetch_text  # noqa: F401  (the fixture)
from tests.e2e.test_replay_browser import timeline
from tests.e2e.test_replays import online, recorded_seconds
from tests.e2e.waiting import wait_until
from tests.harness import RunningServer
from tests.media import Clip, start_publisher, stop_process

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

SCREENSHOTS = Path(os.environ.get("OWNSTREAM_DVR_SCREENSHOTS", "/tmp/ownstream-dvr-screenshots"))
LIVE_WINDOW_SECONDS = 25
"""Latency level 0: what the live playlist reaches back."""
DVR_SEEK = 40
"""Further back than the live playlist reaches: the player switches to the DVR playlist."""
TOLERANCE = 3.0
"""Seconds: the scrubber's unit is a second, a seek lands inside a 1 s segment, plus the clock's read."""

BEHIND_EDGE_JS = (
    "() => { const v = document.querySelector('#video'); const r = v.seekable;"
    " return r.length ? r.end(r.length - 1) - v.currentTime : null; }"
)


async def show_controls(page: Page) -> None:
    box = await page.locator("#video").bounding_box()
    assert box is not None
    await page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 3)
    await page.mouse.move(box["x"] + box["width"] / 2 + 5, box["y"] + box["height"] / 3)


async def shot(page: Page, name: str) -> None:
    await asyncio.to_thread(SCREENSHOTS.mkdir, parents=True, exist_ok=True)
    await show_controls(page)
    await page.wait_for_timeout(300)
    await page.screenshot(path=str(SCREENSHOTS / f"dvr-{name}.png"))


async def playing_forward(page: Page) -> None:
    start = float(await page.evaluate("() => document.querySelector('#video').currentTime"))
    await page.wait_for_function(
        "(t) => { const v = document.querySelector('#video'); return !v.paused && v.currentTime > t + 0.5 }",
        arg=start,
        timeout=20_000,
    )


async def at_live_edge(page: Page) -> None:
    await page.wait_for_selector("#live-badge.at-live-edge", timeout=20_000)
    await playing_forward(page)
    behind = await page.evaluate(BEHIND_EDGE_JS)
    assert behind is not None and behind < 4, behind
    assert await page.locator(".player-timeline-time").inner_text() == ""


async def no_controls_attribute(page: Page) -> None:
    assert await page.evaluate("() => document.querySelector('#video').hasAttribute('controls')") is False


async def test_the_scrubber_rewinds_into_the_recording_and_live_brings_it_back(
    dvr_server: RunningServer,  # noqa: F811
    http: aiohttp.ClientSession,
    clip: Clip,
) -> None:
    server = dvr_server
    publisher = await start_publisher(clip, server.rtmp_url())
    try:

        async def is_online() -> bool:
            return await online(http, server.base_url)

        await wait_until(is_online, 30, "online")
        async with chromium() as browser:
            page = await browser.new_page(viewport={"width": 1280, "height": 800})
            dvr_playlists: list[str] = []

            def note(request: Request) -> None:
                if "/dvr.m3u8" in request.url:
                    dvr_playlists.append(request.url)

            page.on("request", note)
            await page.goto(server.base_url + "/")
            await at_live_edge(page)
            scrubber = page.locator("#dvr-scrubber")
            await scrubber.wait_for(timeout=20_000)
            assert await scrubber.get_attribute("aria-label") == "Rewind the live stream"
            assert await scrubber.get_attribute("aria-valuetext") == "Live"
            assert await scrubber.get_attribute("max") == "0"
            await no_controls_attribute(page)
            await shot(page, "desktop-live")

            # Within the live playlist (once it holds its whole window), by keyboard: one Left is 10 s back.
            async def live_window_full() -> bool:
                return await recorded_seconds(http, server.base_url) >= LIVE_WINDOW_SECONDS + 2

            await wait_until(live_window_full, 60, "the live playlist's window filled")
            await scrubber.focus()
            await page.keyboard.press("ArrowLeft")
            await page.wait_for_selector("#live-badge.behind-live", timeout=10_000)
            await playing_forward(page)
            behind = await page.evaluate(BEHIND_EDGE_JS)
            assert 10 - TOLERANCE <= behind <= 10 + TOLERANCE, behind
            assert await scrubber.get_attribute("aria-valuetext") in {
                f"{seconds} seconds behind live" for seconds in range(8, 14)
            }
            assert not dvr_playlists, "the live window was enough: no DVR playlist"
            await no_controls_attribute(page)

            # Past the live window: the recording's DVR playlist (a drag of the slider).
            async def enough_recorded() -> bool:
                return await recorded_seconds(http, server.base_url) >= DVR_SEEK + 6

            await wait_until(enough_recorded, 90, f"{DVR_SEEK + 6} s recorded")
            min_value = int(await scrubber.get_attribute("min") or 0)
            assert min_value <= -(DVR_SEEK + 5) and min_value < -LIVE_WINDOW_SECONDS
            await scrubber.fill(str(-DVR_SEEK))
            asked_at = datetime.now(UTC)
            await wait_until(lambda: _true(bool(dvr_playlists)), 10, "the DVR playlist requested")
            await playing_forward(page)
            await page.wait_for_selector("#live-badge.behind-live", timeout=5_000)
            # What plays: the segment of the DVR playlist at the video's position, and the offset in it.
            position = float(await page.evaluate("() => document.querySelector('#video').currentTime"))
            shown_at = datetime.now(UTC)
            spans = timeline(await fetch_text(http, dvr_playlists[0]))
            span = next(span for span in reversed(spans) if span.start <= position)
            playing = span.date + timedelta(seconds=position - span.start)
            behind_live = (shown_at - playing).total_seconds() - (shown_at - asked_at).total_seconds()
            assert DVR_SEEK - TOLERANCE <= behind_live <= DVR_SEEK + TOLERANCE, behind_live
            label = await page.locator(".player-timeline-time").inner_text()
            assert label.startswith("-0:"), label
            await no_controls_attribute(page)
            await shot(page, "desktop-rewound")
            violations = await axe_violations(page)
            assert violations == [], describe(violations)

            # LIVE: back to the live playlist, at the edge.
            await show_controls(page)
            await page.locator("#live-badge").click()
            await at_live_edge(page)
            requests_before = len(dvr_playlists)
            assert await scrubber.get_attribute("aria-valuetext") == "Live"
            await page.wait_for_timeout(2_000)
            assert len(dvr_playlists) == requests_before, "the DVR playlist is still being reloaded"
            await no_controls_attribute(page)

            # The L key does the same from the DVR playlist.
            await scrubber.fill(str(-DVR_SEEK))
            await page.wait_for_selector("#live-badge.behind-live", timeout=10_000)
            await page.locator("#video").focus()
            await page.keyboard.press("l")
            await at_live_edge(page)
            await page.close()

            # A phone: the bar spans the picture, the time beside it.
            phone = await browser.new_page(
                viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True
            )
            await phone.goto(server.base_url + "/")
            await at_live_edge(phone)
            phone_scrubber = phone.locator("#dvr-scrubber")
            await phone_scrubber.wait_for(timeout=20_000)
            width = (await phone_scrubber.bounding_box() or {"width": 0})["width"]
            assert width >= 250, width
            await shot(phone, "phone-live")
            await phone_scrubber.fill("-30")
            await phone.wait_for_selector("#live-badge.behind-live", timeout=10_000)
            await playing_forward(phone)
            await shot(phone, "phone-rewound")
            await phone.close()
    finally:
        await stop_process(publisher)


async def _true(value: bool) -> bool:
    return value
