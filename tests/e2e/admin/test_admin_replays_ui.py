"""The Replays page used for real: the settings saved through their setters (a bad retention refused in
the page), a live stream recorded and shown as live and not deletable, then complete once it ends, a
finished replay deleted after a confirmation (its files gone), and the recordings' disk use on Home
turning to a warning at 90 % of the limit. Desktop and phone screenshots of both pages."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, ViewportSize

from ownstream.replays.thumbnail import make_replay_thumbnail
from ownstream.transcode.variants import StreamVariant
from tests.api.test_replays import add_replay, library_of
from tests.e2e.waiting import wait_until
from tests.harness import RunningServer
from tests.media import FFMPEG, Clip, start_publisher, stop_process

from .ui import TIMEOUT_MS, axe_violations, describe, logged_in_context, open_page

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.browser,
    pytest.mark.xdist_group("admin-replays-ui"),
    pytest.mark.asyncio(loop_scope="module"),
]

DESKTOP: ViewportSize = {"width": 1280, "height": 800}
PHONE: ViewportSize = {"width": 390, "height": 844}
SHOTS = Path(os.environ.get("OWNSTREAM_ADMIN_SCREENSHOTS", "/tmp/ownstream-admin-screenshots"))
START = datetime(2026, 11, 28, 19, 0, tzinfo=UTC)


async def shots(page: Page, name: str) -> None:
    """Desktop and phone screenshots; at phone width nothing may scroll sideways."""
    for size in (DESKTOP, PHONE):
        await page.set_viewport_size(size)
        await page.wait_for_timeout(300)
        overflow = await page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{overflow} px of sideways scrolling at {size['width']} px"
        await page.screenshot(path=str(SHOTS / f"{name}-{size['width']}.png"), full_page=True)
    await page.set_viewport_size(DESKTOP)


async def test_settings_list_live_delete_and_disk_use(
    admin_server: RunningServer, browser: Browser, clip: Clip, tmp_path: Path
) -> None:
    services = admin_server.server.services
    assert services is not None
    library = library_of(admin_server)
    await add_replay(admin_server, tmp_path, "morning", START, finished=True)
    await add_replay(admin_server, tmp_path, "evening", START + timedelta(hours=10), finished=True)
    evening = library.files.folder("evening")
    await make_replay_thumbnail(FFMPEG, evening, "init-evening.mp4", "stream-evening-1.m4s")
    assert (evening / "thumbnail.jpg").is_file()
    await services.config.update(
        video_latency_level=0, video_variants=(StreamVariant(video_passthrough=True, audio_passthrough=True),)
    )

    base = admin_server.base_url
    admin = await logged_in_context(browser, base, viewport=DESKTOP)
    page, problems = await open_page(admin, base + "/admin/replays/")
    await page.get_by_role("link", name="Replays", exact=True).first.wait_for(timeout=TIMEOUT_MS)
    morning = page.locator("tr", has_text="Stream morning")
    await morning.wait_for(timeout=TIMEOUT_MS)
    assert await page.locator("tbody tr").count() == 2
    assert await page.locator("img.replay-thumbnail").count() == 1
    title_link = morning.get_by_role("link", name="Stream morning", exact=True)
    assert await title_link.get_attribute("href") == "/replay/morning"
    download = morning.get_by_role("link", name="Download Stream morning as MP4")
    assert await download.get_attribute("href") == "/replay/morning/download.mp4"

    # The settings, through the setters.
    window = page.get_by_role("textbox", name="Reconnect window (seconds)")
    await window.fill("700")
    await page.get_by_role("button", name="Save reconnect window (seconds)").click()
    await page.get_by_text("Enter whole seconds from 0 to 600.").wait_for(timeout=TIMEOUT_MS)
    await window.fill("0")
    await page.get_by_role("button", name="Save reconnect window (seconds)").click()
    await wait_until(
        lambda: _is(services.config.current.replays_reconnect_window == 0), 10, "the reconnect window saved"
    )
    await page.get_by_label("Keep at most (GiB)").fill("lots")
    await page.get_by_role("button", name="Save retention").click()
    await page.get_by_text("The size must be a number of GiB").wait_for(timeout=TIMEOUT_MS)
    assert services.config.current.replays_retention_bytes == 0
    await page.get_by_label("Keep replays for (days)").fill("30")
    await page.get_by_label("Keep at most (GiB)").fill("1.5")
    await page.get_by_role("button", name="Save retention").click()
    await page.get_by_text("Retention saved").wait_for(timeout=TIMEOUT_MS)
    assert services.config.current.replays_retention_days == 30
    assert services.config.current.replays_retention_bytes == int(1.5 * 1024**3)
    switch = page.get_by_role("switch", name="Record every stream as a replay")
    await switch.uncheck()
    await wait_until(lambda: _is(not services.config.current.replays_enabled), 10, "recording off")
    await switch.check()
    await wait_until(lambda: _is(services.config.current.replays_enabled), 10, "recording on")

    # A live stream is recorded: marked live, not deletable.
    publisher = await start_publisher(clip, admin_server.rtmp_url())
    try:
        await wait_until(lambda: _is(library.recording() is not None), 30, "a replay being recorded")
        live_id = library.recording()
        await wait_until(lambda: _has_segments(admin_server, str(live_id)), 30, "a recorded segment")
        await page.reload()
        live = page.locator("tr.row-recording")
        await live.locator('[data-state="Live"]').wait_for(timeout=30_000)
        assert "Being recorded" in await live.inner_text()
        assert await live.get_by_role("button", name="Delete").count() == 0
        assert not await axe_violations(page), describe(await axe_violations(page))
        await shots(page, "admin-replays-live")
    finally:
        await stop_process(publisher)
    # The window is 0: the replay is finalised as the stream ends.
    await wait_until(lambda: _is(library.recording() is None), 30, "the replay finalised")
    await page.reload()
    finished = page.locator("tr", has=page.locator(f'a[href="/replay/{live_id}"]'))
    await finished.locator('[data-state="Complete"]').wait_for(timeout=TIMEOUT_MS)
    assert await finished.get_by_role("button", name="Delete").count() == 1

    # Delete asks first; cancelling keeps it, confirming removes the replay and its files.
    await morning.get_by_role("button", name="Delete Stream morning").click()
    dialog = page.get_by_role("dialog", name="Delete “Stream morning”?")
    await dialog.get_by_role("button", name="Cancel").click()
    await dialog.wait_for(state="hidden", timeout=TIMEOUT_MS)
    assert (admin_server.data_dir / "recordings" / "morning").is_dir()
    await morning.get_by_role("button", name="Delete Stream morning").click()
    await dialog.get_by_role("button", name="Delete").click()
    await morning.wait_for(state="detached", timeout=TIMEOUT_MS)
    await page.get_by_text("Replay deleted").wait_for(timeout=TIMEOUT_MS)
    assert not (admin_server.data_dir / "recordings" / "morning").exists()
    assert await library.repository.get("morning") is None
    await shots(page, "admin-replays")

    # Home: the disk use, a warning once the recordings reach 90 % of their limit.
    await page.get_by_role("link", name="Home").click()
    card = page.locator("[data-recording-usage]")
    await card.wait_for(timeout=TIMEOUT_MS)
    assert await card.get_attribute("data-warning") == "false"
    # The budget is a start-up flag; the running library's is lowered here to reach the warning.
    used = await library.used_bytes()
    library.disk_budget = int(used / 0.95)
    await page.reload()
    await card.wait_for(timeout=TIMEOUT_MS)
    assert await card.get_attribute("data-warning") == "true"
    assert "95 %" in await card.inner_text()
    assert "the oldest finished replays will be removed" in await card.inner_text()
    assert not await axe_violations(page), describe(await axe_violations(page))
    await shots(page, "admin-home-recordings-warning")
    problems.check()


async def _is(value: bool) -> bool:
    return value


async def _has_segments(server: RunningServer, replay_id: str) -> bool:
    replay = await library_of(server).repository.get(replay_id)
    return replay is not None and replay.segments > 0
