"""The viewer page in headless chromium against a fake API and a live HLS stream (front-end tests):
the offline panel, the player's own controls (LIVE badge and jump to live, quality menu, sound,
shortcuts, loading and error states), the phone layout and the embed.

The stream is real H.264/AAC in MPEG-TS played by the bundled hls.js; the API answers are canned.
Screenshots land in SCREENSHOTS (ownstream-*.png) for a human to look at; docs/viewer-page.md shows them.
"""

from __future__ import annotations

import asyncio
import os
import re
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from playwright.async_api import Browser, ConsoleMessage, Page, Request, Response, ViewportSize

from .fake_owncast import SEGMENT_SECONDS, FakeOwncast, HlsSource

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(os.environ.get("OWNSTREAM_VIEWER_SCREENSHOTS", "/tmp/ownstream-viewer-screenshots"))
DESKTOP: ViewportSize = {"width": 1366, "height": 800}
PHONE: ViewportSize = {"width": 390, "height": 844}

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
        {
            "platform": "mastodon",
            "url": "https://social.example/@me",
            "icon": "/img/platformlogos/mastodon.svg",
        },
        {"platform": "evil", "url": "javascript:alert(1)", "icon": ""},
        {"platform": "blog", "url": "https://blog.example/"},
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
    "offlineMessage": '<p id="offline-marker">Back on <strong>Friday</strong> at 8.</p>',
    "hideViewerCount": False,
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
    context = await browser.new_context(viewport=DESKTOP)
    page = await context.new_page()
    yield page
    await context.close()


async def shot(page: Page, name: str, *, full_page: bool = False) -> None:
    await page.screenshot(path=str(SCREENSHOTS / f"ownstream-{name}.png"), full_page=full_page)


async def show_controls(page: Page) -> None:
    """Moves the mouse over the player, which brings its control bar back."""
    box = await page.locator("#video-container").bounding_box()
    assert box is not None
    await page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 3)
    await page.mouse.move(box["x"] + box["width"] / 2 + 5, box["y"] + box["height"] / 3)
    await page.wait_for_selector(".player:not(.player-idle) .player-controls")


async def behind_live(page: Page, fake: FakeOwncast) -> float:
    """Seconds between the playhead and the newest segment the server has written (the live edge as the
    server knows it, which a paused player stops following)."""
    position: float = await page.evaluate("document.querySelector('video').currentTime")
    return fake.live_edge_seconds() - position


async def latency(page: Page) -> float:
    """Seconds between the playhead and the newest media the player can reach."""
    value: float = await page.evaluate(
        "(() => { const v = document.querySelector('video'); const s = v.seekable;"
        " const end = s.length ? s.end(s.length - 1) : v.buffered.end(v.buffered.length - 1);"
        " return end - v.currentTime; })()"
    )
    return value


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

    # --- offline: the designed panel in the video area ---------------------------------------------------
    await page.wait_for_function(
        "() => document.querySelector('#stream-info')?.textContent.includes('Stream is offline.')"
    )
    await page.wait_for_selector("#user-content")
    classes = await root_classes(page)
    assert {"no-chat", "no-video", "offline"} <= classes
    assert not {"config-loading", "single-col", "chat"} & classes
    assert await page.title() == "Test <b>Server</b>"
    assert await page.text_content("#global-header-text") == "Test <b>Server</b>"
    assert await page.text_content("#user-content h2") == "Test <b>Server</b>", "names are text, not HTML"
    assert await page.locator("#user-content h2 b").count() == 0
    assert await page.text_content("#stream-viewer-count") == "Last live: " + await page.evaluate(
        "new Date('2022-03-01T20:00:00Z').toLocaleDateString()"
    )
    banner = page.locator("#video-container #offline-banner")
    assert await banner.is_visible()
    assert await banner.locator("h2").text_content() == "Test <b>Server</b> is offline"
    assert re.fullmatch(
        r"Last live \d+ years? ago\.", await banner.locator(".offline-last-live").text_content() or ""
    )
    assert await banner.locator("#offline-marker").text_content() == "Back on Friday at 8."
    assert await banner.locator(".offline-logo").get_attribute("src") == "/logo"
    assert await page.locator("#oc-custom-poster, .player-controls, #live-badge").count() == 0
    assert await page.get_attribute("video", "controls") is None
    assert await page.locator("#user-content h3").count() == 0
    assert await page.locator("#loading-logo").count() == 0
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
    assert await social.count() == 2, "javascript: links are dropped"
    assert await social.first.get_attribute("rel") == "me noopener"
    assert await social.first.get_attribute("href") == "https://social.example/@me"
    assert (await social.first.text_content() or "").strip() == "Find me on Mastodon"
    icon = await social.first.locator("img.social-icon").get_attribute("src") or ""
    assert icon.endswith("/img/platformlogos/mastodon.svg")
    # A platform the server has no icon for gets the neutral link icon, and still its name.
    assert await social.nth(1).locator("svg.social-icon-fallback").count() == 1
    assert (await social.nth(1).text_content() or "").strip() == "Find me on Blog"
    actions = page.locator(".external-action-button")
    assert await actions.count() == 1
    assert (await actions.get_attribute("href") or "").startswith("https://tips.example/jar?instance=")
    assert await page.text_content("footer") == "Ownstream 0.1.0 (Owncast API 0.0.11)"
    await shot(page, "desktop-offline")

    # --- goes live: muted autoplay near the live edge, our own controls -----------------------------------
    fake.go_live()
    await wait_playing(page, 3.0)
    assert await page.get_attribute("video", "controls") is None, "no native controls: ours"
    assert await page.evaluate("document.querySelector('video').muted") is True
    assert await page.is_visible("#unmute-button")
    assert "no-video" not in await root_classes(page)
    status_text = await page.text_content("#stream-status") or ""
    assert re.fullmatch(r"Stream is online\. 0:00:\d\d", status_text), status_text
    assert await page.text_content("#stream-viewer-count") == "1 viewer"
    assert await page.text_content("#global-header-text") == "Testing the pipes"
    assert await page.text_content("#user-content h3") == "Testing the pipes"
    assert await latency(page) < 4.5
    await show_controls(page)
    badge = page.locator("#live-badge")
    assert await badge.text_content() == "LIVE"
    assert "at-live-edge" in (await badge.get_attribute("class") or "")
    assert re.fullmatch(r"0:00:\d\d", await page.text_content(".player-elapsed") or "")
    assert await page.get_attribute(".player-elapsed", "role") == "timer", (
        "the ticking time is never announced"
    )
    # A live stream has no seek bar and no duration: the only slider is the volume.
    assert await page.locator(".player-controls input[type=range]").count() == 1
    assert await page.get_attribute(".player-controls input[type=range]", "aria-label") == "Volume"
    labels = await page.eval_on_selector_all(
        ".player-controls button", "bs => bs.map(b => b.getAttribute('aria-label'))"
    )
    assert labels[:2] == ["Pause (Space)", "Unmute (M)"]
    assert "Fullscreen (F)" in labels and "Picture in picture" in labels

    # --- the quality menu maps variants by playlist URL, not by position ----------------------------------
    await page.click("#quality-selector")
    options = await page.eval_on_selector_all(
        "[role=menuitemradio]", "os => os.map(o => o.textContent.trim())"
    )
    assert options == ["✓Auto", "High", "Low"]
    await shot(page, "desktop-live-quality")
    since = time.monotonic()
    await page.click("[role=menuitemradio]:has-text('High')")
    await wait_segment_from(fake, "0", since)
    assert await page.get_attribute("#quality-selector", "aria-label") == "Video quality: High"
    since = time.monotonic()
    await page.click("#quality-selector")
    await page.wait_for_function("() => document.activeElement?.getAttribute('aria-checked') === 'true'")
    await page.keyboard.press("ArrowDown")  # from High (checked, focused) to Low
    await page.keyboard.press("Enter")
    await wait_segment_from(fake, "1", since)
    assert await page.get_attribute("#quality-selector", "aria-label") == "Video quality: Low"
    await page.click("#quality-selector")
    await page.click("[role=menuitemradio]:has-text('Auto')")
    assert (await page.get_attribute("#quality-selector", "aria-label") or "").startswith(
        "Video quality: Auto"
    )
    await show_controls(page)
    await shot(page, "desktop-live")

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
    await page.fill(".player-volume-slider", "40")
    await wait_stored_volume(page, "0.4")

    # --- pausing puts the viewer behind live; the LIVE badge brings them back ----------------------------
    # Not longer than a few seconds: hls.js itself moves a player more than six segments behind
    # (liveMaxLatencyDurationCount in hls-config.ts) back to the sync point, even a paused one.
    await page.keyboard.press("p")
    assert await page.evaluate("document.querySelector('video').paused") is True
    paused_at: float = await page.evaluate("document.querySelector('video').currentTime")
    await page.wait_for_timeout(2_500)
    await show_controls(page)
    await page.wait_for_selector("#live-badge.behind-live")
    assert await page.get_attribute("#live-badge", "aria-label") == "Behind live: jump to live (L)"
    await shot(page, "desktop-behind-live")
    assert await page.evaluate("document.querySelector('video').currentTime") == pytest.approx(
        paused_at, abs=0.05
    )
    assert await behind_live(page, fake) > 4.0
    await page.click("#live-badge")
    await wait_playing(page, 0.5, timeout_ms=10_000)
    # Jumped, not merely resumed (half a second of play): well ahead of the paused picture.
    assert await page.evaluate("document.querySelector('video').currentTime") > paused_at + 1.5
    # The player aims two segments behind the edge it knows (hls-config.ts); it learns of a new segment up
    # to one playlist refresh (a segment) after the server wrote it. Back within a segment of that.
    target = 2 * SEGMENT_SECONDS + SEGMENT_SECONDS
    assert await behind_live(page, fake) <= target + SEGMENT_SECONDS + 0.5, (
        "back within a segment of the target"
    )
    await page.wait_for_selector("#live-badge.at-live-edge")
    # The L key does the same; Space toggles play (unless a button has the focus: then it presses it).
    await page.evaluate("document.activeElement.blur()")
    await page.keyboard.press(" ")
    assert await page.evaluate("document.querySelector('video').paused") is True
    await page.wait_for_timeout(3_000)
    await page.keyboard.press("l")
    await wait_playing(page, 0.5, timeout_ms=10_000)
    assert await behind_live(page, fake) <= target + SEGMENT_SECONDS + 0.5

    # --- a stall shows the loading indicator, and playback resumes ----------------------------------------
    fake.stall(True)
    await page.wait_for_selector(".player-loading[role=status]", timeout=20_000)
    await shot(page, "desktop-stalled")
    fake.stall(False)
    await page.wait_for_selector(".player-loading", state="detached", timeout=20_000)
    await wait_playing(page, 1.0)

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
    assert await page.is_visible("#offline-banner")
    assert re.fullmatch(
        r"Last live (just now|\d+ minutes? ago)\.", await page.text_content(".offline-last-live") or ""
    )
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


async def test_error_state_says_what_happened_and_retries(
    desktop: Page, base_url: str, fake: FakeOwncast
) -> None:
    page = desktop
    fake.fail_playlists = True
    fake.go_live()
    await page.goto(base_url + "/")
    error = page.locator(".player-error[role=alert]")
    await error.wait_for(timeout=40_000)
    assert await error.locator(".player-error-title").text_content() == "The stream could not be played"
    assert "could not be loaded from the server" in (await error.text_content() or "")
    await shot(page, "desktop-error")
    fake.fail_playlists = False
    await page.click(".player-error-retry")
    await wait_playing(page, 1.0)
    assert await error.count() == 0


async def test_hidden_viewer_count(desktop: Page, base_url: str, fake: FakeOwncast) -> None:
    fake.hide_viewer_count = True
    fake.viewer_count = 7
    fake.go_live()
    await desktop.goto(base_url + "/")
    await wait_playing(desktop, 0.5)
    assert re.fullmatch(r"Stream is online\. 0:00:\d\d", await desktop.text_content("#stream-status") or "")
    assert await desktop.text_content("#stream-viewer-count") == ""


async def test_phone_layout_without_chat(browser: Browser, base_url: str, fake: FakeOwncast) -> None:
    context = await browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    page = await context.new_page()
    problems = PageProblems(page)
    fake.config["extraPageContent"] = "".join(f"<p>Paragraph {i} of the long page.</p>" for i in range(40))
    # The layout without chat; test_chat_page.py covers phones with the chat under the video.
    fake.config["chatDisabled"] = True
    fake.stream_title = "Late night synth jam with friends from the forum"
    fake.go_live()
    await page.goto(base_url + "/")
    await wait_playing(page, 1.0)
    classes = await root_classes(page)
    assert {"single-col", "touch-screen", "no-chat", "sound-prompt"} <= classes
    assert "short-wide" not in classes
    box = await page.locator("#video-container").bounding_box()
    header = await page.locator("#top-content").bounding_box()
    assert box is not None and header is not None
    assert box["x"] == 0 and box["width"] == 390
    assert abs(box["height"] - 390 * 9 / 16) < 1.5
    assert abs(box["y"] - (header["y"] + header["height"])) < 1.5
    # The header title wraps rather than being cut to a few characters.
    fits = await page.eval_on_selector(
        "#global-header-text",
        "e => e.scrollWidth <= e.clientWidth + 1 && e.scrollHeight <= e.clientHeight + 1",
    )
    assert fits, "the whole title shows"
    # "Turn sound on" sits under the picture, not over it; no volume slider on a touch screen.
    prompt = await page.locator("#unmute-button").bounding_box()
    assert prompt is not None and prompt["y"] >= box["y"] + box["height"] - 1
    assert await page.locator(".player-volume-slider").count() == 0
    # Info is below the video; the video stays pinned while the page scrolls.
    info = await page.locator("#user-content").bounding_box()
    assert info is not None and info["y"] > box["y"] + box["height"]
    await shot(page, "phone-live")
    await page.tap("#unmute-button")
    assert await page.evaluate("document.querySelector('video').muted") is False
    # The page drops the prompt's class on its next render (not within the tap itself).
    await page.wait_for_function(
        "() => !document.querySelector('#app-container').classList.contains('sound-prompt')"
    )
    await page.evaluate("window.scrollBy(0, 600)")
    await page.wait_for_timeout(300)
    assert await page.evaluate("window.scrollY") > 500
    pinned = await page.locator("#video-container").bounding_box()
    assert pinned is not None and abs(pinned["y"] - box["y"]) < 1.5, "the video stays pinned under the header"
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
    assert await page.is_visible("#offline-banner")
    await shot(page, "embed-offline")
    assert fake.pings >= 1, "the embed counts its viewer"

    # A short broadcast whose playlist ends (#EXT-X-ENDLIST) while the server still says "online".
    fake.end_after_segments = 6
    fake.go_live()
    await wait_playing(page, 1.0)
    await show_controls(page)
    await shot(page, "embed-live")
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


@pytest.mark.alone  # counts status polls per second, which a starved browser does not keep up
async def test_offline_the_page_looks_every_second_so_a_low_latency_stream_starts_at_once(
    desktop: Page, base_url: str, fake: FakeOwncast
) -> None:
    """A low-latency stream is online about a second after the broadcaster starts: while offline the page
    asks for the status every second (not every 5 s), so it attaches the player within about a second
    of "online". Viewer pings stay at one per 5 s. The offline panel stays put through the polls (the same
    element, not rebuilt every second), and gives way to the player."""
    status_requests: list[float] = []
    desktop.on(
        "request",
        lambda request: status_requests.append(time.monotonic()) if "/api/status" in request.url else None,
    )
    await desktop.goto(base_url + "/")
    await desktop.wait_for_selector("#video-container #offline-banner h2:has-text('is offline')")
    await desktop.evaluate("() => { document.querySelector('#offline-banner').dataset.seen = 'yes'; }")
    await asyncio.sleep(3.5)
    assert len(status_requests) >= 3, status_requests
    assert fake.pings <= 1
    assert await desktop.get_attribute("#offline-banner", "data-seen") == "yes", "the panel was rebuilt"
    playlist_requested: asyncio.Future[float] = asyncio.get_running_loop().create_future()

    def on_request(request: Request) -> None:
        if "/hls/stream.m3u8" in request.url and not playlist_requested.done():
            playlist_requested.set_result(time.monotonic())

    desktop.on("request", on_request)
    fake.go_live()
    live_at = time.monotonic()
    attached_at = await asyncio.wait_for(playlist_requested, 10)
    assert attached_at - live_at < 2.5
    await desktop.wait_for_selector("#offline-banner", state="detached", timeout=10_000)
