"""Chat → Users → Everyone in headless chromium: searching, paging and deleting users through newer
Owncast's admin users API (reference newer §14.2)."""

from __future__ import annotations

import aiohttp
import pytest
from playwright.async_api import Browser

from tests.harness import RunningServer, admin_auth

from .ui import (
    DESKTOP,
    PHONE,
    SCREENSHOTS,
    TIMEOUT_MS,
    axe_violations,
    describe,
    logged_in_context,
    open_page,
)

pytestmark = [pytest.mark.e2e, pytest.mark.browser, pytest.mark.asyncio(loop_scope="module")]


async def test_everyone_tab_searches_pages_and_deletes(admin_server: RunningServer, browser: Browser) -> None:
    async with aiohttp.ClientSession(admin_server.base_url) as http:
        for number in range(30):
            async with http.post(
                "/api/chat/register", json={"displayName": f"viewer{number:02d}"}
            ) as response:
                assert response.status == 200
        async with http.post("/api/chat/register", json={"displayName": "troublemaker"}) as response:
            trouble = (await response.json())["id"]

    context = await logged_in_context(browser, admin_server.base_url)
    page, problems = await open_page(context, admin_server.base_url + "/admin/chat/users/")
    await page.get_by_role("tab", name="Everyone").click()
    await page.get_by_text("1–25 of 31").wait_for(timeout=TIMEOUT_MS)
    await page.get_by_role("button", name="Next").click()
    await page.get_by_text("26–31 of 31").wait_for(timeout=TIMEOUT_MS)

    await page.get_by_label("Search names").fill("trouble")
    await page.get_by_text("1–1 of 1").wait_for(timeout=TIMEOUT_MS)
    await page.screenshot(path=str(SCREENSHOTS / "admin-chat-users-everyone-1366.png"), full_page=True)
    assert await axe_violations(page) == [], describe(await axe_violations(page))
    await page.get_by_role("button", name="Delete troublemaker").click()
    await page.get_by_role("dialog").get_by_role("button", name="Delete").click()
    await page.get_by_text("troublemaker deleted").wait_for(timeout=TIMEOUT_MS)
    await page.get_by_text("Nobody by that name.").wait_for(timeout=TIMEOUT_MS)
    await page.set_viewport_size(PHONE)
    await page.get_by_label("Search names").fill("")
    await page.get_by_text("1–25 of 30").wait_for(timeout=TIMEOUT_MS)
    await page.screenshot(path=str(SCREENSHOTS / "admin-chat-users-everyone-390.png"), full_page=True)
    await page.set_viewport_size(DESKTOP)
    problems.check()
    await context.close()

    async with (
        aiohttp.ClientSession(admin_server.base_url) as http,
        http.get("/api/admin/users", params={"search": "trouble"}, headers=admin_auth()) as response,
    ):
        assert await response.json() == {"total": 0, "results": []}
    assert trouble
