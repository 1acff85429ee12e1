"""The admin Schedule page's rule helpers (web/src/admin/schedule.ts), run in headless chromium: the
weekly rule the form writes is read back into the form's fields for editing, and every other rule is
left to details-only editing.

`web/test/schedule-units.ts` exposes them on `window.scheduleUnits`, bundled here with the esbuild from
web/node_modules (installed by `npm ci`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from playwright.async_api import Browser, Page

from tests.web.units_page import bundle, run_in, units_page

pytestmark = pytest.mark.browser


@pytest.fixture(scope="session")
def units_script() -> str:
    return bundle("test/schedule-units.ts")


@pytest.fixture
async def units(browser: Browser, units_script: str) -> AsyncIterator[Page]:
    async with units_page(browser, units_script) as page:
        yield page


async def run(page: Page, body: str, arg: Any = None) -> Any:
    return await run_in(page, "scheduleUnits", body, arg)


async def test_the_forms_weekly_rule_reads_back_into_its_fields(units: Page) -> None:
    fields = {
        "date": "2027-03-14",
        "time": "20:00",
        "zone": "Europe/Berlin",
        "days": ["MO", "SU"],
        "until": "2027-06-30",
    }
    write = "return u.weeklyRecurrence(arg.date, arg.time, arg.zone, arg.days, arg.until);"
    value = await run(units, write, fields)
    # The last day ends at 23:59 in the rule's zone (summer time in Berlin: 21:59 UTC).
    assert value == (
        "DTSTART;TZID=Europe/Berlin:20270314T200000\nRRULE:FREQ=WEEKLY;BYDAY=MO,SU;UNTIL=20270630T215900Z"
    )
    assert await run(units, "return u.parseWeekly(arg);", value) == fields
    without_end = "DTSTART;TZID=America/Los_Angeles:20260706T180000\nRRULE:FREQ=WEEKLY;BYDAY=FR,MO"
    assert await run(units, "return u.parseWeekly(arg);", without_end) == {
        "date": "2026-07-06",
        "time": "18:00",
        "zone": "America/Los_Angeles",
        "days": ["MO", "FR"],  # in the week's order, as the form writes them
        "until": "",
    }
    utc = "DTSTART:20260706T180000Z\nRRULE:FREQ=WEEKLY;BYDAY=TU"
    assert (await run(units, "return u.parseWeekly(arg);", utc))["zone"] == "UTC"


@pytest.mark.parametrize(
    "value",
    [
        "DTSTART;TZID=Europe/Berlin:20270314T200000\nRRULE:FREQ=DAILY;COUNT=3",
        "DTSTART;TZID=Europe/Berlin:20270314T200000\nRRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=MO",
        "DTSTART;TZID=Europe/Berlin:20270314T200000\nRRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=4",
        "DTSTART;TZID=Europe/Berlin:20270314T200000\nRRULE:FREQ=MONTHLY;BYDAY=1MO",
        "DTSTART;TZID=Europe/Berlin:20270314T200000\nRRULE:FREQ=WEEKLY;BYDAY=1MO",
        "DTSTART;TZID=Europe/Berlin:20270314T200030\nRRULE:FREQ=WEEKLY;BYDAY=MO",
        "DTSTART;TZID=Europe/Berlin:20270314T200000\nRRULE:FREQ=WEEKLY",
        "DTSTART;TZID=Europe/Berlin:20270314T200000\nRRULE:FREQ=WEEKLY;BYDAY=MO;UNTIL=20270630",
        "RRULE:FREQ=WEEKLY;BYDAY=MO\nDTSTART;TZID=Europe/Berlin:20270314T200000",
        "RRULE:FREQ=WEEKLY;BYDAY=MO",
    ],
)
async def test_other_rules_are_edited_by_their_details_only(units: Page, value: str) -> None:
    assert await run(units, "return u.parseWeekly(arg);", value) is None


async def test_wall_time_in_a_zone(units: Page) -> None:
    new_york = await run(units, "return u.wallTime(new Date('2027-07-01T16:05:00Z'), 'America/New_York');")
    assert new_york == {"date": "2027-07-01", "time": "12:05"}
    late = await run(units, "return u.wallTime(new Date('2027-01-01T04:30:00Z'), 'America/Los_Angeles');")
    assert late == {"date": "2026-12-31", "time": "20:30"}
    assert await run(units, "return u.wallTime(new Date(), 'Mars/Olympus_Mons');") is None
    # And back: the instant of a wall time, across the zone's change to summer time.
    instant = await run(units, "return u.zonedInstant('2027-03-29', '09:30', 'Europe/Berlin').toISOString();")
    assert instant == "2027-03-29T07:30:00.000Z"
