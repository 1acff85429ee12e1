"""The replay page in headless chromium: a stream with a reconnect in the middle and chat messages sent
at known moments plays to its end, and each message shows within 0.5 s of the moment it was sent
relative to the video — measured through the page, after seeking forward and back; a hidden message
never shows; the chat can be hidden."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime

import aiohttp
import pytest
from playwright.async_api import Page

from tests.browser import chromium
from tests.chat.client import ChatSocket, register
from tests.e2e.test_replays import extinf_total, playlist, recorded_seconds, replays
from tests.e2e.waiting import wait_until
from tests.harness import RunningServer, admin_auth
from tests.media import Clip, start_publisher, stop_process

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

SYNC_TOLERANCE = 0.5


@dataclass(frozen=True)
class Sent:
    id: str
    body: str
    at: datetime


@dataclass(frozen=True)
class Span:
    """One segment on the video's timeline: where it starts in the video and the wall-clock time of its
    first frame."""

    start: float
    date: datetime
    duration: float


def timeline(text: str) -> list[Span]:
    spans: list[Span] = []
    position = 0.0
    date: datetime | None = None
    for line in text.splitlines():
        if line.startswith("#EXT-X-PROGRAM-DATE-TIME:"):
            date = datetime.fromisoformat(line.split(":", 1)[1])
        elif line.startswith("#EXTINF:"):
            duration = float(line.split(":")[1].rstrip(","))
            assert date is not None
            spans.append(Span(position, date, duration))
            position += duration
    return spans


def video_time_of(spans: list[Span], moment: datetime) -> float | None:
    """Where in the video `moment` is (None: in no segment, e.g. while the publisher was away)."""
    for span in spans:
        offset = (moment - span.date).total_seconds()
        if 0 <= offset < span.duration:
            return span.start + offset
    return None


async def publish_and_chat(clip: Clip, http: aiohttp.ClientSession, server: RunningServer, socket: ChatSocket,
                           bodies: list[str]) -> list[Sent]:  # fmt: skip
    """Publish, say each of `bodies` 1.5 s apart once video is being recorded, then stop."""
    before = await recorded_seconds(http, server.base_url)
    publisher = await start_publisher(clip, server.rtmp_url())
    sent = []
    try:

        async def recording() -> bool:
            return await recorded_seconds(http, server.base_url) >= before + 2

        await wait_until(recording, 40, "video being recorded")
        for body in bodies:
            await socket.chat(body)
            echo = await socket.expect("CHAT")
            sent.append(Sent(echo["id"], body, datetime.fromisoformat(echo["timestamp"])))
            await asyncio.sleep(1.5)
        await asyncio.sleep(2)
    finally:
        await stop_process(publisher)

    async def offline() -> bool:
        async with http.get(server.base_url + "/api/status") as response:
            return not (await response.json())["online"]

    await wait_until(offline, 30, "the stream to end")
    return sent


async def shown_ids(page: Page) -> list[str]:
    ids = await page.evaluate(
        "() => [...document.querySelectorAll('#replay-chat [data-message-id]')].map(e => e.dataset.messageId)"
    )
    return [str(item) for item in ids]


async def seek(page: Page, seconds: float) -> None:
    await page.evaluate(
        """(t) => new Promise((done) => {
            const video = document.querySelector('#replay-video');
            video.addEventListener('seeked', () => done(), { once: true });
            video.currentTime = t;
        })""",
        seconds,
    )


async def test_the_replay_plays_with_its_chat_in_sync(
    server: RunningServer, http: aiohttp.ClientSession, clip: Clip
) -> None:
    assert server.server.services is not None
    await server.server.services.config.update(replays_reconnect_window=5)
    user = await register(http, server.base_url, "watcher")
    socket = await ChatSocket.open(http, server.base_url, user.token)
    await socket.next()
    sent = await publish_and_chat(clip, http, server, socket, ["first words", "hidden words", "second words"])
    sent += await publish_and_chat(clip, http, server, socket, ["after the reconnect", "last words"])
    await socket.close()
    hidden = sent[1]
    async with http.post(
        server.base_url + "/api/admin/chat/updatemessagevisibility",
        json={"idArray": [hidden.id], "visible": False},
        headers=admin_auth(),
    ) as response:
        assert response.status == 200

    async def finalised() -> bool:
        listed = await replays(http, server.base_url)
        return bool(listed) and listed[0]["endTime"] is not None

    await wait_until(finalised, 15, "the replay to be finalised")
    (replay,) = await replays(http, server.base_url)
    text = await playlist(http, server.base_url, replay["id"])
    assert text.count("#EXT-X-DISCONTINUITY") == 1
    spans = timeline(text)
    visible = [message for message in sent if message is not hidden]
    places = {message.id: video_time_of(spans, message.at) for message in visible}
    assert all(place is not None for place in places.values()), places

    async with chromium() as browser:
        page = await browser.new_page(viewport={"width": 1280, "height": 800})
        await page.goto(f"{server.base_url}/replay/{replay['id']}")
        await page.wait_for_function(
            "() => { const v = document.querySelector('#replay-video'); return v && v.readyState >= 1 }",
            timeout=20_000,
        )
        duration = float(await page.evaluate("() => document.querySelector('#replay-video').duration"))
        assert abs(duration - extinf_total(text)) <= 1.0  # within one segment (1 s at latency level 0)

        async def check_at(seconds: float) -> None:
            """Seek to `seconds`; the page must show exactly the messages sent up to that moment."""
            await seek(page, seconds)
            expected = [m.id for m in visible if (place := places[m.id]) is not None and place <= seconds]

            async def matches() -> bool:
                return await shown_ids(page) == expected

            await wait_until(matches, 10, f"the chat as it was at {seconds:.2f} s: {expected}")

        # Forward through every message, then back: each one appears within 0.5 s of its moment.
        order = sorted(visible, key=lambda m: places[m.id] or 0.0)
        for message in order:
            place = places[message.id]
            assert place is not None
            await check_at(place + SYNC_TOLERANCE)
        for message in reversed(order):
            place = places[message.id]
            assert place is not None
            await check_at(max(0.0, place - SYNC_TOLERANCE))
            await check_at(place + SYNC_TOLERANCE)
        assert hidden.id not in await shown_ids(page)

        # To the end: it plays through and every visible message (never the hidden one) is there.
        await seek(page, max(0.0, duration - 2.5))
        await page.evaluate(
            "() => { const v = document.querySelector('#replay-video'); v.muted = true; v.play() }"
        )
        await page.wait_for_function("() => document.querySelector('#replay-video').ended", timeout=20_000)
        assert await shown_ids(page) == [m.id for m in order]
        assert "hidden words" not in await page.inner_text("#replay-chat")

        await page.get_by_role("button", name="Hide chat").click()
        assert await page.query_selector("#replay-chat") is None
        await page.get_by_role("button", name="Show chat").click()
        await page.wait_for_selector("#replay-chat")
        await page.close()


async def test_the_viewer_page_lists_past_streams_and_links_their_pages(
    server: RunningServer, http: aiohttp.ClientSession, clip: Clip
) -> None:
    assert server.server.services is not None
    await server.server.services.config.update(replays_reconnect_window=0, stream_title="Speedrun night")
    publisher = await start_publisher(clip, server.rtmp_url())
    try:

        async def recording() -> bool:
            return await recorded_seconds(http, server.base_url) >= 2

        await wait_until(recording, 40, "video being recorded")
    finally:
        await stop_process(publisher)
    async with chromium() as browser:
        page = await browser.new_page(viewport={"width": 1280, "height": 800})
        await page.goto(server.base_url + "/")
        link = page.locator("#past-streams a")
        await link.wait_for(timeout=15_000)
        assert "Speedrun night" in await link.inner_text()
        await link.click()
        await page.wait_for_selector("#replay-video", timeout=10_000)
        await page.locator("h1", has_text="Speedrun night").wait_for(timeout=10_000)
        assert page.url.startswith(server.base_url + "/replay/")
        await page.goto(server.base_url + "/replay/unknown")
        await page.wait_for_selector(".replay-error", timeout=10_000)
        await page.close()
