"""Simulcast from the dashboard, used for real: a destination added with the form (platform, server URL,
hidden stream key) goes live while the stream is live, its state and bitrate show in the list and as a
badge on Home, the switch stops it, and the key never shows in the page."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from playwright.async_api import Browser

from ownstream.transcode.variants import StreamVariant
from tests.harness import RunningServer
from tests.media import Clip, start_publisher, stop_process
from tests.rtmp_peers import FfmpegListener

from .ui import TIMEOUT_MS, axe_violations, describe, logged_in_context, open_page, screenshot

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
    await dialog.get_by_role("button", name="Add").click()
    await dialog.wait_for(state="hidden", timeout=TIMEOUT_MS)
    row = page.locator("tr", has_text="My listener")
    await row.wait_for(timeout=TIMEOUT_MS)
    assert "starts when you go live" in await row.inner_text()
    assert KEY not in await page.content() and "••••6789" in await row.inner_text()

    publisher = await start_publisher(clip, admin_server.rtmp_url())
    try:
        await row.locator('[data-state="live"]').wait_for(timeout=30_000)
        assert "kbit/s" in await row.inner_text()
        await screenshot(page, "admin-simulcast-live-1366.png")
        assert not await axe_violations(page), describe(await axe_violations(page))

        await page.get_by_role("link", name="Home").click()
        badge = page.locator("[data-simulcast-badge]")
        await badge.get_by_text("Simulcast: 1 of 1 live").wait_for(timeout=TIMEOUT_MS)

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
