"""Clips end to end: ffmpeg publishes over RTMP, a moderator cuts the last seconds while the stream is
still live (no replay named: the one being recorded), the clip is a VOD of the segments recorded so
far, its MP4 is as long as asked within one segment, and its page plays it to the end in chromium."""

from __future__ import annotations

from pathlib import Path

import aiohttp
import pytest

from tests.api.test_clips import clip_as_user
from tests.api.test_moderation import make_moderator
from tests.browser import chromium
from tests.e2e.admin.ui import screenshot
from tests.e2e.test_replays import extinf_total, online, recorded_seconds, replays
from tests.e2e.waiting import wait_until
from tests.harness import RunningServer
from tests.media import Clip, start_publisher, stop_process
from tests.replays.test_download import mp4_duration

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

SEGMENT = 1.0
"""Segment length at latency level 0 (the e2e server's)."""
ASKED = 4.0


async def test_a_clip_of_the_live_stream_is_cut_while_live_and_plays_in_chromium(
    server: RunningServer, http: aiohttp.ClientSession, clip: Clip, tmp_path: Path
) -> None:
    assert server.server.services is not None
    await server.server.services.config.update(stream_title="Boss fight")
    moderator = await make_moderator(http, server)
    publisher = await start_publisher(clip, server.rtmp_url())
    try:

        async def enough_recorded() -> bool:
            return await recorded_seconds(http, server.base_url) >= ASKED + 2

        await wait_until(enough_recorded, 40, "6 s recorded")
        status, made = await clip_as_user(http, server, moderator.token, {"start": -ASKED})
        assert status == 201, made
        # Still live: the replay it came from is still being recorded.
        assert await online(http, server.base_url)
        (replay,) = await replays(http, server.base_url)
        assert replay["endTime"] is None and made["replayId"] == replay["id"]
        assert made["title"] == "Boss fight" and made["clippedBy"] == "mod"

        async with http.get(f"{server.base_url}/clip/{made['id']}/stream.m3u8") as response:
            assert response.status == 200
            text = await response.text()
        assert text.rstrip().endswith("#EXT-X-ENDLIST") and "#EXT-X-PLAYLIST-TYPE:VOD" in text
        assert abs(extinf_total(text) - made["duration"]) < 0.01
        target = tmp_path / "clip.mp4"
        async with http.get(f"{server.base_url}/clip/{made['id']}/download.mp4") as response:
            assert response.status == 200
            target.write_bytes(await response.read())
        assert abs(mp4_duration(target) - ASKED) <= SEGMENT, (mp4_duration(target), made)

        async with chromium() as browser:
            page = await browser.new_page(viewport={"width": 1280, "height": 800})
            await page.goto(f"{server.base_url}/clip/{made['id']}")
            await page.locator("h1", has_text="Boss fight").wait_for(timeout=10_000)
            await page.wait_for_function(
                "() => { const v = document.querySelector('#clip-video'); return v && v.readyState >= 1 }",
                timeout=20_000,
            )
            duration = float(await page.evaluate("() => document.querySelector('#clip-video').duration"))
            assert abs(duration - extinf_total(text)) <= SEGMENT
            assert await page.get_attribute("a.replay-home", "href") == "/"
            assert await page.get_attribute("a[download]", "href") == f"/clip/{made['id']}/download.mp4"
            await page.get_by_role("link", name="Whole stream").wait_for(timeout=10_000)
            await screenshot(page, "clip-page-1280.png")
            await page.set_viewport_size({"width": 390, "height": 844})
            await screenshot(page, "clip-page-390.png")
            await page.evaluate(
                "() => { const v = document.querySelector('#clip-video'); v.muted = true; v.play() }"
            )
            await page.wait_for_function("() => document.querySelector('#clip-video').ended", timeout=20_000)
            await page.goto(server.base_url + "/clip/unknown")
            await page.wait_for_selector(".clip-error", timeout=10_000)
            await page.close()
    finally:
        await stop_process(publisher)
