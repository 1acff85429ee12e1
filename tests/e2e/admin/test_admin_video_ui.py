"""Video settings from the dashboard, then a real stream: a second variant added in the editor gives two
renditions in the master playlist, Home shows the live details, and the title set in the header
reaches the viewer page's header."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest
import pytest_asyncio
from playwright.async_api import Browser

from ownstream.hls.playlist import parse_master_playlist
from tests.e2e.waiting import wait_until
from tests.harness import RunningServer, admin_auth
from tests.media import Clip, start_publisher, stop_process

from .ui import DESKTOP, PHONE, TIMEOUT_MS, axe_violations, describe, logged_in_context, open_page, screenshot

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.browser,
    pytest.mark.xdist_group("admin-video-ui"),
    pytest.mark.asyncio(loop_scope="module"),
]


@pytest_asyncio.fixture(loop_scope="module")
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


async def master_variants(http: aiohttp.ClientSession, server: RunningServer) -> int:
    async with http.get(server.base_url + "/hls/stream.m3u8") as response:
        if response.status != 200:
            return 0
        return len(parse_master_playlist(await response.text()).variants)


async def test_a_second_variant_gives_two_renditions_and_home_shows_the_stream(
    admin_server: RunningServer, browser: Browser, http: aiohttp.ClientSession, clip: Clip
) -> None:
    assert admin_server.server.services is not None
    await admin_server.server.services.config.update(video_latency_level=0)
    admin = await logged_in_context(browser, admin_server.base_url)
    page, problems = await open_page(admin, admin_server.base_url + "/admin/config-video")

    await page.get_by_role("button", name="Add a variant").click()
    editor = page.get_by_role("dialog", name="Edit video variant")
    await editor.get_by_label("Name").fill("Low")
    bitrate = editor.get_by_label("Video bitrate")
    await bitrate.focus()
    await page.keyboard.press("Home")  # the slider's lowest value, 400 kbit/s
    assert await bitrate.input_value() == "400"
    await editor.get_by_label("Frame rate").focus()
    await page.keyboard.press("ArrowRight")  # 24 → 25 fps
    assert not await axe_violations(page), describe(await axe_violations(page))
    await screenshot(page, "admin-video-variant-editor-1366.png")
    await editor.get_by_role("button", name="Save variant").click()
    await editor.wait_for(state="hidden", timeout=TIMEOUT_MS)
    await page.get_by_text("Variant added").wait_for(timeout=TIMEOUT_MS)
    rows = page.locator("table.data-table tbody tr")
    assert await rows.count() == 2

    async with http.get(admin_server.base_url + "/api/admin/serverconfig", headers=admin_auth()) as response:
        variants = (await response.json())["videoSettings"]["videoQualityVariants"]
    assert [(v["name"], v["videoBitrate"], v["framerate"]) for v in variants][1] == ("Low", 400, 25)

    viewer_context = await browser.new_context(viewport=PHONE)
    viewer = await viewer_context.new_page()
    await viewer.goto(admin_server.base_url + "/")
    publisher = await start_publisher(clip, admin_server.rtmp_url())
    try:

        async def two_renditions() -> bool:
            return await master_variants(http, admin_server) == 2

        await wait_until(two_renditions, 60, "a master playlist with two renditions")

        await page.goto(admin_server.base_url + "/admin/")
        await page.get_by_text("You are live.").wait_for(timeout=30_000)
        await page.locator(".online-indicator.is-online").wait_for(timeout=TIMEOUT_MS)
        outbound = page.get_by_role("region", name="Outbound stream")
        await outbound.get_by_text("Low", exact=True).wait_for(timeout=TIMEOUT_MS)
        assert "2 renditions" in await outbound.inner_text()
        inbound = await page.get_by_role("region", name="Inbound stream").inner_text()
        assert "320×180" in inbound and "H.264" in inbound

        title = page.get_by_label("Stream title", exact=True)
        await title.fill("Live from the workshop")
        await title.press("Enter")
        await page.get_by_text("Title saved").wait_for(timeout=TIMEOUT_MS)
        header = viewer.locator("#global-header-text")
        await viewer.wait_for_function(
            "() => document.querySelector('#global-header-text')?.textContent === 'Live from the workshop'",
            timeout=20_000,
        )
        assert await header.text_content() == "Live from the workshop"  # shown upper-case by CSS
        assert not await axe_violations(page), describe(await axe_violations(page))
        await screenshot(page, "admin-home-live-1366.png")
        await page.set_viewport_size(PHONE)
        await screenshot(page, "admin-home-live-390.png")
        await page.set_viewport_size(DESKTOP)
    finally:
        await stop_process(publisher)
    problems.check()
    await viewer_context.close()
    await admin.close()
