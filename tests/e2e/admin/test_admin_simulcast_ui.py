"""Simulcast from the dashboard, used for real: a destination added with the form (platform, server URL,
hidden stream key) goes live while the stream is live, its state and bitrate show in the list and as a
badge on Home, a destination nobody listens at shows it is retrying and why, the page fits a phone, the
switch stops a destination, and the key never shows in the page."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest
import pytest_asyncio
from playwright.async_api import Browser

from ownstream.transcode.variants import StreamVariant
from tests.harness import RunningServer, admin_auth
from tests.media import Clip, start_publisher, stop_process
from tests.rtmp_peers import FfmpegListener, free_port

from .ui import DESKTOP, PHONE, TIMEOUT_MS, axe_violations, describe, logged_in_context, open_page, screenshot

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.browser,
    pytest.mark.xdist_group("admin-simulcast-ui"),
    pytest.mark.asyncio(loop_scope="module"),
]

KEY = "dashboard-key-0123456789"


@pytest_asyncio.fixture(loop_scope="module")
async def listener(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[FfmpegListener]:
    peer = FfmpegListener(tmp_path_factory.mktemp("listener"))
    await peer.start()
    yield peer
    await peer.stop()


async def test_add_watch_and_switch_off_a_destination(
    admin_server: RunningServer, browser: Browser, listener: FfmpegListener, clip: Clip
) -> None:
    assert admin_server.server.services is not None
    await admin_server.server.services.config.update(
        video_latency_level=0, video_variants=(StreamVariant(video_passthrough=True, audio_passthrough=True),)
    )
    base = admin_server.base_url
    admin = await logged_in_context(browser, base)
    page, problems = await open_page(admin, base + "/admin/simulcast/")
    await page.get_by_text("No destinations yet").wait_for(timeout=TIMEOUT_MS)

    await page.get_by_role("button", name="Add destination").click()
    dialog = page.get_by_role("dialog", name="Add a destination")
    assert await dialog.get_by_label("Server URL").input_value() == "rtmps://a.rtmp.youtube.com/live2"
    await dialog.get_by_label("Platform").select_option("custom")
    await dialog.get_by_label("Name").fill("My listener")
    server = listener.url.rsplit("/", 1)[0]
    await dialog.get_by_label("Server URL").fill(server)
    key_field = dialog.get_by_label("Stream key")
    assert await key_field.get_attribute("type") == "password"
    await key_field.fill(KEY)
    assert not await axe_violations(page), describe(await axe_violations(page))
    await screenshot(page, "admin-simulcast-add-1366.png")
    await dialog.get_by_role("button", name="Add").click()
    await dialog.wait_for(state="hidden", timeout=TIMEOUT_MS)
    row = page.locator("tr", has_text="My listener")
    await row.wait_for(timeout=TIMEOUT_MS)
    assert "starts when you go live" in await row.inner_text()
    assert KEY not in await page.content() and "••••6789" in await row.inner_text()

    # A second destination where nothing listens (created through the API): it keeps retrying.
    down_url = f"rtmp://127.0.0.1:{free_port()}/live/down-key-0123456789"
    async with aiohttp.ClientSession(headers=admin_auth()) as http:
        created = {"name": "Nobody home", "url": down_url}
        async with http.post(base + "/api/admin/restream/destinations/create", json=created) as response:
            assert response.status == 200, await response.text()
    down = page.locator("tr", has_text="Nobody home")
    await down.wait_for(timeout=TIMEOUT_MS)

    publisher = await start_publisher(clip, admin_server.rtmp_url())
    try:
        await row.locator('[data-state="live"]').wait_for(timeout=30_000)
        # Live comes first; the rate shows from the forwarder's first progress report (the page polls).
        await row.get_by_text("kbit/s").wait_for(timeout=TIMEOUT_MS)
        await down.locator('[data-state="retrying"]').wait_for(timeout=30_000)
        assert "Connection refused" in await down.inner_text(), await down.inner_text()
        assert "down-key-0123456789" not in await page.content()
        await screenshot(page, "admin-simulcast-live-1366.png")
        assert not await axe_violations(page), describe(await axe_violations(page))
        await page.set_viewport_size(PHONE)
        await page.wait_for_timeout(300)
        overflow = await page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{overflow} px of sideways scrolling at phone width"
        await screenshot(page, "admin-simulcast-live-390.png")
        await page.set_viewport_size(DESKTOP)

        await page.get_by_role("link", name="Home").click()
        badge = page.locator("[data-simulcast-badge]")
        await badge.get_by_text("Simulcast: 1 of 2 live · 1 in trouble").wait_for(timeout=TIMEOUT_MS)
        await screenshot(page, "admin-home-simulcast-badge-1366.png")

        await badge.get_by_role("link").click()
        await row.wait_for(timeout=TIMEOUT_MS)
        await row.get_by_role("switch", name="Send to My listener").uncheck()
        await row.locator('[data-state="idle"]').wait_for(timeout=TIMEOUT_MS)
        assert "switched off" in await row.inner_text()

        await row.get_by_role("button", name="Edit My listener").click()
        edit = page.get_by_role("dialog", name="Edit My listener")
        assert await edit.get_by_label("Stream key").input_value() == KEY
        assert await edit.get_by_label("Server URL").input_value() == server
        await edit.get_by_role("button", name="Cancel").click()
    finally:
        await stop_process(publisher)
    problems.check()
