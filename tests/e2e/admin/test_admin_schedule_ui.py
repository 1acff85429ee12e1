"""Scheduled streams in chromium (Owncast's development-branch schedule): the viewer page's countdown while
offline, in the viewer's own locale and zone, and the dashboard's Schedule page used as a streamer does.
Screenshots at desktop and phone width go to OWNSTREAM_ADMIN_SCREENSHOTS."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp
import pytest
import pytest_asyncio
from playwright.async_api import Browser, BrowserContext, ViewportSize

from tests.harness import RunningServer, admin_auth, make_settings, running_server

from .ui import PHONE, TIMEOUT_MS, axe_violations, describe, log_in, open_page, screenshot

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.browser,
    pytest.mark.xdist_group("admin-schedule-ui"),
    pytest.mark.asyncio(loop_scope="module"),
]

ADMIN = admin_auth()
VIEWER_ZONE = "America/New_York"
DESKTOP: ViewportSize = {"width": 1280, "height": 800}


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def server(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[RunningServer]:
    data = tmp_path_factory.mktemp("admin-schedule-ui") / "data"
    async with running_server(data, make_settings(data)) as running:
        yield running


async def api(server: RunningServer, path: str, body: Any = None) -> Any:
    async with aiohttp.ClientSession() as http:
        method = "GET" if body is None else "POST"
        async with http.request(method, server.base_url + path, json=body, headers=ADMIN) as response:
            assert response.status == 200, await response.text()
            return await response.json()


async def test_the_offline_page_counts_down_to_the_next_stream(
    server: RunningServer, browser: Browser
) -> None:
    start = (datetime.now(UTC) + timedelta(hours=2, minutes=30)).replace(second=0, microsecond=0)
    await api(server, "/api/admin/schedule/event", {"name": "Friday build night", "start": start.isoformat()})
    for path, value in (("enabled", True), ("showcountdown", True)):
        await api(server, f"/api/admin/config/schedule/{path}", {"value": value})

    context = await browser.new_context(viewport=DESKTOP, locale="en-US", timezone_id=VIEWER_ZONE)
    try:
        page = await context.new_page()
        await page.goto(server.base_url + "/")
        panel = page.locator("#offline-banner .next-stream")
        await panel.wait_for(timeout=TIMEOUT_MS)
        assert await panel.locator(".next-stream-name").inner_text() == "Friday build night"
        local = start.astimezone(ZoneInfo(VIEWER_ZONE))
        shown = await panel.locator("time").inner_text()
        assert f"{local:%A}" in shown and f"{local.hour % 12 or 12}:{local:%M}" in shown, shown
        assert re.search(r"\bE[SD]T\b", shown), "the viewer's zone, not the server's"
        assert await panel.locator("time").get_attribute("datetime") == start.strftime("%Y-%m-%dT%H:%M:%SZ")
        left = panel.locator(".next-stream-left")
        first = await left.inner_text()
        assert re.fullmatch(r"2:(29|30):\d\d", first), first
        await page.wait_for_function(
            "(before) => document.querySelector('.next-stream-left').textContent !== before", arg=first
        )
        assert await axe_violations(page) == [], describe(await axe_violations(page))
        await screenshot(page, "viewer-countdown-1280.png")
        await page.set_viewport_size(PHONE)
        await panel.wait_for(timeout=TIMEOUT_MS)
        await screenshot(page, "viewer-countdown-390.png")
        # The streamer switches the countdown off: the next stream stays, the ticking goes.
        await api(server, "/api/admin/config/schedule/showcountdown", {"value": False})
        await page.reload()
        await panel.wait_for(timeout=TIMEOUT_MS)
        assert await panel.locator(".next-stream-countdown").count() == 0
    finally:
        await context.close()


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def admin(server: RunningServer, browser: Browser) -> AsyncIterator[BrowserContext]:
    context = await browser.new_context(viewport=DESKTOP, timezone_id="Europe/Berlin")
    page = await context.new_page()
    await log_in(page, server.base_url)
    await page.close()
    yield context
    await context.close()


async def test_the_schedule_page_adds_a_weekly_series(server: RunningServer, admin: BrowserContext) -> None:
    page, problems = await open_page(admin, server.base_url + "/admin/schedule/")
    await page.get_by_role("heading", name="Coming streams").wait_for(timeout=TIMEOUT_MS)
    await page.get_by_role("button", name="Schedule a stream").click()
    dialog = page.get_by_role("dialog", name="Schedule a stream")
    await dialog.get_by_label("Every week").check()
    await dialog.get_by_label("Name").fill("Sunday workshop")
    await dialog.get_by_label("First day").fill("2027-03-14")
    await dialog.get_by_label("Start time").fill("20:00")
    await dialog.get_by_label("Time zone").select_option("Europe/Berlin")
    await dialog.get_by_label("Sun").check()
    await dialog.get_by_role("button", name="Show the next dates").click()
    dates = dialog.get_by_role("list", name="The next dates")
    await dates.wait_for(timeout=TIMEOUT_MS)
    assert await dates.locator("li").count() == 5
    await dialog.get_by_role("button", name="Schedule", exact=True).click()
    series = page.get_by_role("table", name="Weekly series")
    await series.wait_for(timeout=TIMEOUT_MS)
    assert "Weekly on Sun at 20:00 (Europe/Berlin)" in await series.inner_text()
    document = await api(server, "/api/admin/schedule")
    assert [s["recurrence"] for s in document["series"]] == [
        "DTSTART;TZID=Europe/Berlin:20270314T200000\nRRULE:FREQ=WEEKLY;BYDAY=SU"
    ]

    await page.get_by_label("Open the chat early").select_option("10")
    await page.get_by_text("Saved").first.wait_for(timeout=TIMEOUT_MS)
    assert (await api(server, "/api/admin/serverconfig"))["schedule"]["chatOpenMinutesBefore"] == 10
    assert await axe_violations(page) == [], describe(await axe_violations(page))
    await screenshot(page, "admin-schedule-1280.png")
    await page.set_viewport_size(PHONE)
    await page.reload()  # the phone layout from the start (the menu closed), as a phone opens the page
    await page.get_by_role("heading", name="Weekly series").wait_for(timeout=TIMEOUT_MS)
    await screenshot(page, "admin-schedule-390.png")
    await page.set_viewport_size(DESKTOP)
    problems.check()
