"""The chat in headless chromium against a real Ownstream: two viewers talk, a moderator hides a message
and removes a user, and the read-only embed follows along under its own identity.

A fresh server that never streamed accepts chat, so no broadcast is needed. Screenshots land in /tmp
(ownstream-chat-*.png) for a human to look at.
"""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest
from playwright.async_api import Browser, ConsoleMessage, Page, Response, expect

from tests.browser import chromium
from tests.e2e.waiting import wait_until
from tests.harness import RunningServer, admin_auth

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

TIMEOUT_MS = 10_000


class ChatProblems:
    """Script errors, CSP violations and failed chat/page requests seen by a page."""

    RELEVANT = ("/api/chat", "/ws", "/static/", "/embed/", "/api/emoji", "/img/emoji/")

    def __init__(self, page: Page) -> None:
        self.messages: list[str] = []
        page.on("pageerror", lambda exc: self.messages.append(f"pageerror: {exc}"))
        page.on("console", self._console)
        page.on("response", self._response)

    def _console(self, message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            self.messages.append(f"console: {message.text}")

    def _response(self, response: Response) -> None:
        if response.status >= 400 and any(part in response.url for part in self.RELEVANT):
            self.messages.append(f"HTTP {response.status} {response.url}")


async def open_chat(browser: Browser, url: str, **context: Any) -> tuple[Page, ChatProblems]:
    ctx = await browser.new_context(**context)
    page = await ctx.new_page()
    problems = ChatProblems(page)
    await page.goto(url)
    await page.wait_for_selector("#chat-container.chat-phase-open", timeout=TIMEOUT_MS)
    return page, problems


async def send(page: Page, text: str) -> None:
    await page.fill("#message-input", text)
    await page.press("#message-input", "Enter")
    await page.wait_for_function("() => document.querySelector('#message-input').value === ''")


def message(text: str) -> str:
    return f".chat-message_user:has(.message-text:text-is({text!r}))"


async def user_id_of(http: aiohttp.ClientSession, base_url: str, token: str, name: str) -> str:
    async with http.get(f"{base_url}/api/chat", params={"accessToken": token}) as response:
        history = await response.json()
    return str(
        next(m["user"]["id"] for m in history if m["type"] == "CHAT" and m["user"]["displayName"] == name)
    )


async def test_two_viewers_chat_and_a_moderator_steps_in(
    server: RunningServer, http: aiohttp.ClientSession
) -> None:
    base = server.base_url
    async with chromium() as browser:
        desk, desk_problems = await open_chat(browser, base + "/", viewport={"width": 1280, "height": 800})
        phone, phone_problems = await open_chat(
            browser,
            base + "/",
            viewport={"width": 390, "height": 844},
            device_scale_factor=2,
            is_mobile=True,
            has_touch=True,
        )
        for page in (desk, phone):
            classes = (await page.get_attribute("#app-container", "class") or "").split()
            assert "chat" in classes and "no-chat" not in classes
        assert "single-col" in (await phone.get_attribute("#app-container", "class") or "")

        # Each viewer got an identity of its own, remembered under Owncast's keys.
        desk_token = await desk.evaluate("localStorage.getItem('owncast_access_token')")
        desk_name = await desk.evaluate("localStorage.getItem('owncast_username')")
        phone_name = await phone.evaluate("localStorage.getItem('owncast_username')")
        assert desk_token and desk_name and phone_name and desk_name != phone_name
        assert await desk.text_content("#username-display") == desk_name

        # --- typed in one page, shown in the other ----------------------------------------------------
        await send(desk, "hello from the desk")
        await phone.wait_for_selector(message("hello from the desk"), timeout=TIMEOUT_MS)
        assert await phone.text_content(f"{message('hello from the desk')} .message-author") == desk_name
        await send(phone, "hi back from the phone")
        await desk.wait_for_selector(message("hi back from the phone"), timeout=TIMEOUT_MS)
        assert await desk.locator(".chat-message_own").count() == 1

        # Typed markup is text; Markdown is the server's; a custom emoji goes as an <img>.
        await desk.fill("#message-input", "<b>not bold</b> **bold** ")
        await desk.click("#emoji-button")
        await desk.locator("emoji-picker input[type=search]").fill("heart")
        await desk.locator("emoji-picker [role=option][id$='heart']").first.click()  # the server's own
        await expect(desk.locator("#message-input")).to_have_value(
            "<b>not bold</b> **bold** :heart:", timeout=TIMEOUT_MS
        )
        await desk.press("#message-input", "Enter")
        sent = phone.locator(".chat-message_user .message-text").last
        await phone.wait_for_selector(".message-text img.emoji[alt=':heart:']", timeout=TIMEOUT_MS)
        assert await sent.text_content() == "<b>not bold</b> bold "
        assert await sent.locator("strong").text_content() == "bold"
        assert await sent.locator("b").count() == 0
        assert await sent.locator("img.emoji").get_attribute("src") == "/img/emoji/heart.svg"

        # --- the read-only embed: messages, no input, its own identity ---------------------------------
        embed, embed_problems = await open_chat(
            browser, base + "/embed/chat/readonly", viewport={"width": 400, "height": 600}
        )
        await embed.wait_for_selector(message("hello from the desk"), timeout=TIMEOUT_MS)
        assert "readonly-chat" in (await embed.get_attribute("#app-container", "class") or "")
        assert await embed.locator("#message-input-container, #message-input, #username-display").count() == 0
        assert await embed.evaluate("localStorage.getItem('owncast_access_token')") is None
        assert await embed.evaluate("localStorage.getItem('owncast_embed_chat_access_token')")
        async with http.get(base + "/api/admin/chat/clients", headers=admin_auth()) as response:
            clients = await response.json()
        assert any(c["user"]["displayName"].startswith("chat-embed-") for c in clients)
        await send(desk, "live into the embed")
        await embed.wait_for_selector(message("live into the embed"), timeout=TIMEOUT_MS)
        await embed.screenshot(path="/tmp/ownstream-chat-embed-readonly.png")

        # --- the phone viewer renames themselves ------------------------------------------------------
        await phone.click("#username-display")
        await phone.fill("#username-change-input", "Phone Bee")
        await phone.press("#username-change-input", "Enter")
        await phone.wait_for_function(
            "() => document.querySelector('#username-display')?.textContent === 'Phone Bee'",
            timeout=TIMEOUT_MS,
        )
        assert await phone.evaluate("localStorage.getItem('owncast_username')") == "Phone Bee"
        rename = desk.locator(".chat-event_rename").last
        await rename.wait_for(timeout=TIMEOUT_MS)
        assert await rename.text_content() == f"{phone_name} is now known as Phone Bee."

        # --- the desk viewer becomes a moderator (no reload needed) ------------------------------------
        desk_id = await user_id_of(http, base, desk_token, desk_name)
        async with http.post(
            base + "/api/admin/chat/users/setmoderator",
            json={"userId": desk_id, "isModerator": True},
            headers=admin_auth(),
        ) as response:
            assert response.status == 200
        await desk.wait_for_selector(".moderator-menu-button", state="attached", timeout=TIMEOUT_MS)
        notice = await desk.locator(".chat-notice").last.text_content() or ""
        assert notice.startswith("You are a moderator here"), notice
        assert await phone.locator(".moderator-menu-button").count() == 0

        # Hide a message: gone for everybody, the embed included.
        await send(phone, "please hide me")
        target = desk.locator(message("please hide me"))
        await target.wait_for(timeout=TIMEOUT_MS)
        await embed.wait_for_selector(message("please hide me"), timeout=TIMEOUT_MS)
        await target.hover()
        await target.locator(".moderator-menu-button").click()
        desk.once("dialog", lambda dialog: dialog.accept())
        await desk.click("[role=menuitem]:text-is('Hide message')")
        for page in (phone, embed, desk):
            await page.wait_for_selector(message("please hide me"), state="detached", timeout=TIMEOUT_MS)
        assert await phone.locator(message("hi back from the phone")).count() == 1
        await desk.screenshot(path="/tmp/ownstream-chat-desktop.png")
        await phone.screenshot(path="/tmp/ownstream-chat-phone.png")

        # Remove the phone viewer: their messages go and their chat shuts off with a notice.
        own = desk.locator(message("live into the embed"))
        await own.hover()
        await own.locator(".moderator-menu-button").click()
        assert await desk.locator("[role=menuitem]:text-is('Remove user')").count() == 0, (
            "not for own messages"
        )
        await desk.keyboard.press("Escape")
        theirs = desk.locator(message("hi back from the phone"))
        await theirs.hover()
        await theirs.locator(".moderator-menu-button").click()
        desk.once("dialog", lambda dialog: dialog.accept())
        await desk.click("[role=menuitem]:text-is('Remove user')")
        await phone.wait_for_selector(".chat-removed-notice", timeout=TIMEOUT_MS)
        assert await phone.locator("#message-input").count() == 0
        await desk.wait_for_selector(message("hi back from the phone"), state="detached", timeout=TIMEOUT_MS)
        await phone.screenshot(path="/tmp/ownstream-chat-phone-removed.png")

        # Still removed after a reload (the server refuses the socket).
        await phone.reload()
        await phone.wait_for_selector(".chat-removed-notice", timeout=TIMEOUT_MS)

        async def desk_still_chats() -> bool:
            return await desk.locator("#chat-container.chat-phase-open").count() == 1

        await wait_until(desk_still_chats, 5, "the moderator's chat to stay open")
        for problems in (desk_problems, phone_problems, embed_problems):
            assert problems.messages == []


async def test_readwrite_embed_shares_the_viewer_identity(server: RunningServer) -> None:
    base = server.base_url
    async with chromium() as browser:
        context = await browser.new_context(viewport={"width": 420, "height": 640})
        page = await context.new_page()
        problems = ChatProblems(page)
        await page.goto(base + "/")
        await page.wait_for_selector("#chat-container.chat-phase-open", timeout=TIMEOUT_MS)
        token = await page.evaluate("localStorage.getItem('owncast_access_token')")
        name = await page.evaluate("localStorage.getItem('owncast_username')")

        popout = await context.new_page()
        await popout.goto(base + "/embed/chat/readwrite")
        await popout.wait_for_selector("#chat-container.chat-phase-open", timeout=TIMEOUT_MS)
        assert await popout.evaluate("localStorage.getItem('owncast_access_token')") == token
        assert await popout.text_content("#username-display") == name
        assert "readwrite-chat" in (await popout.get_attribute("#app-container", "class") or "")
        await send(popout, "from the pop-out")
        await page.wait_for_selector(message("from the pop-out"), timeout=TIMEOUT_MS)
        assert await page.locator(".chat-message_own").count() == 1, "the same user on both pages"
        await popout.screenshot(path="/tmp/ownstream-chat-embed-readwrite.png")
        assert problems.messages == []
