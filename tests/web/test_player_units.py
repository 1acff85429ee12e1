"""The player's pure pieces (web/src/player/hls-config.ts, latency-compensator.ts, live-edge.ts), run in
headless chromium.

`web/test/player-units.ts` exposes them on `window.playerUnits`; it is bundled here with the esbuild from
web/node_modules, loaded into a blank page and called with `page.evaluate`.
"""

from __future__ import annotations

import subprocess
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Browser, Page

pytestmark = pytest.mark.browser

WEB = Path(__file__).resolve().parents[2] / "web"
ESBUILD = WEB / "node_modules" / ".bin" / "esbuild"


@pytest.fixture(scope="session")
def units_script() -> str:
    if not ESBUILD.exists():
        pytest.fail("web/node_modules is missing: run `npm ci` in web/", pytrace=False)
    result = subprocess.run(
        [
            str(ESBUILD),
            "test/player-units.ts",
            "--bundle",
            "--format=iife",
            "--target=es2020",
            "--define:__HLS_WORKER_URL__='\"/static/hls.worker.js\"'",
            "--log-level=warning",
        ],
        cwd=WEB,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout


@pytest.fixture
async def units(browser: Browser, units_script: str) -> AsyncIterator[Page]:
    page = await browser.new_page()
    await page.set_content("<!doctype html><html><body></body></html>")
    await page.add_script_tag(content=units_script)
    yield page
    await page.close()


async def run(page: Page, body: str, arg: Any = None) -> Any:
    return await page.evaluate(f"(arg) => {{ const u = window.playerUnits; {body} }}", arg)


async def test_hls_js_runs_in_low_latency_mode_without_cache_busting_playlists(units: Page) -> None:
    config = await run(
        units,
        "const c = u.liveHlsConfig(); return {low: c.lowLatencyMode, xhr: typeof c.xhrSetup, "
        "sync: 'liveSyncDurationCount' in c, rate: c.maxLiveSyncPlaybackRate, "
        "stall: c.liveSyncOnStallIncrease};",
    )
    # Blocking reloads only collapse in a cache when every viewer asks for the same URL.
    assert config == {"low": True, "xhr": "undefined", "sync": False, "rate": 1, "stall": 0}
    assert await run(units, "return u.STANDARD_SYNC_SEGMENTS;") == 2


def reading(
    behind: float | None, *, low: bool = True, buffer: float = 1.0, paused: bool = False
) -> dict[str, Any]:
    return {"lowLatency": low, "behind": behind, "bufferAhead": buffer, "paused": paused}


@pytest.mark.parametrize(
    ("state", "catching_up", "rate"),
    [
        (reading(0.2), False, 1),
        (reading(0.9), False, 1),
        (reading(1.2), False, 1.1),
        (reading(0.5), True, 1.1),  # keeps catching up until within a quarter second
        (reading(0.2), True, 1),
        (reading(3.0, low=False), False, 1),  # standard HLS: off
        (reading(3.0, buffer=0.1), True, 1),  # nearly empty buffer: would stall again
        (reading(3.0, paused=True), False, 1),
        (reading(30.0), False, 1),  # far behind on purpose (a pause): the LIVE button's job
        (reading(None), False, 1),
    ],
)
async def test_the_compensator_speeds_up_only_when_it_should(
    units: Page, state: dict[str, Any], catching_up: bool, rate: float
) -> None:
    got = await run(
        units,
        "return u.compensatedRate(arg.state, arg.catchingUp);",
        {"state": state, "catchingUp": catching_up},
    )
    assert got == rate
    assert got <= await run(units, "return u.CATCH_UP_RATE;")


@pytest.mark.parametrize(
    ("paused", "behind", "offered"),
    [
        (False, 0.1, False),
        (False, None, False),
        (False, 2.9, False),  # the compensator's range: it catches up by itself
        (False, 3.5, True),  # a long stall left the viewer behind
        (True, None, True),  # paused: going back to live is one click
        (True, 0.0, True),
    ],
)
async def test_behind_live_after_a_pause_or_when_far_behind(
    units: Page, paused: bool, behind: float | None, offered: bool
) -> None:
    got = await run(
        units, "return u.offersJumpToLive(arg.paused, arg.behind);", {"paused": paused, "behind": behind}
    )
    assert got is offered
    assert await run(units, "return u.BEHIND_LIVE_S;") == 3


def edge_case(
    *,
    paused: bool = False,
    measured: float | None = None,
    target: float | None = None,
    current_time: float = 100.0,
    seekable_end: float | None = None,
) -> dict[str, Any]:
    return {
        "paused": paused,
        "measured": measured,
        "target": target,
        "currentTime": current_time,
        "seekableEnd": seekable_end,
    }


@pytest.mark.parametrize(
    ("case", "at_edge", "behind"),
    [
        # hls.js's own measure decides, whatever the seekable range says (it lags a playlist refresh).
        (edge_case(measured=0.4, target=1.0, seekable_end=110.0), True, 0.4),
        (edge_case(measured=3.5, target=1.0, seekable_end=101.0), False, 3.5),
        (edge_case(paused=True, measured=0.0, target=1.0, seekable_end=101.0), False, 0.0),
        # The browser's own HLS does not measure: the seekable range against the default target (6 s).
        (edge_case(seekable_end=108.0), True, 2.0),
        (edge_case(seekable_end=110.0), False, 4.0),
        (edge_case(target=1.0, seekable_end=104.5), False, 3.5),
        # Nothing loaded yet: playing counts as live.
        (edge_case(), True, None),
    ],
)
async def test_the_live_edge_uses_the_one_behind_rule(
    units: Page, case: dict[str, Any], at_edge: bool, behind: float | None
) -> None:
    """The LIVE badge's state is `offersJumpToLive` over the attachment's measure (the latency compensator's
    reading), falling back to the seekable range; the jump is the attachment's goLive (hls.js's sync
    position at low latency), then play."""
    got = await run(units, "return u.liveEdgeCase(arg);", case)
    assert got["atEdge"] is at_edge
    assert got["behind"] == (None if behind is None else pytest.approx(behind))
    offered = await run(
        units, "return u.offersJumpToLive(arg.paused, arg.behind);", {**case, "behind": got["behind"]}
    )
    assert offered is (not at_edge)
    assert got["wentLive"] == 1
    assert got["played"] is case["paused"]


async def test_hls_js_accepts_the_config_and_keeps_part_hold_back(units: Page) -> None:
    """hls.js validates its user config in its constructor: a contradictory one throws and nothing plays."""
    got = await run(units, "return u.effectiveHlsConfig();")
    assert got == {
        "lowLatencyMode": True,
        "liveSyncDurationCount": 2,
        "liveMaxLatencyDurationCount": 6,
        "maxLiveSyncPlaybackRate": 1,
    }
