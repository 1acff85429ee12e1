"""The viewer page in headless chromium against a real live stream: it plays, then shows offline."""

from __future__ import annotations

import pytest

from tests.browser import chromium
from tests.e2e.waiting import wait_until
from tests.harness import RunningServer
from tests.media import Clip, start_publisher, stop_process

pytestmark = [pytest.mark.e2e, pytest.mark.browser]


async def test_page_plays_live_stream_then_shows_offline(server: RunningServer, clip: Clip) -> None:
    async with chromium() as browser:
        page = await browser.new_page(viewport={"width": 1280, "height": 800})
        await page.goto(server.base_url + "/")
        await page.wait_for_selector("#stream-info.offline", timeout=15_000)
        assert "Stream is offline." in await page.inner_text("#stream-info")

        publisher = await start_publisher(clip, server.rtmp_url())
        try:
            await page.wait_for_selector("#stream-info.online", timeout=30_000)

            async def current_time() -> float:
                value = await page.evaluate("() => document.querySelector('video')?.currentTime ?? 0")
                return float(value)

            async def started() -> bool:
                return await current_time() > 0.1

            await wait_until(started, 30, "playback to start")
            start = await current_time()

            async def advanced() -> bool:
                return await current_time() - start >= 3.0

            await wait_until(advanced, 20, "currentTime to advance by 3 s")
            assert await page.evaluate("() => document.querySelector('video').muted") is True
            assert await page.is_visible("#unmute-button")
            # Our controls, not the browser's: no seek bar, a LIVE badge at the live edge.
            assert await page.get_attribute("video", "controls") is None
            await page.hover("#video-container")
            await page.wait_for_selector("#live-badge.at-live-edge", timeout=10_000)
        finally:
            await stop_process(publisher)

        await page.wait_for_selector("#stream-info.offline", timeout=30_000)
        assert "Stream is offline." in await page.inner_text("#stream-info")
        await page.wait_for_selector("#offline-banner", timeout=20_000)
        assert (await page.inner_text("#offline-banner h2")) == "Ownstream is offline"
        await page.close()
