"""Chat authentication in headless chromium against a real, federating Ownstream: the viewer opens
**Authenticate**, names a fediverse account on a local stand-in, reads the code the stand-in's inbox
received, types it in, and gets the badge on their name and messages. Screenshots of the dialog at desktop
and phone width go to OWNSTREAM_VIEWER_SCREENSHOTS (default /tmp/ownstream-viewer-screenshots)."""

from __future__ import annotations

import asyncio
import os
import re
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import pytest
from playwright.async_api import Page

from ownstream.settings import Remotes
from tests.browser import chromium
from tests.e2e.test_chat_browser import ChatProblems, open_chat, send
from tests.e2e.waiting import wait_until
from tests.federation.conftest import enable_federation, federation_settings
from tests.federation.remote_stub import RemoteStub
from tests.harness import RunningServer, running_server

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

TIMEOUT_MS = 10_000
SCREENSHOTS = Path(os.environ.get("OWNSTREAM_VIEWER_SCREENSHOTS", "/tmp/ownstream-viewer-screenshots"))


@pytest.fixture
async def stub() -> AsyncIterator[RemoteStub]:
    remote = RemoteStub()
    await remote.start()
    yield remote
    await remote.stop()


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[RunningServer]:
    data = tmp_path / "data"
    settings = replace(federation_settings(data), remotes=Remotes(webfinger_scheme="http"))
    async with running_server(data, settings) as running:
        await enable_federation(running)
        yield running


async def shot(page: Page, name: str) -> None:
    await asyncio.to_thread(SCREENSHOTS.mkdir, parents=True, exist_ok=True)
    await page.screenshot(path=str(SCREENSHOTS / f"ownstream-chat-{name}.png"))


def problems_of(problems: ChatProblems) -> list[str]:
    return [text for text in problems.messages if "/api/auth/" not in text]


async def test_authenticate_with_a_fediverse_code(server: RunningServer, stub: RemoteStub) -> None:
    stub.add_actor("viewer")
    account = f"viewer@127.0.0.1:{stub.port}"
    async with chromium() as browser:
        page, problems = await open_chat(
            browser, server.base_url + "/", viewport={"width": 1280, "height": 800}
        )
        await page.click("#chat-auth-button")
        dialog = page.locator("#chat-auth-modal")
        await dialog.wait_for(state="visible", timeout=TIMEOUT_MS)
        assert await page.get_attribute("#auth-tab-indieauth", "aria-selected") == "true"
        await page.fill("#indieauth-input", "you.example")
        await shot(page, "authenticate")

        await page.click("#auth-tab-fediverse")
        await page.fill("#fediverse-auth-input", "@" + account)
        await page.click("#fediverse-auth-form .auth-submit")
        await page.wait_for_selector("#fediverse-code-form", timeout=TIMEOUT_MS)

        async def delivered() -> bool:
            return len(stub.delivered) >= 1

        await wait_until(delivered, 10, "the code's direct message")
        content = stub.delivered_activities()[0]["object"]["content"]
        found = re.search(r": (\d{6})\. ", content)
        assert found is not None, content
        await page.fill("#fediverse-code-input", "000000" if found.group(1) != "000000" else "111111")
        await page.click("#fediverse-code-form .auth-submit")
        await page.wait_for_selector("#fediverse-code-form .auth-problem", timeout=TIMEOUT_MS)
        assert "wrong or has expired" in (await page.text_content("#fediverse-code-form .auth-problem") or "")
        await page.fill("#fediverse-code-input", found.group(1))
        await shot(page, "authenticate-code")
        await page.click("#fediverse-code-form .auth-submit")
        await dialog.wait_for(state="detached", timeout=TIMEOUT_MS)

        await page.wait_for_selector("#username-display .authenticated-flair", timeout=TIMEOUT_MS)
        assert await page.locator("#chat-auth-button").count() == 0, "no second authentication offered"
        await send(page, "now with a badge")
        await page.wait_for_selector(
            ".chat-message_own .message-author .authenticated-flair[aria-label='Authenticated']",
            timeout=TIMEOUT_MS,
        )
        await shot(page, "authenticated")
        assert problems_of(problems) == []

        phone, phone_problems = await open_chat(
            browser,
            server.base_url + "/",
            viewport={"width": 390, "height": 844},
            device_scale_factor=2,
            is_mobile=True,
            has_touch=True,
        )
        await phone.wait_for_selector(".chat-message_user .authenticated-flair", timeout=TIMEOUT_MS)
        await phone.click("#chat-auth-button")
        await phone.locator("#chat-auth-modal").wait_for(state="visible", timeout=TIMEOUT_MS)
        await shot(phone, "authenticate-phone")
        assert problems_of(phone_problems) == []
