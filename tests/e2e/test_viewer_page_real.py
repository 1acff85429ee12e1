"""The viewer page against a real Ownstream in headless chromium: Follow on the fediverse (a WebFinger
stub on loopback stands in for the visitor's server), the Followers tab, the offline message, the
admin's custom JavaScript under the page's CSP, and the icons the page links to."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from playwright.async_api import Request

from ownstream.database.repos.followers import Follower
from ownstream.settings import Remotes
from tests.browser import chromium
from tests.federation.webfinger_stub import WebfingerStub
from tests.harness import RunningServer, make_settings, running_server
from tests.web.test_viewer_browser import SCREENSHOTS, PageProblems

pytestmark = [pytest.mark.e2e, pytest.mark.browser]


@pytest.fixture
async def webfinger() -> AsyncIterator[WebfingerStub]:
    stub = WebfingerStub()
    await stub.start()
    yield stub
    await stub.stop()


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[RunningServer]:
    # The WebFinger stub listens on loopback, which only --allow-private-addresses lets lookups reach.
    settings = replace(
        make_settings(tmp_path / "data"),
        remotes=Remotes(webfinger_scheme="http"),
        allow_private_addresses=True,
    )
    async with running_server(tmp_path / "data", settings) as running:
        services = running.server.services
        assert services is not None
        await services.config.update(
            server_url="https://stream.example",
            federation_enabled=True,
            offline_message="Back **Friday** at 8 — see you then.",
            custom_javascript="document.documentElement.dataset.customScript = 'ran';",
        )
        now = datetime.now(UTC)
        for number in range(3):
            await services.federation.followers.add(
                Follower(
                    iri=f"https://social.example/users/fan{number}",
                    inbox=f"https://social.example/users/fan{number}/inbox",
                    username=f"fan{number}@social.example",
                    request=f"https://social.example/follows/{number}",
                    created_at=now,
                    name=f"Fan {number}",
                    approved_at=now,
                )
            )
        yield running


async def test_follow_followers_offline_message_and_custom_script(
    server: RunningServer, webfinger: WebfingerStub
) -> None:
    follows: list[dict[str, str]] = []

    def record(request: Request) -> None:
        if request.url.endswith("/api/remotefollow"):
            follows.append(json.loads(request.post_data or "{}"))

    async with chromium() as browser:
        context = await browser.new_context(viewport={"width": 1366, "height": 800})
        page = await context.new_page()
        problems = PageProblems(page)
        page.on("request", record)
        await page.goto(server.base_url + "/")

        # The offline panel carries the admin's offline message (rendered by the server) and Follow.
        banner = page.locator("#offline-banner")
        await banner.wait_for(timeout=15_000)
        await page.wait_for_function(
            "() => document.querySelector('#offline-banner .offline-message strong')"
            "?.textContent === 'Friday'"
        )
        assert "Back Friday at 8 — see you then." in (await banner.inner_text())
        assert await banner.locator(".follow-button").count() == 1
        # The custom script ran (the viewer page's CSP allows it: it is this server's /customjavascript).
        assert await page.evaluate("document.documentElement.dataset.customScript") == "ran"
        assert await page.locator("head link[rel=icon][href='/favicon.ico']").count() == 1

        # The follower count on the button, and the Followers tab.
        follow = page.locator("#follow-button")
        assert (await follow.inner_text()).split() == ["Follow", "3"]
        await page.click("[role=tab]:text-is('Followers (3)')")
        await page.wait_for_selector("#followers-collection .followers-follower")
        names = await page.eval_on_selector_all(".followers-name", "els => els.map(e => e.textContent)")
        assert sorted(names) == ["Fan 0", "Fan 1", "Fan 2"]

        # Follow: the visitor's account → POST /api/remotefollow → their server's follow page.
        await follow.click()
        dialog = page.locator("dialog#follow-modal")
        await dialog.wait_for()
        submit = dialog.locator("button.follow-submit")
        await dialog.locator("input").fill("not an account")
        assert await submit.is_disabled()
        await dialog.locator("input").fill(f"@fan@{webfinger.host}")
        assert await submit.is_enabled()
        await page.screenshot(path=str(SCREENSHOTS / "ownstream-follow-modal.png"))
        async with context.expect_page() as popup_info:
            await submit.click()
        popup = await popup_info.value
        await popup.wait_for_load_state()
        assert popup.url.startswith(f"{webfinger.url}/authorize_interaction?uri=")
        assert follows == [{"account": f"fan@{webfinger.host}"}]
        assert webfinger.resources == [f"acct:fan@{webfinger.host}"]
        assert webfinger.interactions == ["https://stream.example/federation/user/streamer"]
        assert await dialog.count() == 0, "the dialog closes once the visitor is on their way"

        # A lookup that fails says so in the dialog, and how to follow by hand.
        await follow.click()
        await dialog.locator("input").fill("fan@127.0.0.1:9")
        await dialog.locator("button.follow-submit").click()
        problem = dialog.locator(".follow-problem[role=alert]")
        await problem.wait_for(timeout=15_000)
        assert "search for @streamer@stream.example" in await problem.inner_text()
        await page.keyboard.press("Escape")
        await dialog.wait_for(state="detached")

        # Embeds never run the custom script.
        embed = await context.new_page()
        await embed.goto(server.base_url + "/embed/video")
        await embed.wait_for_selector("#offline-banner")
        assert await embed.evaluate("document.documentElement.dataset.customScript") is None
        problems.messages = [m for m in problems.messages if "/api/remotefollow" not in m]
        assert problems.messages == []
        await context.close()
