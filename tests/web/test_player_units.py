"""The player's pure pieces (web/src/player/hls-config.ts, latency-compensator.ts, live-edge.ts), run in
headless chromium.

`web/test/player-units.ts` exposes them on `window.playerUnits`; it is bundled here with the esbuild from
web/node_modules, loaded into a blank page and called with `page.evaluate`.
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
    return bundle(
        "test/player-units.ts",
        "--define:__HLS_WORKER_URL__='\"/static/hls.worker.js\"'",
        "--log-level=warning",
    )


@pytest.fixture
async def units(browser: Browser, units_script: str) -> AsyncIterator[Page]:
    async with units_page(browser, units_script) as page:
        yield page


async def run(page: Page, body: str, arg: Any = None) -> Any:
    return await run_in(page, "playerUnits", body, arg)


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
        ({**reading(1.5), "held": True}, False, 1),  # rewound on the DVR scrubber: stay there
        ({**reading(1.5), "held": True}, True, 1),
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


# --- DVR (web/src/player/dvr.ts) ------------------------------------------------------------------------
NOW = 1_800_000_000_000
"""A moment on the server's clock (ms)."""


@pytest.mark.parametrize(
    ("seconds", "text", "spoken"),
    [
        (0, "-0:00", "Live"),
        (0.4, "-0:00", "Live"),
        (65, "-1:05", "1 minute 5 seconds behind live"),
        (3600, "-1:00:00", "1 hour behind live"),
        (5025, "-1:23:45", "1 hour 23 minutes 45 seconds behind live"),
        (7201, "-2:00:01", "2 hours 1 second behind live"),
    ],
)
async def test_the_scrubber_says_how_far_behind_live(
    units: Page, seconds: float, text: str, spoken: str
) -> None:
    assert await run(units, "return u.formatBehind(arg);", seconds) == text
    assert await run(units, "return u.spokenBehind(arg);", seconds) == spoken


@pytest.mark.parametrize(
    ("key", "behind", "expected"),
    [
        ("ArrowLeft", 0, 10),
        ("ArrowDown", 5, 15),
        ("ArrowRight", 25, 15),
        ("ArrowUp", 5, 0),  # never past live
        ("PageDown", 100, 160),
        ("PageDown", 7150, 7200),  # never past the oldest moment
        ("PageUp", 100, 40),
        ("Home", 30, 7200),
        ("End", 300, 0),
        ("Enter", 30, None),
        ("a", 30, None),
    ],
)
async def test_the_scrubber_keys(units: Page, key: str, behind: float, expected: float | None) -> None:
    got = await run(units, "return u.scrubKey(arg.key, arg.behind, 7200);", {"key": key, "behind": behind})
    assert got == expected


async def test_dvr_info_is_read_defensively_and_measures_the_servers_clock(units: Page) -> None:
    body = {"window": 7200, "recording": True, "playlist": "/replay/a/dvr.m3u8?since=1",
            "start": "2027-01-15T08:00:00Z", "now": "2027-01-15T08:20:00.000Z"}  # fmt: skip
    server_now = 1_800_000_000_000  # 2027-01-15T08:00:00Z
    info = await run(
        units, "return u.readDvrInfo(arg.body, arg.sent, arg.received);",
        {"body": body, "sent": server_now + 1_000, "received": server_now + 1_400},
    )  # fmt: skip
    assert info == {"window": 7200, "recording": True, "playlist": body["playlist"], "start": server_now,
                    "skew": 1_200_000 - 1_200}  # fmt: skip
    bad_bodies: list[Any] = [None, [], {"window": "2h"}, {"window": 0, "playlist": "/replay/a/dvr.m3u8"},
                             {"window": 60, "playlist": "https://elsewhere.example/x.m3u8"}]  # fmt: skip
    for bad in bad_bodies:
        got = await run(units, "return u.readDvrInfo(arg, 0, 0);", bad)
        assert got["playlist"] is None and got["skew"] == 0 and got["recording"] is False


def info(window: int, playlist: bool = True, start: int | None = None) -> dict[str, Any]:
    return {"window": window, "recording": playlist, "playlist": "/replay/a/dvr.m3u8" if playlist else None,
            "start": start, "skew": 0}  # fmt: skip


@pytest.mark.parametrize(
    ("state", "earliest"),
    [
        # Recording for an hour, 2-hour window: back to the recording's start.
        (
            {"info": info(7200, start=NOW - 3_600_000), "live": [NOW - 30_000, NOW], "dvr": None},
            NOW - 3_600_000,
        ),
        # Recording for 3 hours: the window's start.
        (
            {"info": info(7200, start=NOW - 10_800_000), "live": [NOW - 30_000, NOW], "dvr": None},
            NOW - 7_200_000,
        ),
        # Recording off: as far as the live playlist reaches.
        ({"info": info(7200, playlist=False), "live": [NOW - 30_000, NOW], "dvr": None}, NOW - 30_000),
        # On the DVR playlist (the live one not attached): the recording's reach.
        (
            {"info": info(7200, start=NOW - 600_000), "live": None, "dvr": [NOW - 600_000, NOW - 5_000]},
            NOW - 600_000,
        ),
        # DVR off, or not known yet: nothing to rewind.
        ({"info": info(0, start=NOW - 600_000), "live": [NOW - 30_000, NOW], "dvr": None}, None),
        ({"info": None, "live": [NOW - 30_000, NOW], "dvr": None}, None),
    ],
)
async def test_how_far_back_the_scrubber_reaches(
    units: Page, state: dict[str, Any], earliest: int | None
) -> None:
    got = await run(
        units,
        "const range = (r) => r && { start: r[0], end: r[1] };"
        "return u.earliestDate(arg.info, arg.now, range(arg.live), range(arg.dvr));",
        {**state, "now": NOW},
    )
    assert got == earliest


def context(source: str, attached: tuple[int, int] | None, dvr: bool = True) -> dict[str, Any]:
    return {
        "source": source,
        "now": NOW,
        "liveSlack": 4,
        "attached": None if attached is None else {"start": attached[0], "end": attached[1]},
        "dvrAvailable": dvr,
    }


LIVE_WINDOW = (NOW - 30_000, NOW - 1_000)
DVR_RANGE = (NOW - 3_600_000, NOW - 4_000)


@pytest.mark.parametrize(
    ("behind", "state", "plan"),
    [
        (2, context("live", LIVE_WINDOW), {"to": "live"}),  # within the player's own latency: live
        (10, context("live", LIVE_WINDOW), {"to": "here", "date": NOW - 10_000}),
        (27, context("live", LIVE_WINDOW), {"to": "dvr", "date": NOW - 27_000}),  # about to slide out
        (600, context("live", LIVE_WINDOW), {"to": "dvr", "date": NOW - 600_000}),
        # Recording off: no further than the live playlist.
        (600, context("live", LIVE_WINDOW, dvr=False), {"to": "here", "date": LIVE_WINDOW[0] + 1_000}),
        (600, context("dvr", DVR_RANGE), {"to": "here", "date": NOW - 600_000}),
        (7200, context("dvr", DVR_RANGE), {"to": "here", "date": DVR_RANGE[0]}),
        (4.5, context("dvr", DVR_RANGE), {"to": "live"}),  # newer than the recording: the live playlist
        (3, context("dvr", DVR_RANGE), {"to": "live"}),
    ],
)
async def test_where_a_seek_goes(
    units: Page, behind: float, state: dict[str, Any], plan: dict[str, Any]
) -> None:
    assert (
        await run(units, "return u.planSeek(arg.behind, arg.state);", {"behind": behind, "state": state})
        == plan
    )


FRAGMENTS = [
    {"start": 0, "duration": 2, "programDateTime": NOW},
    {"start": 2, "duration": 2, "programDateTime": NOW + 2_000},
    # The publisher was away for 10 s (a discontinuity).
    {"start": 4, "duration": 2, "programDateTime": NOW + 14_000},
]


@pytest.mark.parametrize(
    ("date", "position"),
    [
        (NOW - 5_000, 0),  # before the playlist: its start
        (NOW + 500, 0.5),
        (NOW + 3_250, 3.25),
        (NOW + 8_000, 4),  # in the gap: the next segment's start
        (NOW + 15_000, 5),
        (NOW + 60_000, 5.5),  # after it: near its end
    ],
)
async def test_a_date_maps_to_a_position_through_the_program_date_times(
    units: Page, date: int, position: float
) -> None:
    assert (
        await run(
            units, "return u.positionOfDate(arg.fragments, arg.date);", {"fragments": FRAGMENTS, "date": date}
        )
        == position
    )
    assert await run(units, "return u.rangeOfFragments(arg);", FRAGMENTS) == {
        "start": NOW,
        "end": NOW + 16_000,
    }
    assert await run(units, "return u.positionOfDate([], 0);") is None
