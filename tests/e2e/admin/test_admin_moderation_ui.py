"""Moderation from the dashboard with viewers really connected: a message hidden from Messages vanishes
from an open viewer page (and comes back when shown); a user banned from their details is cut off and
listed as banned, then unbanned; moderators; and followers (seeded in the database) approved, rejected,
and posted to."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator

import aiohttp
import pytest
import pytest_asyncio
from playwright.async_api import Browser, BrowserContext

from tests.harness import RunningServer, admin_auth

from .seed import chat_as, seed_followers
from .ui import PHONE, TIMEOUT_MS, axe_violations, describe, logged_in_context, open_page, screenshot

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.browser,
    pytest.mark.xdist_group("admin-moderation-ui"),
    pytest.mark.asyncio(loop_scope="module"),
]


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def admin(admin_server: RunningServer, browser: Browser) -> AsyncIterator[BrowserContext]:
    context = await logged_in_context(browser, admin_server.base_url)
    yield context
    await context.close()


@pytest_asyncio.fixture(loop_scope="module")
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


def chat_line(text: str) -> str:
    return f".chat-message_user:has(.message-text:text-is({text!r}))"


async def test_hiding_a_message_removes_it_from_an_open_viewer_page(
    admin_server: RunningServer, admin: BrowserContext, browser: Browser
) -> None:
    viewer_context = await browser.new_context(viewport=PHONE)
    viewer = await viewer_context.new_page()
    await viewer.goto(admin_server.base_url + "/")
    await viewer.wait_for_selector("#chat-container.chat-phase-open", timeout=TIMEOUT_MS)
    for text in ("this one stays", "this one goes"):
        await viewer.fill("#message-input", text)
        await viewer.press("#message-input", "Enter")
        await viewer.locator(chat_line(text)).wait_for(timeout=TIMEOUT_MS)
        await viewer.wait_for_timeout(800)  # under the flood limit
    name = await viewer.evaluate("() => localStorage.getItem('owncast_username')")

    page, problems = await open_page(admin, admin_server.base_url + "/admin/chat/messages")
    row = page.locator("tr", has_text="this one goes")
    await row.wait_for(timeout=TIMEOUT_MS)
    await row.get_by_role("button", name=f"Hide message from {name}").click()
    await page.get_by_text("Message hidden").wait_for(timeout=TIMEOUT_MS)
    await viewer.locator(chat_line("this one goes")).wait_for(state="detached", timeout=TIMEOUT_MS)
    assert await viewer.locator(chat_line("this one stays")).count() == 1
    assert "row-hidden" in (await row.get_attribute("class") or "")

    # The filter, then bulk Show for everything selected.
    await page.get_by_label("Show", exact=True).select_option("hidden")
    assert await page.locator("tbody tr").count() == 1
    await page.get_by_label("Select all shown messages").check()
    await page.get_by_role("button", name="Show selected").click()
    await page.get_by_text("Message shown").wait_for(timeout=TIMEOUT_MS)
    await viewer.locator(chat_line("this one goes")).wait_for(timeout=TIMEOUT_MS)
    await page.get_by_label("Search").fill("stays")
    await page.get_by_label("Show", exact=True).select_option("all")
    assert await page.locator("tbody tr").count() == 1
    problems.check()
    await page.close()
    await viewer_context.close()


async def test_ban_unban_and_moderator_from_user_details(
    admin_server: RunningServer, admin: BrowserContext, http: aiohttp.ClientSession
) -> None:
    troll = await chat_as(http, admin_server.base_url, "Troll42", ["buy cheap followers"], keep_alive=False)
    user, socket = troll.user, troll.socket
    page, problems = await open_page(admin, admin_server.base_url + "/admin/chat/users/")
    await page.get_by_role("tab", name="Connected (1)").wait_for(timeout=TIMEOUT_MS)
    await page.get_by_role("button", name="Troll42 (details)").click()
    details = page.get_by_role("dialog", name="User: Troll42")
    await details.wait_for(timeout=TIMEOUT_MS)
    assert "Connected" in await details.inner_text()
    assert not await axe_violations(page), describe(await axe_violations(page))
    await screenshot(page, "admin-chat-user-details-1366.png")

    await details.get_by_role("button", name="Make moderator").click()
    await details.get_by_text("Now a moderator").wait_for(timeout=TIMEOUT_MS)
    await details.get_by_role("button", name="Remove moderator").wait_for(timeout=TIMEOUT_MS)

    await details.get_by_role("button", name="Ban this user").click()
    confirm = page.get_by_role("dialog", name="Ban Troll42?")
    await confirm.get_by_role("button", name="Ban").click()
    await details.locator(".save-ok", has_text="Banned").wait_for(timeout=TIMEOUT_MS)

    # The server tells the banned user and closes their socket.
    async with asyncio.timeout(10):
        while not socket.closed:
            message = await socket.receive()
            if message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED):
                break
    async with http.get(admin_server.base_url + "/api/admin/chat/users/disabled", headers=admin_auth()) as r:
        assert [u["id"] for u in await r.json()] == [user["id"]]
    await details.get_by_role("button", name="Close").click()
    await page.reload()
    await page.get_by_role("tab", name="Banned (1)").click()
    await page.get_by_role("tabpanel").get_by_role("button", name=re.compile(r"^Troll42")).click()
    details = page.get_by_role("dialog", name="User: Troll42")
    await details.get_by_role("button", name="Unban this user").click()
    await details.get_by_text("Unbanned").wait_for(timeout=TIMEOUT_MS)
    async with http.get(admin_server.base_url + "/api/admin/chat/users/disabled", headers=admin_auth()) as r:
        assert await r.json() == []
    async with http.get(
        admin_server.base_url + "/api/admin/chat/users/moderators", headers=admin_auth()
    ) as r:
        assert [u["id"] for u in await r.json()] == [user["id"]]
    problems.check()
    await page.close()


async def test_followers_are_approved_rejected_and_posted_to(
    admin_server: RunningServer, admin: BrowserContext
) -> None:
    services = admin_server.server.services
    assert services is not None
    await services.config.update(
        server_url="https://live.example.com", federation_enabled=True, federation_private=True
    )
    await seed_followers(admin_server)
    page, problems = await open_page(admin, admin_server.base_url + "/admin/federation/followers/")
    await page.get_by_role("tab", name="Requests (3)").wait_for(timeout=TIMEOUT_MS)
    await page.get_by_role("button", name="Approve alice@social.example").click()
    await page.get_by_text("alice@social.example approved").wait_for(timeout=TIMEOUT_MS)
    await page.get_by_role("button", name="Reject bob@mastodon.example").click()
    await page.get_by_text("bob@mastodon.example rejected").wait_for(timeout=TIMEOUT_MS)
    await page.get_by_role("tab", name="Followers (2)").click()
    await page.get_by_role("link", name="alice@social.example (opens in a new tab)").wait_for(
        timeout=TIMEOUT_MS
    )
    await page.get_by_role("tab", name="Blocked (2)").click()
    await page.get_by_role("link", name="bob@mastodon.example (opens in a new tab)").wait_for(
        timeout=TIMEOUT_MS
    )
    assert {f.iri for f in await services.federation.followers.approved()} == {
        "https://fedi.example/users/carol",
        "https://social.example/users/alice",
    }

    await page.get_by_role("button", name="Compose post").click()
    dialog = page.get_by_role("dialog", name="Post to followers")
    await dialog.get_by_label("Post").fill("Going live at 8 with **new synths**")
    await dialog.get_by_role("button", name="Post", exact=True).click()
    await dialog.get_by_text("Posted to your followers").wait_for(timeout=TIMEOUT_MS)
    posts = await services.federation.outbox.newest(5)
    assert any("new synths" in str(post.value) for post in posts)
    problems.check()
    await page.close()
