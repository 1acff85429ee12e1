"""Stream Health's list of players in chromium (newer Owncast's development-branch
`/api/admin/viewers/playback`): players on loopback ping as the viewer page does and report their playback
to the real endpoints — CMCD as JSON and in the `?CMCD=` dictionary form, and the older
`/api/metrics/playback` — and the page shows one row per player, an empty state before anyone watches,
and a later report after its next refresh. Screenshots at desktop and phone width go to
OWNSTREAM_ADMIN_SCREENSHOTS."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import pytest
import pytest_asyncio
from playwright.async_api import Browser, BrowserContext, Locator, ViewportSize

from tests.harness import RunningServer, admin_auth, make_settings, running_server

from .seed import FIREFOX, PHONE_SAFARI
from .ui import PHONE, TIMEOUT_MS, axe_violations, describe, log_in, open_page, screenshot

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.browser,
    pytest.mark.xdist_group("admin-stream-health-ui"),
    pytest.mark.asyncio(loop_scope="module"),
]

DESKTOP: ViewportSize = {"width": 1280, "height": 800}
CHROME_ANDROID = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Mobile Safari/537.36"
)
EDGE_WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Safari/537.36 Edg/124.0.0.0"
)
PING_EVERY = 3.0
"""Seconds between a player's pings (the viewer page pings every 4 s while playing)."""
REFRESH_WAIT_MS = 25_000
"""The page polls every 15 s."""


@dataclass
class Player:
    """A viewer's player on loopback: pings to stay an active viewer and reports as it is told."""

    base_url: str
    user_agent: str
    http: aiohttp.ClientSession = field(init=False)
    pinger: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self.http = aiohttp.ClientSession(headers={"User-Agent": self.user_agent})
        await self.ping()
        self.pinger = asyncio.create_task(self._keep_pinging(), name=f"ping-{self.user_agent[:20]}")

    async def ping(self) -> None:
        async with self.http.get(self.base_url + "/api/ping") as response:
            assert response.status == 200

    async def _keep_pinging(self) -> None:
        while True:
            await asyncio.sleep(PING_EVERY)
            with contextlib.suppress(aiohttp.ClientError):
                await self.ping()

    async def cmcd(self, report: dict[str, Any]) -> None:
        async with self.http.post(self.base_url + "/api/metrics/cmcd", json=report) as response:
            assert response.status == 200, await response.text()

    async def cmcd_query(self, payload: str) -> None:
        async with self.http.get(self.base_url + "/api/metrics/cmcd", params={"CMCD": payload}) as response:
            assert response.status == 200, await response.text()

    async def playback(self, report: dict[str, Any]) -> None:
        async with self.http.post(self.base_url + "/api/metrics/playback", json=report) as response:
            assert response.status == 200, await response.text()

    async def stop(self) -> None:
        if self.pinger is not None:
            self.pinger.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.pinger
        await self.http.close()


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def server(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[RunningServer]:
    data = tmp_path_factory.mktemp("admin-stream-health-ui") / "data"
    async with running_server(data, make_settings(data)) as running:
        yield running


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def admin(server: RunningServer, browser: Browser) -> AsyncIterator[BrowserContext]:
    context = await browser.new_context(viewport=DESKTOP)
    page = await context.new_page()
    await log_in(page, server.base_url)
    await page.close()
    yield context
    await context.close()


async def admin_players(server: RunningServer) -> list[dict[str, Any]]:
    async with (
        aiohttp.ClientSession() as http,
        http.get(server.base_url + "/api/admin/viewers/playback", headers=admin_auth()) as response,
    ):
        assert response.status == 200
        entries: list[dict[str, Any]] = await response.json()
        return entries


def row_of(table: Locator, text: str) -> Locator:
    return table.locator("tbody tr").filter(has_text=text)


async def cell(row: Locator, label: str) -> str:
    return await row.locator(f'td[data-label="{label}"]').inner_text()


async def test_each_player_watching_is_listed_with_its_playback(
    server: RunningServer, admin: BrowserContext
) -> None:
    page, problems = await open_page(admin, server.base_url + "/admin/stream-health")
    section = page.locator("section", has=page.get_by_role("heading", name="Each player now"))
    await section.get_by_text("Nobody is watching: the stream is offline.").wait_for(timeout=TIMEOUT_MS)

    phone = Player(server.base_url, PHONE_SAFARI)
    laptop = Player(server.base_url, FIREFOX)
    stalled = Player(server.base_url, CHROME_ANDROID)
    silent = Player(server.base_url, EDGE_WINDOWS)
    players = [phone, laptop, stalled, silent]
    try:
        for player in players:
            await player.start()
        # CMCD v2 as JSON, with its own session id.
        await phone.cmcd(
            {"sid": "6e2f1c9a-3b7d-4d1e-9f0a-2c5b8e7d4a10", "sta": "p", "br": 1200, "mtp": 4800, "ltc": 3200}
        )
        await phone.cmcd({"sid": "6e2f1c9a-3b7d-4d1e-9f0a-2c5b8e7d4a10", "ttlb": 450})
        # The viewer page's own report (the older endpoint): deltas of errors and quality changes.
        await laptop.playback(
            {
                "bandwidth": 2500,
                "latency": 5.5,
                "errors": 2,
                "downloadDuration": 0.8,
                "qualityVariantChanges": 1,
            }
        )
        # CMCD in the dictionary syntax: a stalled player with a buffer starvation.
        await stalled.cmcd_query('sid="stall-1",sta=w,br=600,bs,mtp=900')

        entries = await admin_players(server)
        assert len(entries) == 4, entries
        await page.reload()
        table = page.get_by_role("table", name="Players watching now")
        await table.wait_for(timeout=TIMEOUT_MS)
        assert await table.locator("tbody tr").count() == 4

        iphone = row_of(table, "Safari 17 on iOS")
        assert "6e2f1c9a" in await cell(iphone, "Player")
        assert await cell(iphone, "State") == "Playing"
        assert await cell(iphone, "Rendition") == "1.2 Mbit/s"
        assert await cell(iphone, "Bandwidth") == "4.8 Mbit/s"
        assert await cell(iphone, "Behind live") == "3.2 s"
        assert await cell(iphone, "Segment download") == "0.45 s"
        assert await cell(iphone, "Errors") == "0"
        assert "from the player" in await cell(iphone, "Last update")

        firefox = row_of(table, "Firefox 128 on Linux")
        assert await cell(firefox, "Bandwidth") == "2.5 Mbit/s"
        assert await cell(firefox, "Behind live") == "5.5 s"
        assert await cell(firefox, "Segment download") == "0.80 s"
        assert await cell(firefox, "Errors") == "2"
        assert await cell(firefox, "Quality changes") == "1"
        assert await cell(firefox, "Rendition") == "—", "the older report has no rendition"

        android = row_of(table, "Chrome 124 on Android")
        assert await cell(android, "State") == "Stalled"
        assert await cell(android, "Rendition") == "600 kbit/s"
        assert await cell(android, "Errors") == "1"

        edge = row_of(table, "Edge 124 on Windows")
        assert await cell(edge, "State") == "Not measured yet"
        assert await cell(edge, "Errors") == "—"
        assert await cell(edge, "Last update") == "—"
        assert "(3 of 4 measured)" in await section.inner_text()

        assert await axe_violations(page) == [], describe(await axe_violations(page))
        await screenshot(page, "admin-stream-health-players-1280.png")

        # The phone switches to a higher rendition: the list shows it after its next refresh, untouched.
        await phone.cmcd({"sid": "6e2f1c9a-3b7d-4d1e-9f0a-2c5b8e7d4a10", "sta": "p", "br": 2400, "mtp": 5200})
        await page.wait_for_function(
            """() => [...document.querySelectorAll('table tbody tr')].some((row) =>
                 row.textContent.includes('Safari 17 on iOS') &&
                 row.querySelector('td[data-label="Rendition"]').textContent === '2.4 Mbit/s')""",
            timeout=REFRESH_WAIT_MS,
        )
        assert await cell(iphone, "Quality changes") == "1"

        await page.set_viewport_size(PHONE)
        await page.reload()
        await table.wait_for(timeout=TIMEOUT_MS)
        # Each row is a card (the cells labelled by their column), nothing wider than the screen.
        assert await page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
        first_cell = table.locator("tbody td").first
        assert await first_cell.evaluate("(td) => getComputedStyle(td).display") == "grid"
        assert await axe_violations(page) == [], describe(await axe_violations(page))
        await screenshot(page, "admin-stream-health-players-390.png")
        await page.set_viewport_size(DESKTOP)
    finally:
        for player in players:
            await player.stop()
    problems.check()
