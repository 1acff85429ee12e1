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


# --- editing ------------------------------------------------------------------------------------------

NEW_YORK = ZoneInfo("America/New_York")
BERLIN = ZoneInfo("Europe/Berlin")
DAY_CODES = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
DAY_LABELS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


def utc_text(instant: datetime) -> str:
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def find(document: dict[str, Any], kind: str, key: str, value: Any) -> list[dict[str, Any]]:
    return [item for item in document[kind] if item.get(key) == value]


async def test_editing_a_stream_moves_it_and_shows_the_servers_refusal(
    server: RunningServer, admin: BrowserContext
) -> None:
    # A one-time stream scheduled in New York, edited from a browser in Berlin: the dialog shows and
    # takes New York wall time, the zone the stream was scheduled in.
    day = (datetime.now(NEW_YORK) + timedelta(days=3)).date()
    start = datetime(day.year, day.month, day.day, 19, 0, tzinfo=NEW_YORK)
    created = await api(
        server,
        "/api/admin/schedule/event",
        {"name": "Quiz night", "start": start.isoformat(), "timezone": "America/New_York"},
    )
    [quiz] = find(created, "events", "name", "Quiz night")

    page, problems = await open_page(admin, server.base_url + "/admin/schedule/")
    coming = page.get_by_role("table", name="Coming streams")
    await coming.wait_for(timeout=TIMEOUT_MS)
    row = coming.locator("tbody tr").filter(has_text="Quiz night")
    await row.get_by_role("button", name=re.compile(r"^Edit Quiz night")).click()
    dialog = page.get_by_role("dialog", name="Edit Quiz night")
    await dialog.wait_for(timeout=TIMEOUT_MS)
    assert await dialog.get_by_label("Date").input_value() == day.isoformat()
    assert await dialog.get_by_label("Start time").input_value() == "19:00"
    assert "America/New_York" in await dialog.inner_text()

    await dialog.get_by_label("Name").fill("Quiz night: music round")
    await dialog.get_by_label("Description (optional)").fill("Name that tune.")
    await dialog.get_by_label("Reminder message (optional)").fill("Bring headphones!")
    await dialog.get_by_label("Start time").fill("21:30")
    await dialog.get_by_label("Length (minutes)").fill("90")
    assert await axe_violations(page) == [], describe(await axe_violations(page))
    await screenshot(page, "admin-schedule-edit-event-1280.png", full_page=False)
    await dialog.get_by_role("button", name="Save").click()
    await dialog.wait_for(state="detached", timeout=TIMEOUT_MS)
    await row.filter(has_text="music round").wait_for(timeout=TIMEOUT_MS)

    [edited] = find(await api(server, "/api/admin/schedule"), "events", "id", quiz["id"])
    moved = datetime(day.year, day.month, day.day, 21, 30, tzinfo=NEW_YORK)
    assert edited == quiz | {
        "name": "Quiz night: music round",
        "description": "Name that tune.",
        "reminderMessage": "Bring headphones!",
        "startTime": utc_text(moved),
        "durationMinutes": 90,
        "timezone": "America/New_York",
    }

    # Into the past: the server refuses, the dialog stays open with its message and nothing changes.
    row = coming.locator("tbody tr").filter(has_text="music round")
    await row.get_by_role("button", name=re.compile(r"^Edit Quiz night")).click()
    dialog = page.get_by_role("dialog", name="Edit Quiz night: music round")
    yesterday = (datetime.now(NEW_YORK) - timedelta(days=1)).date()
    await dialog.get_by_label("Date").fill(yesterday.isoformat())
    await dialog.get_by_role("button", name="Save").click()
    await dialog.get_by_text("start must be in the future").wait_for(timeout=TIMEOUT_MS)
    assert await dialog.is_visible()
    [unchanged] = find(await api(server, "/api/admin/schedule"), "events", "id", quiz["id"])
    assert unchanged == edited
    await page.set_viewport_size(PHONE)
    await dialog.get_by_text("start must be in the future").scroll_into_view_if_needed()
    await screenshot(page, "admin-schedule-edit-event-error-390.png", full_page=False)
    await page.set_viewport_size(DESKTOP)
    await dialog.get_by_role("button", name="Cancel").click()

    # Cancelled: marked, never reminded, no longer editable; then deleted (a one-time stream can be).
    await row.get_by_role("button", name=re.compile(r"^Cancel Quiz night")).click()
    await (
        page.get_by_role("dialog", name="Cancel this stream?")
        .get_by_role("button", name="Cancel the stream")
        .click()
    )
    await page.get_by_text("Stream cancelled").wait_for(timeout=TIMEOUT_MS)
    assert (await row.locator('td[data-label="Status"]').inner_text()) == "Cancelled"
    assert await row.get_by_role("button", name=re.compile(r"^Edit")).count() == 0
    [cancelled] = find(await api(server, "/api/admin/schedule"), "events", "id", quiz["id"])
    assert cancelled["status"] == "cancelled"

    # A stale row (deleted meanwhile through the API): the server's message shows on the page.
    await api(server, "/api/admin/schedule/event/delete", {"id": quiz["id"]})
    await row.get_by_role("button", name=re.compile(r"^Delete Quiz night")).click()
    await page.get_by_role("dialog", name="Delete this stream?").get_by_role("button", name="Delete").click()
    await page.get_by_text("no scheduled event or series with that id").wait_for(timeout=TIMEOUT_MS)
    await row.wait_for(state="detached", timeout=TIMEOUT_MS)  # the list was reloaded
    problems.messages = [m for m in problems.messages if "/api/admin/schedule/event" not in m]
    problems.check()


async def test_editing_a_series_and_its_streams(server: RunningServer, admin: BrowserContext) -> None:
    first = (datetime.now(BERLIN) + timedelta(days=1)).date()
    first_code = DAY_CODES[first.weekday()]
    recurrence = f"DTSTART;TZID=Europe/Berlin:{first:%Y%m%d}T080000\nRRULE:FREQ=WEEKLY;BYDAY={first_code}"
    created = await api(
        server, "/api/admin/schedule/event", {"name": "Morning coffee", "recurrence": recurrence}
    )
    [series] = find(created, "series", "name", "Morning coffee")
    occurrences = find(created, "events", "seriesId", series["id"])
    assert len(occurrences) >= 4

    page, problems = await open_page(admin, server.base_url + "/admin/schedule/")
    coming = page.get_by_role("table", name="Coming streams")
    await coming.wait_for(timeout=TIMEOUT_MS)

    # One occurrence of the series: only that one changes.
    first_row = coming.locator("tbody tr").filter(has_text="Morning coffee").first
    await first_row.get_by_role("button", name=re.compile(r"^Edit Morning coffee")).click()
    dialog = page.get_by_role("dialog", name="Edit Morning coffee")
    note = dialog.get_by_text("One stream of the weekly series “Morning coffee”")
    await note.wait_for(timeout=TIMEOUT_MS)
    await dialog.get_by_label("Name").fill("Morning coffee with a guest")
    await dialog.get_by_role("button", name="Save").click()
    await dialog.wait_for(state="detached", timeout=TIMEOUT_MS)
    document = await api(server, "/api/admin/schedule")
    names = [event["name"] for event in find(document, "events", "seriesId", series["id"])]
    assert names[0] == "Morning coffee with a guest"
    assert set(names[1:]) == {"Morning coffee"}

    # The series: details, time, a second day and a last day.
    table = page.get_by_role("table", name="Weekly series")
    await table.get_by_role("button", name="Edit the series Morning coffee").click()
    dialog = page.get_by_role("dialog", name="Edit Morning coffee")
    await dialog.wait_for(timeout=TIMEOUT_MS)
    assert await dialog.get_by_label("Start time").input_value() == "08:00"
    assert await dialog.get_by_label("First day").input_value() == first.isoformat()
    first_label = DAY_LABELS[first.weekday()]
    assert await dialog.get_by_label(first_label, exact=True).is_checked()
    second = first + timedelta(days=2)
    last = first + timedelta(days=60)
    await dialog.get_by_label("Name").fill("Morning coffee & code")
    await dialog.get_by_label("Reminder message (optional)").fill("Coffee in ten!")
    await dialog.get_by_label("Start time").fill("09:30")
    await dialog.get_by_label(DAY_LABELS[second.weekday()], exact=True).check()
    await dialog.get_by_label("Last day (optional)").fill(last.isoformat())
    await dialog.get_by_label("Length (minutes)").fill("45")
    await dialog.get_by_role("button", name="Show the next dates").click()
    dates = dialog.get_by_role("list", name="The next dates")
    await dates.wait_for(timeout=TIMEOUT_MS)
    assert await dates.locator("li").count() == 5
    assert await axe_violations(page) == [], describe(await axe_violations(page))
    await dialog.get_by_label("Start time").scroll_into_view_if_needed()
    await screenshot(page, "admin-schedule-edit-series-1280.png", full_page=False)
    await page.set_viewport_size(PHONE)
    await dialog.get_by_role("heading", name="Edit Morning coffee").scroll_into_view_if_needed()
    await screenshot(page, "admin-schedule-edit-series-390.png", full_page=False)
    await page.set_viewport_size(DESKTOP)
    await dialog.get_by_role("button", name="Save").click()
    await dialog.wait_for(state="detached", timeout=TIMEOUT_MS)

    until = datetime(last.year, last.month, last.day, 23, 59, tzinfo=BERLIN).astimezone(UTC)
    days = ",".join(code for code in DAY_CODES if code in (first_code, DAY_CODES[second.weekday()]))
    document = await api(server, "/api/admin/schedule")
    [edited] = find(document, "series", "id", series["id"])
    assert edited == series | {
        "name": "Morning coffee & code",
        "reminderMessage": "Coffee in ten!",
        "durationMinutes": 45,
        "recurrence": f"DTSTART;TZID=Europe/Berlin:{first:%Y%m%d}T093000\n"
        f"RRULE:FREQ=WEEKLY;BYDAY={days};UNTIL={until:%Y%m%dT%H%M%SZ}",
    }
    coming_events = find(document, "events", "seriesId", series["id"])
    assert len(coming_events) >= 8
    for event in coming_events:  # re-made from the series: the one-off edit is gone, as the dialog said
        local = datetime.fromisoformat(event["startTime"]).astimezone(BERLIN)
        shown = (event["name"], event["durationMinutes"], f"{local:%H:%M}")
        assert shown == ("Morning coffee & code", 45, "09:30")
    await table.get_by_text(f"until {last.isoformat()}").wait_for(timeout=TIMEOUT_MS)

    # A rule the form does not write (daily, a count): the details only; the rule stays as it is.
    daily = f"DTSTART;TZID=Europe/Berlin:{first:%Y%m%d}T070000\nRRULE:FREQ=DAILY;COUNT=3"
    await api(server, "/api/admin/schedule/event", {"name": "Stretching", "recurrence": daily})
    await page.reload()
    await table.get_by_role("button", name="Edit the series Stretching").click()
    dialog = page.get_by_role("dialog", name="Edit Stretching")
    await dialog.get_by_text("FREQ=DAILY;COUNT=3").wait_for(timeout=TIMEOUT_MS)
    assert await dialog.get_by_label("Mon", exact=True).count() == 0
    await dialog.get_by_label("Description (optional)").fill("Ten minutes, gently.")
    await dialog.get_by_role("button", name="Save").click()
    await dialog.wait_for(state="detached", timeout=TIMEOUT_MS)
    [stretching] = find(await api(server, "/api/admin/schedule"), "series", "name", "Stretching")
    assert (stretching["description"], stretching["recurrence"]) == ("Ten minutes, gently.", daily)

    # Paused: no new streams, the listed ones stay.
    await table.get_by_role("button", name="Pause the series Stretching").click()
    await page.get_by_role("dialog", name="Pause this series?").get_by_role("button", name="Pause").click()
    await page.get_by_text("Series paused").wait_for(timeout=TIMEOUT_MS)
    [paused] = find(await api(server, "/api/admin/schedule"), "series", "name", "Stretching")
    assert paused["active"] is False
    assert await table.get_by_role("button", name="Pause the series Stretching").count() == 0
    problems.check()
