"""The dashboard's Clips page, used for real: the clip settings save (and reach serverconfig), the list
shows each clip with a link to its page, the admin cuts a clip from a replay with the form and deletes
one through the confirmation, and the page fits a phone."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
import pytest
from playwright.async_api import Browser

from tests.harness import RunningServer, admin_auth
from tests.replays.fixtures import encode_session, rows_for

from .ui import DESKTOP, PHONE, TIMEOUT_MS, axe_violations, describe, logged_in_context, open_page, screenshot

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.browser,
    pytest.mark.xdist_group("admin-clips-ui"),
    pytest.mark.asyncio(loop_scope="module"),
]

START = datetime(2026, 12, 2, 6, 0, tzinfo=UTC)


async def test_settings_list_cut_and_delete(
    admin_server: RunningServer, browser: Browser, tmp_path: Path
) -> None:
    services = admin_server.server.services
    assert services is not None
    session = encode_session(tmp_path / "packager", "ui", seconds=6)
    await services.replays.create("uireplay", "Speedrun night", 0, START)
    for segment in rows_for(session, START):
        await services.replays.add_segment(
            "uireplay", session.segments[segment.position], session.init, segment
        )
    await services.replays.finish("uireplay", START + timedelta(seconds=6))
    base = admin_server.base_url
    async with aiohttp.ClientSession(headers=admin_auth()) as http:
        created = {"title": "The first jump", "replayId": "uireplay", "start": 0, "end": 2}
        async with http.post(base + "/api/admin/clips", json=created) as response:
            assert response.status == 201, await response.text()

    admin = await logged_in_context(browser, base)
    page, problems = await open_page(admin, base + "/admin/clips/")
    row = page.locator("tr", has_text="The first jump")
    await row.wait_for(timeout=TIMEOUT_MS)
    assert "0:00:02" in await row.inner_text() and "admin" in await row.inner_text()
    assert (await row.get_by_role("link").get_attribute("href") or "").startswith("/clip/")

    # Settings: the permission select and the longest clip save at once / on Save.
    await page.get_by_label("Who can cut clips").select_option("everyone")
    await page.get_by_text("Any chat user can cut clips").wait_for(timeout=TIMEOUT_MS)
    longest = page.get_by_role("textbox", name="Longest clip (seconds)")
    await longest.fill("90")
    await longest.press("Enter")
    async with aiohttp.ClientSession(headers=admin_auth()) as http:

        async def clip_settings() -> object:
            async with http.get(base + "/api/admin/serverconfig") as response:
                return (await response.json())["clips"]

        for _ in range(50):
            if await clip_settings() == {"enabled": True, "maxDuration": 90, "permission": "everyone"}:
                break
            await page.wait_for_timeout(100)
        assert await clip_settings() == {"enabled": True, "maxDuration": 90, "permission": "everyone"}

    # The admin cuts one from the replay with the form.
    await page.get_by_role("button", name="Cut a clip").click()
    dialog = page.get_by_role("dialog", name="Cut a clip")
    await dialog.get_by_label("From", exact=True).select_option("uireplay")
    await dialog.get_by_label("Title", exact=True).fill("The landing")
    await dialog.get_by_label(re.compile(r"^Start")).fill("3")
    await dialog.get_by_label(re.compile(r"^End")).fill("5")
    assert not await axe_violations(page), describe(await axe_violations(page))
    await dialog.get_by_role("button", name="Cut clip").click()
    await dialog.wait_for(state="hidden", timeout=TIMEOUT_MS)
    await page.locator("tr", has_text="The landing").wait_for(timeout=TIMEOUT_MS)

    assert not await axe_violations(page), describe(await axe_violations(page))
    await page.set_viewport_size(DESKTOP)
    await screenshot(page, "admin-clips-1366.png")
    await page.set_viewport_size(PHONE)
    await page.wait_for_timeout(600)  # the menu slides away
    await screenshot(page, "admin-clips-390.png")
    overflow = await page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"the page is {overflow} px wider than a phone"
    await page.set_viewport_size(DESKTOP)

    # Delete through the confirmation: gone from the list and from disk.
    await row.get_by_role("button", name="Delete clip The first jump").click()
    await page.get_by_role("dialog").get_by_role("button", name="Delete").click()
    await row.wait_for(state="detached", timeout=TIMEOUT_MS)
    listed = [clip.title for clip in await services.clips.all()]
    assert listed == ["The landing"]
    problems.check()
    await admin.close()
