"""Browser notifications in headless chromium against a real Ownstream: the viewer's Notify button
registers the page's service worker and subscribes with the server's VAPID key up to
`pushManager.subscribe`, which the test replaces with a synthetic subscription pointing at the
push-service stand-in (headless chromium has no push service of its own); the server then pushes to it,
and the stand-in verifies the signature and decrypts. The admin's Notifications page saves both channels."""

from __future__ import annotations

import base64
import json
import sqlite3
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import aiohttp
import pytest

from tests.browser import chromium
from tests.e2e.admin.ui import log_in
from tests.harness import RunningServer, admin_auth, make_settings, running_server
from tests.notifications.push_service import push_service
from tests.web.test_viewer_browser import DESKTOP, PHONE, SCREENSHOTS, PageProblems

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

TIMEOUT_MS = 15_000

# Replaces PushManager.subscribe: records what the page asked for and answers with the stand-in's
# subscription, as a browser's push service would hand one out.
FAKE_SUBSCRIBE = """
PushManager.prototype.subscribe = async function (options) {
  window.__subscribeOptions = {
    userVisibleOnly: options.userVisibleOnly,
    key: Array.from(new Uint8Array(options.applicationServerKey)),
  };
  const subscription = JSON.parse(window.__standInSubscription);
  return { endpoint: subscription.endpoint, toJSON: () => subscription };
};
"""


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[RunningServer]:
    # The push-service stand-in listens on loopback: only --allow-private-addresses lets pushes reach it.
    settings = replace(make_settings(tmp_path / "data"), allow_private_addresses=True)
    async with running_server(tmp_path / "data", settings) as running:
        services = running.server.services
        assert services is not None
        await services.config.update(server_name="Night Radio")
        yield running


async def test_the_notify_button_subscribes_and_the_push_arrives(server: RunningServer) -> None:
    services = server.server.services
    assert services is not None
    async with push_service() as pushes, chromium() as browser:
        subscription = pushes.subscribe("viewer")
        context = await browser.new_context(viewport=DESKTOP)
        await context.grant_permissions(["notifications"], origin=server.base_url)
        await context.add_init_script(
            f"window.__standInSubscription = {json.dumps(subscription.to_json())};" + FAKE_SUBSCRIBE
        )
        page = await context.new_page()
        problems = PageProblems(page)
        await page.goto(server.base_url + "/")
        await page.click("#notify-button", timeout=TIMEOUT_MS)
        await page.wait_for_selector("#notify-modal #notify-confirm", timeout=TIMEOUT_MS)
        await page.screenshot(path=str(SCREENSHOTS / "notify-dialog-1366.png"))
        await page.click("#notify-confirm")
        await page.get_by_text("Done: your browser will tell you").wait_for(timeout=TIMEOUT_MS)

        options = await page.evaluate("window.__subscribeOptions")
        assert options["userVisibleOnly"] is True
        assert bytes(options["key"]) == base64.urlsafe_b64decode(services.notifications.public_key + "=")
        workers = await page.evaluate(
            "navigator.serviceWorker.getRegistrations()"
            ".then(list => list.map(r => r.active && r.active.scriptURL))"
        )
        assert len(workers) == 1 and "/static/push-worker-" in workers[0]
        await page.keyboard.press("Escape")
        assert await page.inner_text("#notify-button") == "Notifying"
        assert problems.messages == []

        phone = await browser.new_context(viewport=PHONE)
        phone_page = await phone.new_page()
        await phone_page.goto(server.base_url + "/")
        await phone_page.wait_for_selector("[role=tab]", timeout=TIMEOUT_MS)
        about = phone_page.get_by_role("tab", name="About")
        if await about.count():  # on a phone the page's sections are tabs, chat first
            await about.first.click()
        await phone_page.click("#notify-button", timeout=TIMEOUT_MS)
        await phone_page.wait_for_selector("#notify-confirm", timeout=TIMEOUT_MS)
        await phone_page.screenshot(path=str(SCREENSHOTS / "notify-dialog-390.png"))
        await phone.close()

        with sqlite3.connect(server.data_dir / "ownstream.db") as connection:
            [(destination,)] = connection.execute("SELECT destination FROM notifications").fetchall()
        assert json.loads(destination) == json.loads(subscription.to_json())

        outcome = await services.notifications.send_browser_push()
        [delivered] = await pushes.wait_for(1)
        await context.close()
    assert outcome.delivered == 1 and pushes.refused == []
    assert delivered.payload == {
        "title": "Night Radio",
        "body": "The stream is live now, come and watch!",
        "icon": "/logo",
    }


async def test_no_notify_button_while_browser_notifications_are_off(server: RunningServer) -> None:
    services = server.server.services
    assert services is not None
    await services.config.update(browser_push={"enabled": False, "goLiveMessage": "x"})
    async with chromium() as browser:
        page = await browser.new_page(viewport=DESKTOP)
        await page.goto(server.base_url + "/")
        await page.wait_for_selector("#user-content", timeout=TIMEOUT_MS)
        assert await page.locator("#notify-button").count() == 0


async def test_the_admin_page_saves_both_channels(server: RunningServer) -> None:
    async with chromium() as browser:
        context = await browser.new_context(viewport=DESKTOP)
        page = await context.new_page()
        await log_in(page, server.base_url, path="/admin/config-notify")
        problems = PageProblems(page)  # after the login page, which answers 401 by design
        await page.get_by_label("Notification text").fill("We are on!")
        await page.get_by_role("button", name="Save browser notifications").click()
        await page.locator("#push-status.save-ok").wait_for(timeout=TIMEOUT_MS)

        await page.get_by_label("Post to a Discord channel when you go live").check()
        await page.get_by_role("button", name="Save Discord").click()
        await page.get_by_text("Enter the webhook URL Discord gave you").wait_for(timeout=TIMEOUT_MS)
        await page.get_by_label("Discord webhook URL").fill("https://discord.example/api/webhooks/1/x")
        await page.get_by_label("Message", exact=True).fill("Live now")
        await page.get_by_role("button", name="Save Discord").click()
        await page.locator("#discord-status.save-ok").wait_for(timeout=TIMEOUT_MS)
        await page.screenshot(path=str(SCREENSHOTS / "admin-config-notify-1366.png"), full_page=True)
        await page.set_viewport_size(PHONE)
        await page.screenshot(path=str(SCREENSHOTS / "admin-config-notify-390.png"), full_page=True)
        assert problems.messages == []
        await context.close()
    async with (
        aiohttp.ClientSession() as http,
        http.get(server.base_url + "/api/admin/serverconfig", headers=admin_auth()) as response,
    ):
        assert (await response.json())["notifications"] == {
            "browser": {"enabled": True, "goLiveMessage": "We are on!"},
            "discord": {
                "enabled": True,
                "webhook": "https://discord.example/api/webhooks/1/x",
                "goLiveMessage": "Live now",
            },
        }
