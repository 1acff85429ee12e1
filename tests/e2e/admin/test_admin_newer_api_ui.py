"""The dashboard's pages for newer Owncast's API (issue 15 part A), used as a streamer does: stream keys
and the admin password on Server setup, IP bans on Chat users — and the effect seen through the API."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest
import pytest_asyncio
from playwright.async_api import Browser, BrowserContext

from tests.harness import RunningServer, admin_auth, make_settings, running_server

from .ui import DESKTOP, PHONE, TIMEOUT_MS, axe_violations, describe, log_in, open_page, screenshot

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.browser,
    pytest.mark.xdist_group("admin-newer-api-ui"),
    pytest.mark.asyncio(loop_scope="module"),
]


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def server(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[RunningServer]:
    data = tmp_path_factory.mktemp("admin-newer-ui") / "data"
    async with running_server(data, make_settings(data)) as running:
        yield running


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def admin(server: RunningServer, browser: Browser) -> AsyncIterator[BrowserContext]:
    context = await browser.new_context(viewport=DESKTOP)
    page = await context.new_page()
    await log_in(page, server.base_url)
    await page.close()
    yield context
    await context.close()


async def status_with(server: RunningServer, password: str) -> int:
    async with (
        aiohttp.ClientSession() as http,
        http.get(server.base_url + "/api/admin/status", headers=admin_auth(password)) as response,
    ):
        return response.status


async def test_stream_keys_and_admin_password(server: RunningServer, admin: BrowserContext) -> None:
    page, problems = await open_page(admin, server.base_url + "/admin/config/server/")
    keys = page.get_by_role("table", name="Stream keys")
    await keys.wait_for(timeout=TIMEOUT_MS)
    assert await keys.locator("tbody tr").count() == 1
    assert "abc123" not in await keys.inner_text(), "hidden until Show"
    await page.get_by_label("New key").fill("encoder-two-key")
    await page.get_by_label("Comment").fill("Laptop")
    await page.get_by_role("button", name="Add key").click()
    await page.get_by_text("Key added").wait_for(timeout=TIMEOUT_MS)
    assert await keys.locator("tbody tr").count() == 2
    assert "Laptop" in await keys.inner_text()
    async with (
        aiohttp.ClientSession() as http,
        http.get(server.base_url + "/api/admin/serverconfig", headers=admin_auth()) as response,
    ):
        document = await response.json()
    assert [entry["key"] for entry in document["streamKeys"]] == ["abc123", "encoder-two-key"]
    assert await status_with(server, "abc123") == 200, "the key of that moment stays the password"

    await page.get_by_label("New password").fill("a new admin password")
    await page.get_by_label("Repeat it").fill("a new admin password")
    await page.get_by_role("button", name="Set password").click()
    await page.get_by_text("Password changed").wait_for(timeout=TIMEOUT_MS)
    assert await status_with(server, "a new admin password") == 200
    assert await status_with(server, "abc123") == 401
    await page.reload()
    await keys.wait_for(timeout=TIMEOUT_MS)  # still logged in: the session was re-signed
    assert await axe_violations(page) == [], describe(await axe_violations(page))
    await screenshot(page, "admin-newer-server-setup-1280.png")
    await page.set_viewport_size(PHONE)
    await page.wait_for_timeout(500)  # the sidebar slides away at phone width
    await screenshot(page, "admin-newer-server-setup-390.png")
    await page.set_viewport_size(DESKTOP)
    problems.check()
    await page.close()


async def test_ip_bans_tab(server: RunningServer, admin: BrowserContext) -> None:
    page, problems = await open_page(admin, server.base_url + "/admin/chat/users/")
    await page.get_by_role("tab", name="IP bans (0)").click()
    await page.get_by_role("textbox", name="IP address").fill("2001:DB8::9")
    await page.get_by_role("button", name="Ban address").click()
    await page.get_by_text("Address banned").wait_for(timeout=TIMEOUT_MS)
    table = page.get_by_role("table", name="Banned IP addresses")
    await table.wait_for(timeout=TIMEOUT_MS)
    assert "2001:db8::9" in await table.inner_text()
    assert "manually added" in await table.inner_text()
    await page.get_by_role("textbox", name="IP address").fill("not an address")
    await page.get_by_role("button", name="Ban address").click()
    await page.get_by_text("error saving IP address ban: not an IP address").wait_for(timeout=TIMEOUT_MS)
    assert await axe_violations(page) == [], describe(await axe_violations(page))
    await screenshot(page, "admin-newer-ip-bans-1280.png")
    await page.set_viewport_size(PHONE)
    await page.wait_for_timeout(500)  # the sidebar slides away at phone width
    await screenshot(page, "admin-newer-ip-bans-390.png")
    await page.set_viewport_size(DESKTOP)
    await page.get_by_role("button", name="Unban 2001:db8::9").click()
    await page.get_by_text("No address is banned.").wait_for(timeout=TIMEOUT_MS)
    refused = [line for line in problems.messages if line.startswith("HTTP 400 POST")]
    assert len(refused) == 1 and refused[0].endswith("/ipbans/create"), "only the address refused on purpose"
    problems.messages.remove(refused[0])
    problems.check()
    await page.close()
