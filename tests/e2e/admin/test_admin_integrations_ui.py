"""Integrations from the dashboard, used for real: a webhook created with its event checkboxes receives
a viewer's chat message and a title change at a receiver on loopback; an access token created with its
scopes, copied with its button, sends a chat message; deleting both stops them."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
import pytest_asyncio
from aiohttp import web
from playwright.async_api import Browser

from tests.e2e.waiting import wait_until
from tests.harness import RunningServer, admin_auth

from .seed import chat_as
from .ui import TIMEOUT_MS, axe_violations, describe, logged_in_context, open_page, screenshot

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.browser,
    pytest.mark.xdist_group("admin-integrations-ui"),
    pytest.mark.asyncio(loop_scope="module"),
]


class Receiver:
    """A webhook receiver on loopback that keeps what it is sent."""

    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []
        self.url = ""
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/hook", self._receive)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}/hook"

    async def _receive(self, request: web.Request) -> web.Response:
        self.events.append(json.loads(await request.read()))
        return web.Response(text="ok")

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()


@pytest_asyncio.fixture(loop_scope="module")
async def receiver() -> AsyncIterator[Receiver]:
    hook = Receiver()
    await hook.start()
    yield hook
    await hook.stop()


async def test_webhook_and_access_token(
    admin_server: RunningServer, browser: Browser, receiver: Receiver
) -> None:
    base = admin_server.base_url
    admin = await logged_in_context(browser, base)
    await admin.grant_permissions(["clipboard-read", "clipboard-write"], origin=base)

    # A webhook for chat messages and title changes.
    page, problems = await open_page(admin, base + "/admin/webhooks/")
    await page.get_by_role("button", name="Create webhook").click()
    dialog = page.get_by_role("dialog", name="Create a webhook")
    await dialog.get_by_label("Webhook URL").fill(receiver.url)
    await dialog.get_by_label("Chat messages").check()
    await dialog.get_by_label("Stream title changed").check()
    assert not await axe_violations(page), describe(await axe_violations(page))
    await dialog.get_by_role("button", name="Create").click()
    await dialog.wait_for(state="hidden", timeout=TIMEOUT_MS)
    row = page.locator("tr", has_text=receiver.url)
    await row.wait_for(timeout=TIMEOUT_MS)
    assert "Chat messages, Stream title changed" in await row.inner_text()

    # A token that may chat, copied with its button: shown once.
    await page.goto(base + "/admin/access-tokens/")
    await page.get_by_role("button", name="Create token").click()
    dialog = page.get_by_role("dialog", name="Create an access token")
    await dialog.get_by_label("Name").fill("quiz-bot")
    assert await dialog.get_by_label("User chat messages").is_checked()
    await dialog.get_by_role("button", name="Create token").click()
    shown = page.get_by_role("dialog", name="Your new access token")
    await shown.wait_for(timeout=TIMEOUT_MS)
    await screenshot(page, "admin-access-token-created-1366.png")
    await shown.get_by_role("button", name="Copy access token").click()
    await shown.get_by_text("Copied!").wait_for(timeout=TIMEOUT_MS)
    token = await page.evaluate("() => navigator.clipboard.readText()")
    assert token == (await shown.locator("#new-token").inner_text()).strip()
    await shown.get_by_role("button", name="Done").click()
    await shown.wait_for(state="hidden", timeout=TIMEOUT_MS)
    assert token not in await page.content(), "the list shows only the start of a token"

    async with aiohttp.ClientSession() as http:
        bearer = {"Authorization": f"Bearer {token}"}
        async with http.post(
            base + "/api/integrations/chat/send", json={"body": "quiz starts now"}, headers=bearer
        ) as r:
            assert r.status == 200, await r.text()

        # The message is in the chat under the token's name.
        async with http.get(base + "/api/admin/chat/messages", headers=admin_auth()) as r:
            messages = await r.json()
        sent = next(m for m in messages if "quiz starts now" in m["body"])
        assert sent["user"]["displayName"] == "quiz-bot"

        # A viewer chatting reaches the webhook as a CHAT event.
        quizzer = await chat_as(http, base, "Quizzer", ["is it 42?"])

        async def chat_arrived() -> bool:
            return any(e["type"] == "CHAT" and "is it 42?" in e["eventData"]["body"] for e in receiver.events)

        await wait_until(chat_arrived, 15, "the CHAT webhook")
        await quizzer.close()

        title = page.get_by_label("Stream title", exact=True)
        await title.fill("Quiz night")
        await title.press("Enter")

        async def title_arrived() -> bool:
            return any(e["type"] == "STREAM_TITLE_UPDATED" for e in receiver.events)

        await wait_until(title_arrived, 15, "the STREAM_TITLE_UPDATED webhook")

        # Last used shows on the webhook; the token list too.
        await page.reload()
        await page.locator("tr", has_text="quiz-bot").wait_for(timeout=TIMEOUT_MS)
        assert "Never" not in await page.locator("tr", has_text="quiz-bot").inner_text()
        await page.goto(base + "/admin/webhooks/")
        hook_row = page.locator("tr", has_text=receiver.url)
        await hook_row.wait_for(timeout=TIMEOUT_MS)
        assert "Never" not in await hook_row.inner_text()

        # Delete both: the token is refused, the webhook gets nothing more.
        await hook_row.get_by_role("button", name=f"Delete webhook {receiver.url}").click()
        await (
            page.get_by_role("dialog", name="Delete this webhook?")
            .get_by_role("button", name="Delete")
            .click()
        )
        await page.get_by_text("Webhook deleted").wait_for(timeout=TIMEOUT_MS)
        await page.goto(base + "/admin/access-tokens/")
        await page.get_by_role("button", name="Delete token quiz-bot").click()
        await (
            page.get_by_role("dialog", name="Delete the token “quiz-bot”?")
            .get_by_role("button", name="Delete")
            .click()
        )
        await page.get_by_text("Token deleted").wait_for(timeout=TIMEOUT_MS)
        async with http.post(
            base + "/api/integrations/chat/send", json={"body": "again"}, headers=bearer
        ) as r:
            assert r.status == 401
        seen = len(receiver.events)
        await title.fill("After the quiz")
        await title.press("Enter")
        await page.get_by_text("Title saved").wait_for(timeout=TIMEOUT_MS)
        await asyncio.sleep(1.5)
        assert len(receiver.events) == seen
    problems.check()
    await admin.close()
