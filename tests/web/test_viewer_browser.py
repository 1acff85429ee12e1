"""The viewer page in headless chromium against a fake API and a live HLS stream (front-end tests).

The stream is real H.264/AAC in MPEG-TS played by the bundled hls.js; the API answers are canned. Screenshots
land in /tmp (ownstream-*.png) for a human to look at.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from playwright.async_api import Browser, ConsoleMessage, Page, Request, Response

from .fake_owncast import FakeOwncast, HlsSource

pytestmark = pytest.mark.browser

ServerFactory = Callable[[web.Application], Awaitable[TestServer]]

CONFIG: dict[str, Any] = {
    "name": "Test <b>Server</b>",
    "summary": '<p>Hello <strong id="summary-strong">world</strong>.</p>',
    "logo": "/logo",
    "tags": ["music", "chill"],
    "version": "Ownstream 0.1.0 (Owncast API 0.0.11)",
    "nsfw": False,
    "extraPageContent": '<p id="extra-marker">More about us.</p>',
    "socialHandles": [
        {"platform": "mastodon", "url": "https://social.example/@me", "icon": "/logo"},
        {"platform": "evil", "url": "javascript:alert(1)", "icon": ""},
    ],
    "chatDisabled": False,
    "externalActions": [
        {
            "url": "https://tips.example/jar",
            "title": "Tip jar",
            "description": "Buy me a tea",
            "openExternally": True,
        },
        {"url": "javascript:alert(2)", "title": "Bad action", "openExternally": True},
    ],
    "customStyles": "#extra-marker { color: rgb(1, 2, 3); }",
    "maxSocketPayloadSize": 2048,
    "federation": {"enabled": False},
}


@pytest.fixture
def fake(hls_source: HlsSource) -> FakeOwncast:
    return FakeOwncast(source=hls_source, config=dict(CONFIG))


@pytest.fixture
async def base_url(aiohttp_server: ServerFactory, fake: FakeOwncast) -> str:
    server = await aiohttp_server(fake.build_app())
    return f"http://127.0.0.1:{server.port}"


class PageProblems:
    """Console errors, CSP violations, uncaught exceptions and failed requests seen by a page.

    A 404 for a playlist is expected once the server has dropped the stream (the player may still be
    playing out its buffer and reloading the playlist), so those are not counted.
    """

    def __init__(self, page: Page) -> None:
        self.messages: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.messages.append(f"pageerror: {exc}"))
        page.on("response", self._response)

    def _console(self, message: ConsoleMessage) -> None:
        if message.text.startswith("Failed to load resource"):
            return  # reported with its URL by _response
        if message.type == "error" or "Content Security Policy" in message.text:
            self.messages.append(f"console {message.type}: {message.text}")

    def _response(self, response: Response) -> None:
        if response.status < 400:
            return
        if response.status == 404 and "/hls/" in response.url:
            return
        self.messages.append(f"HTTP {response.status} {response.url}")


@pytest.fixture
async def desktop(browser: Browser) -> AsyncIterator[Page]:
    context = await browser.new_context(viewport={"width": 1280, "height": 800})
    page = await context.new_page()
    yield page
    await context.close()


async def root_classes(page: Page) -> set[str]:
    return set((await page.get_attribute("#app-container", "class") or "").split())


async def wait_playing(page: Page, seconds: float, timeout_ms: int = 30_000) -> None:
    """Waits until the video really plays, then until its clock has advanced by `seconds`."""
    await page.wait_for_function(
        "() => { const v = document.querySelector('video');"
        " return v && !v.paused && v.readyState >= 3 && document.querySelector('.player-started'); }",
        timeout=timeout_ms,
    )
    start = await page.evaluate("document.querySelector('video').currentTime")
    await page.wait_for_function(
        "t => { const v = document.querySelector('video'); return !v.paused && v.currentTime >= t; }",
        arg=start + seconds,
        timeout=timeout_ms,
    )


async def wait_stored_volume(page: Page, value: str) -> None:
    stored = None
    for _ in range(20):
        stored = await page.evaluate("localStorage.getItem('owncast_volume')")
        if stored == value:
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"owncast_volume is {stored!r}, expected {value!r}")


async def wait_segment_from(fake: FakeOwncast, variant: str, since: float, timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(t > since and v == variant for t, v in fake.segment_requests):
            return
        await asyncio.sleep(0.2)
    raise AssertionError(f"no segment fetched from variant {variant}: {fake.segment_requests[-10:]}")


async def test_viewer_page_follows_the_stream(desktop: Page, base_url: str, fake: FakeOwncast) -> None:
    page = desktop
    problems = PageProblems(page)
    await page.goto(base_url + "/")
    await page.evaluate("window.__sameDocument = true")

    # --- offline ------------------------------------------------------------------------------------------
    await page.wait_for_function(
        "() => document.querySelector('#stream-info')?.textContent.includes('Stream is offline.')"
    )
    await page.wait_for_selector("#user-content")
    classes = await root_classes(page)
    assert {"no-chat", "no-video"} <= classes
    assert not {"config-loading", "single-col", "chat"} & classes
    assert await page.title() == "Test <b>Server</b>"
    assert await page.text_content("#global-header-text") == "Test <b>Server</b>"
    assert await page.text_content("#user-content h2") == "Test <b>Server</b>", "names are text, not HTML"
    assert await page.locator("#user-content h2 b").count() == 0
    assert await page.text_content("#stream-viewer-count") == "Last live: " + await page.evaluate(
        "new Date('2022-03-01T20:00:00Z').toLocaleDateString()"
    )
    assert await page.locator("#user-content h3").count() == 0
    assert await page.locator("#loading-logo").count() == 0
    # Poster = logo; the video element is hidden.
    assert "poster-logo" in (await page.get_attribute("#oc-custom-poster", "class") or "")
    assert await page.eval_on_selector("#oc-custom-poster img", "i => i.getAttribute('src')") == "/logo"
    assert await page.eval_on_selector("video", "v => getComputedStyle(v).visibility") == "hidden"
    # Chat column structure is there, hidden.
    assert await page.locator("#chat-container-wrap #chat-container #messages-container").count() == 1
    assert await page.locator("#chat-container #message-input-container").count() == 1
    assert not await page.is_visible("#chat-container-wrap")
    # Information section.
    assert await page.text_content("#summary-strong") == "world", "summary is server-rendered HTML"
    assert await page.text_content(".tag-list") == "#music #chill"
    assert await page.text_content("#extra-user-content #extra-marker") == "More about us."
    assert await page.eval_on_selector("#extra-marker", "e => getComputedStyle(e).color") == "rgb(1, 2, 3)"
    social = page.locator(".social-link")
    assert await social.count() == 1, "javascript: links are dropped"
    assert await social.get_attribute("rel") == "me noopener"
    assert await social.get_attribute("href") == "https://social.example/@me"
    assert (await social.text_content() or "").strip() == "Find me on Mastodon"
    actions = page.locator(".external-action-button")
    assert await actions.count() == 1
    assert (await actions.get_attribute("href") or "").startswith("https://tips.example/jar?instance=")
    assert await page.text_content("footer") == "Ownstream 0.1.0 (Owncast API 0.0.11)"
    await page.screenshot(path="/tmp/ownstream-desktop-offline.png", full_page=True)

    # --- goes live: muted autoplay near the live edge -----------------------------------------------------
    fake.go_live()
    await wait_playing(page, 3.0)
    assert await page.evaluate("document.querySelector('video').muted") is True
    assert await page.is_visible("#unmute-button")
    assert "no-video" not in await root_classes(page)
    status_text = await page.text_content("#stream-status") or ""
    assert re.fullmatch(r"Stream is online\. 0:00:\d\d", status_text), status_text
    assert await page.text_content("#stream-viewer-count") == "1 viewer"
    assert await page.text_content("#global-header-text") == "Testing the pipes"
    assert await page.text_content("#user-content h3") == "Testing the pipes"
    # Near the live edge: with 1 s segments the playhead sits ~2 segments behind the newest media.
    ahead = await page.evaluate(
        "(() => { const v = document.querySelector('video');"
        " return v.buffered.end(v.buffered.length - 1) - v.currentTime; })()"
    )
    assert ahead < 4.5, ahead

    # --- quality menu maps variants by playlist URL, not by position --------------------------------------
    options = await page.eval_on_selector_all("#quality-selector option", "os => os.map(o => o.textContent)")
    assert options == ["Auto", "High", "Low"]
    since = time.monotonic()
    await page.select_option("#quality-selector", label="High")
    await wait_segment_from(fake, "0", since)
    since = time.monotonic()
    await page.select_option("#quality-selector", label="Low")
    await wait_segment_from(fake, "1", since)
    await page.select_option("#quality-selector", label="Auto")
    await page.screenshot(path="/tmp/ownstream-desktop-live.png")

    # --- sound on, remembered; keyboard shortcuts ---------------------------------------------------------
    await page.click("#unmute-button")
    assert await page.evaluate("document.querySelector('video').muted") is False
    assert not await page.is_visible("#unmute-button")
    await wait_stored_volume(page, "1")
    await page.keyboard.press("9")
    await wait_stored_volume(page, "0.9")
    await page.keyboard.press("m")
    assert await page.evaluate("document.querySelector('video').muted") is True
    await wait_stored_volume(page, "0")
    await page.keyboard.press("m")
    assert await page.evaluate("document.querySelector('video').muted") is False
    await page.keyboard.press("p")
    assert await page.evaluate("document.querySelector('video').paused") is True
    await page.keyboard.press(" ")
    await wait_playing(page, 0, timeout_ms=5_000)

    # --- goes offline: offline state without a reload ----------------------------------------------------
    fake.go_offline()
    await page.wait_for_function(
        "() => document.querySelector('#stream-info').textContent.includes('Stream is offline.')",
        timeout=8_000,
    )
    # Buffered seconds may play out first (at most 10 s).
    await page.wait_for_function(
        "() => document.querySelector('#app-container').classList.contains('no-video')", timeout=15_000
    )
    assert await page.evaluate("document.querySelector('video').paused") is True
    assert "poster-logo" in (await page.get_attribute("#oc-custom-poster", "class") or "")
    assert await page.is_visible("#oc-custom-poster img")
    assert not await page.is_visible("#unmute-button")
    assert (await page.text_content("#stream-viewer-count") or "").startswith("Last live: Today ")
    assert await page.text_content("#global-header-text") == "Test <b>Server</b>"
    assert await page.evaluate("window.__sameDocument") is True

    # --- and back: a new broadcast attaches cleanly ------------------------------------------------------
    fake.go_live()
    await page.wait_for_function(
        "() => document.querySelector('#stream-info').textContent.includes('Stream is online.')"
    )
    await wait_playing(page, 2.0)
    assert await page.evaluate("window.__sameDocument") is True
    assert fake.pings >= 3
    assert problems.messages == []


async def test_phone_layout(browser: Browser, base_url: str, fake: FakeOwncast) -> None:
    context = await browser.new_context(
        viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True, has_touch=True
    )
    page = await context.new_page()
    problems = PageProblems(page)
    fake.config["extraPageContent"] = "".join(f"<p>Paragraph {i} of the long page.</p>" for i in range(40))
    # The layout without chat; test_chat_browser.py covers phones with the chat under the video.
    fake.config["chatDisabled"] = True
    fake.go_live()
    await page.goto(base_url + "/")
    await wait_playing(page, 1.0)
    classes = await root_classes(page)
    assert {"single-col", "touch-screen", "no-chat"} <= classes
    assert "short-wide" not in classes
    box = await page.locator("#video-container").bounding_box()
    header = await page.locator("#top-content").bounding_box()
    assert box is not None and header is not None
    assert box["x"] == 0 and box["width"] == 390
    assert abs(box["height"] - 390 * 9 / 16) < 1.5
    assert abs(box["y"] - (header["y"] + header["height"])) < 1.5
    assert await page.is_visible("#unmute-button")
    # Info is below the video; the video stays pinned while the page scrolls.
    info = await page.locator("#user-content").bounding_box()
    assert info is not None and info["y"] > box["y"] + box["height"]
    await page.screenshot(path="/tmp/ownstream-phone.png")
    await page.evaluate("window.scrollBy(0, 600)")
    await page.wait_for_timeout(300)
    assert await page.evaluate("window.scrollY") > 500
    pinned = await page.locator("#video-container").bounding_box()
    assert pinned is not None and abs(pinned["y"] - box["y"]) < 1.5, "the video stays pinned under the header"
    await page.screenshot(path="/tmp/ownstream-phone-scrolled.png")
    # Turned sideways: a short, wide screen keeps two columns.
    await page.set_viewport_size({"width": 844, "height": 390})
    await page.wait_for_function(
        "() => document.querySelector('#app-container').classList.contains('short-wide')"
    )
    assert "single-col" not in await root_classes(page)
    assert problems.messages == []
    await context.close()


async def test_embed_plays_until_the_stream_ends(browser: Browser, base_url: str, fake: FakeOwncast) -> None:
    context = await browser.new_context(viewport={"width": 640, "height": 400})
    page = await context.new_page()
    problems = PageProblems(page)
    await page.goto(base_url + "/embed/video")
    await page.wait_for_function(
        "() => document.querySelector('#stream-info')?.textContent.includes('Stream is offline.')"
    )
    assert await page.locator("#user-content, header, footer, #chat-container").count() == 0
    assert "no-video" in await root_classes(page)
    assert fake.pings >= 1, "the embed counts its viewer"

    # A short broadcast whose playlist ends (#EXT-X-ENDLIST) while the server still says "online".
    fake.end_after_segments = 6
    fake.go_live()
    await wait_playing(page, 1.0)
    await page.screenshot(path="/tmp/ownstream-embed-live.png")
    await page.wait_for_function(
        "() => document.querySelector('#app-container').classList.contains('no-video')", timeout=20_000
    )
    assert fake.online
    assert "Stream is offline." in (await page.text_content("#stream-info") or "")
    # The ended broadcast is not attached again while the server still reports it.
    await page.wait_for_timeout(6_000)
    assert "no-video" in await root_classes(page)
    assert problems.messages == []
    await context.close()


async def test_offline_the_page_looks_every_second_so_a_low_latency_stream_starts_at_once(
    desktop: Page, base_url: str, fake: FakeOwncast
) -> None:
    """A low-latency stream is online about a second after the broadcaster starts: while offline the page
    asks for the status every second (not every 5 s), so it attaches the player within about a second
    of "online". Viewer pings stay at one per 5 s."""
    status_requests: list[float] = []
    desktop.on(
        "request",
        lambda request: status_requests.append(time.monotonic()) if "/api/status" in request.url else None,
    )
    await desktop.goto(base_url + "/")
    await desktop.wait_for_selector("#app-container")
    await asyncio.sleep(3.5)
    assert len(status_requests) >= 3, status_requests
    assert fake.pings <= 1
    playlist_requested: asyncio.Future[float] = asyncio.get_running_loop().create_future()

    def on_request(request: Request) -> None:
        if "/hls/stream.m3u8" in request.url and not playlist_requested.done():
            playlist_requested.set_result(time.monotonic())

    desktop.on("request", on_request)
    fake.go_live()
    live_at = time.monotonic()
    attached_at = await asyncio.wait_for(playlist_requested, 10)
    assert attached_at - live_at < 2.5
