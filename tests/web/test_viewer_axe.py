"""axe-core on the viewer pages: no serious or critical violation on `/`, `/embed/video`,
`/embed/chat/readonly` and `/embed/chat/readwrite`, offline and live, on a default server and on one
configured with coloured actions, many social handles, federation and an offline message, at 1366 px and
at 390 px (touch).

axe-core comes from npm (web/node_modules) like the admin dashboard's scans (tests/e2e/admin/ui.py).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from playwright.async_api import Browser, Page

from tests.e2e.admin.ui import axe_violations, describe

from .fake_owncast import FakeOwncast, HlsSource
from .test_viewer_browser import DESKTOP, PHONE, PageProblems

pytestmark = pytest.mark.browser

ServerFactory = Callable[[web.Application], Awaitable[TestServer]]
TIMEOUT_MS = 30_000

DEFAULT_CONFIG: dict[str, Any] = {
    "name": "New Owncast Server",
    "summary": "<p>This is a new live video streaming server powered by Owncast.</p>",
    "logo": "/logo",
    "tags": [],
    "version": "Ownstream 0.1.0 (Owncast API 0.0.11)",
    "nsfw": False,
    "extraPageContent": "",
    "socialHandles": [],
    "chatDisabled": False,
    "externalActions": [],
    "customStyles": "",
    "maxSocketPayloadSize": 2048,
    "federation": {"enabled": False},
    "offlineMessage": "",
    "hideViewerCount": False,
}

PLATFORMS = (
    "mastodon",
    "twitter",
    "twitch",
    "tiktok",
    "youtube",
    "instagram",
    "facebook",
    "linkedin",
    "keyoxide",
    "github",
    "discord",
    "patreon",
    "kofi",
    "paypal",
    "spotify",
)

CONFIGURED: dict[str, Any] = {
    **DEFAULT_CONFIG,
    "name": "Late Night Synth Jams",
    "summary": "<p>Modular synths, <strong>every Friday</strong>. Say hi in the chat!</p>",
    "tags": ["music", "synth", "modular", "live"],
    "extraPageContent": "<h2>Schedule</h2><p>Fridays from 20:00 UTC.</p>",
    "socialHandles": [
        {"platform": p, "url": f"https://{p}.example/@synths", "icon": f"/img/platformlogos/{p}.svg"}
        for p in PLATFORMS
    ]
    + [{"platform": "my blog", "url": "https://blog.example/"}],
    "externalActions": [
        # Light, dark and middling admin colours: the text colour is chosen to stay readable on each.
        {"url": "https://tips.example/", "title": "Tip jar", "color": "#ffe14d", "openExternally": True},
        {"url": "https://shop.example/", "title": "Merch", "color": "#14142b", "openExternally": True},
        {"url": "https://vote.example/", "title": "Vote on the next song", "color": "#808080"},
    ],
    "federation": {"enabled": True, "account": "@synths@stream.example", "followerCount": 2},
    "offlineMessage": "<p>Back on <strong>Friday</strong> at 20:00 UTC.</p>",
}

PATHS = ("/", "/embed/video", "/embed/chat/readonly", "/embed/chat/readwrite")


@pytest.fixture(params=["default", "configured"])
def fake(request: pytest.FixtureRequest, hls_source: HlsSource) -> FakeOwncast:
    config = DEFAULT_CONFIG if request.param == "default" else CONFIGURED
    fake = FakeOwncast(source=hls_source, config=dict(config))
    fake.followers = [
        {"link": f"https://social.example/@fan{i}", "name": f"Fan {i}", "username": f"fan{i}@social.example"}
        for i in range(2)
    ]
    return fake


@pytest.fixture
async def base_url(aiohttp_server: ServerFactory, fake: FakeOwncast) -> str:
    server = await aiohttp_server(fake.build_app())
    return f"http://127.0.0.1:{server.port}"


async def settled(page: Page, path: str, live: bool) -> None:
    """Waits until the page shows the state under test (stream playing or offline panel; chat joined)."""
    if path.startswith("/embed/chat"):
        await page.wait_for_selector("#chat-container.chat-phase-open", timeout=TIMEOUT_MS)
        return
    if live:
        await page.wait_for_function(
            "() => { const v = document.querySelector('video');"
            " return v && !v.paused && v.readyState >= 3 && document.querySelector('.player-started'); }",
            timeout=TIMEOUT_MS,
        )
    else:
        await page.wait_for_selector("#offline-banner", timeout=TIMEOUT_MS)
    if path == "/" and live:
        await page.wait_for_selector("#chat-container.chat-phase-open", timeout=TIMEOUT_MS)


@pytest.mark.parametrize("width", ["desktop", "phone"])
async def test_no_serious_axe_violations(
    browser: Browser, base_url: str, fake: FakeOwncast, width: str
) -> None:
    if width == "desktop":
        context = await browser.new_context(viewport=DESKTOP)
    else:
        context = await browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = await context.new_page()
    problems = PageProblems(page)
    found: dict[str, list[dict[str, Any]]] = {}
    for live in (False, True):
        if live:
            fake.go_live()
        for path in PATHS:
            await page.goto(base_url + path)
            await settled(page, path, live)
            violations = await axe_violations(page)
            if violations:
                found[f"{path} {'live' if live else 'offline'}"] = violations
    await context.close()
    assert found == {}, describe([{"page": key, "violations": value} for key, value in found.items()])
    assert problems.messages == []
