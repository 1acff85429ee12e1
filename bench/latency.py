"""Glass-to-glass latency per latency level, read back from the picture in headless chromium.

For each level: start a server with that level, publish clock_publisher.py (the wall clock as a barcode,
x264 zerolatency, 1 s GOP), then load the viewer page `--joins` times at random join times (it autoplays
muted when the stream is online); each time let playback settle, then every `--interval` s draw the
<video> into a canvas, decode the clock and take `Date.now() − clock` (`--samples` per page load), and
count stalls (`waiting` after playback started). Median and p95 over all readings of the level.
Same run, as the reference: the segment length and the server-side delay (a frame's
clock → its segment listed in the variant playlist), so the player's share is visible.

    .venv/bin/python bench/latency.py [--levels 0 2] [--passthrough] [--joins 4] [--samples 25] [--settle 5]
    10-minute stall run: .venv/bin/python bench/latency.py --levels 0 --joins 1 --samples 600
"""

from __future__ import annotations

import argparse
import asyncio
import random
import time
from pathlib import Path
from typing import Any

import aiohttp
from clock_barcode import JS_DECODER
from common import (
    PYTHON,
    ServerFailed,
    fmt,
    median,
    ownstream_server,
    save_result,
    spawn,
    stop_process,
    wait_online,
)
from segment_delay import SegmentDelayWatcher

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PUBLISHER = Path(__file__).with_name("clock_publisher.py")
FPS = 15
PLAYING_JS = (
    "() => { const v = document.querySelector('video'); return !!v && !v.paused && v.currentTime > 0.5; }"
)


# Stalls as the viewer sees them: the <video> waiting for data after it has started playing.
STALL_WATCH_JS = """
() => {
  const video = document.querySelector('video');
  const log = { stalls: [], waitingSince: null };
  window.__stallLog = log;
  video.addEventListener('waiting', () => {
    if (log.waitingSince === null) log.waitingSince = performance.now();
  });
  const resumed = () => {
    if (log.waitingSince !== null) log.stalls.push((performance.now() - log.waitingSince) / 1000);
    log.waitingSince = null;
  };
  video.addEventListener('playing', resumed);
  video.addEventListener('timeupdate', () => { if (log.waitingSince !== null && !video.paused) resumed(); });
}
"""


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile (NaN for no values)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(fraction * len(ordered) + 0.5) - 1))]


async def one_join(
    browser: Any, server: Any, *, settle: float, samples: int, interval: float
) -> tuple[list[dict[str, Any]], list[float], int, float]:
    """One page load: (readings, stalls in s, unreadable frames, seconds from goto to playing)."""
    page = await browser.new_page(viewport={"width": 1280, "height": 800})
    try:
        opened = time.monotonic()
        await page.goto(server.base_url + "/")
        await page.evaluate(JS_DECODER)
        await page.wait_for_function(PLAYING_JS, timeout=60_000, polling=100)
        started = time.monotonic() - opened
        await page.evaluate(STALL_WATCH_JS)
        await asyncio.sleep(settle)
        readings: list[dict[str, Any]] = []
        failures = 0
        while len(readings) < samples and failures < samples * 3:
            reading = await page.evaluate("window.__readClock()")
            if "latencyMs" in reading:
                readings.append(reading)
            else:
                failures += 1
            await asyncio.sleep(interval)
        log = await page.evaluate("() => window.__stallLog")
        stalls = [float(s) for s in log["stalls"]]
        if log["waitingSince"] is not None:
            stalls.append(float("inf"))
        return readings, stalls, failures, started
    finally:
        await page.close()


async def measure_level(
    browser: Any,
    level: int,
    *,
    passthrough: bool,
    joins: int,
    samples: int,
    settle: float,
    interval: float,
    hls_format: str = "fmp4",
) -> dict[str, Any]:
    publish_seconds = int(joins * (settle + samples * interval * 1.5 + 20) + 60)
    command = [PYTHON, "-m", "ownstream", "--hls-format", hls_format]
    async with ownstream_server(latency_level=level, passthrough=passthrough, command=command) as server:
        publisher = await spawn(
            PYTHON, PUBLISHER, server.rtmp_url, "--fps", str(FPS), "--seconds", str(publish_seconds)
        )
        stop = asyncio.Event()
        watcher = SegmentDelayWatcher(server.variant_playlist_url(0))
        watch_task = asyncio.create_task(watcher.run(stop), name="segment-delay")
        samples_all: list[dict[str, Any]] = []
        stalls: list[float] = []
        failures = 0
        start_times: list[float] = []
        try:
            published = time.monotonic()
            async with aiohttp.ClientSession() as http:
                online = await wait_online(http, server, timeout=60)
            for _ in range(joins):
                # A random join time: where playback starts relative to segments and parts differs.
                await asyncio.sleep(random.uniform(0.0, 3.0))
                readings, join_stalls, unreadable, started = await one_join(
                    browser, server, settle=settle, samples=samples, interval=interval
                )
                samples_all.extend(readings)
                stalls.extend(join_stalls)
                failures += unreadable
                start_times.append(started)
        finally:
            stop.set()
            await watch_task
            await stop_process(publisher)
    glass = [s["latencyMs"] / 1000 for s in samples_all]
    server_side = watcher.summary()
    server_mid = (server_side["first_frame_delay_s"] + server_side["last_frame_delay_s"]) / 2
    return {
        "level": level,
        "passthrough": passthrough,
        "hls_format": hls_format,
        "joins": joins,
        "readings": len(samples_all),
        "unreadable_frames": failures,
        "glass_to_glass_median_s": median(glass),
        "glass_to_glass_p95_s": percentile(glass, 0.95),
        "glass_to_glass_min_s": min(glass, default=float("nan")),
        "glass_to_glass_max_s": max(glass, default=float("nan")),
        "stalls": len(stalls),
        "longest_stall_s": max(stalls, default=0.0),
        "buffer_ahead_median_s": median([s["bufferedAhead"] for s in samples_all]),
        "playback_rate_median": median([s["playbackRate"] for s in samples_all]),
        "publish_to_online_s": online - published,
        "page_to_playing_median_s": median(start_times),
        **server_side,
        "server_delay_mid_s": server_mid,
        "player_share_s": median(glass) - server_mid,
    }


async def run(levels: list[int], *, passthrough: bool, **join: Any) -> list[dict[str, Any]]:
    from playwright.async_api import async_playwright

    results: list[dict[str, Any]] = []
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        try:
            for level in levels:
                try:
                    result = await measure_level(browser, level, passthrough=passthrough, **join)
                except (ServerFailed, TimeoutError) as exc:
                    result = {"level": level, "passthrough": passthrough, "error": str(exc)[:500]}
                except Exception as exc:  # playwright's TimeoutError and friends: report, go on
                    result = {"level": level, "passthrough": passthrough, "error": repr(exc)[:500]}
                results.append(result)
                print_row(result)
        finally:
            await browser.close()
    return results


HEADER = (
    f"{'level':>5} {'mode':>11} {'glass s':>8} {'p95':>6} {'min':>6} {'max':>6} {'n':>4} {'stalls':>6} "
    f"{'segment':>8} "
    f"{'srv first':>9} {'srv last':>9} {'player':>7} {'buffer':>7}"
)


def print_row(r: dict[str, Any]) -> None:
    mode = "passthrough" if r["passthrough"] else "transcode"
    if "error" in r:
        print(f"{r['level']:>5} {mode:>11} error: {r['error']}", flush=True)
        return
    print(
        f"{r['level']:>5} {mode:>11} {fmt(r['glass_to_glass_median_s']):>8} "
        f"{fmt(r['glass_to_glass_p95_s']):>6} {fmt(r['glass_to_glass_min_s']):>6} "
        f"{fmt(r['glass_to_glass_max_s']):>6} {r['readings']:>4} {r['stalls']:>6} "
        f"{fmt(r['segment_duration_s']):>8} {fmt(r['first_frame_delay_s']):>9} "
        f"{fmt(r['last_frame_delay_s']):>9} {fmt(r['player_share_s']):>7} "
        f"{fmt(r['buffer_ahead_median_s']):>7}",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description="Glass-to-glass latency per latency level (headless chromium)."
    )
    parser.add_argument("--levels", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    parser.add_argument(
        "--passthrough", action="store_true", help="one passthrough variant instead of the default"
    )
    parser.add_argument("--joins", type=int, default=4, help="page loads per level, at random join times")
    parser.add_argument("--samples", type=int, default=25, help="readings per page load")
    parser.add_argument("--settle", type=float, default=5.0, help="seconds of playback before reading")
    parser.add_argument("--interval", type=float, default=1.0, help="seconds between readings")
    parser.add_argument("--hls-format", choices=("fmp4", "mpegts"), default="fmp4", help="the server's")
    args = parser.parse_args()
    print(
        "glass = Date.now() in the page − clock decoded from the displayed frame (median and p95 of all\n"
        "readings over every page load, s); stalls = <video> 'waiting' after playback started\n"
        "srv first/last = segment listed in the playlist − clock of its first/last frame (median, s)\n"
        "player = glass − mean(srv first, srv last); buffer = media buffered ahead of the playhead (s)",
        flush=True,
    )
    print(HEADER, flush=True)
    results = asyncio.run(
        run(
            args.levels,
            passthrough=args.passthrough,
            joins=args.joins,
            samples=args.samples,
            settle=args.settle,
            interval=args.interval,
            hls_format=args.hls_format,
        )
    )
    name = "latency-passthrough" if args.passthrough else "latency"
    if args.hls_format != "fmp4":
        name += f"-{args.hls_format}"
    save_result(name, {"fps": FPS, "results": results})


if __name__ == "__main__":
    main()
