"""Glass-to-glass latency per latency level, read back from the picture in headless chromium.

For each level: start a server with that level, publish clock_publisher.py (the wall clock as a barcode,
x264 zerolatency, 1 s GOP), open the viewer page (it autoplays muted when the stream goes online), wait
until playback is steady, then every second draw the <video> into a canvas, decode the clock and take
`Date.now() − clock`. Same run, as the reference: the segment length and the server-side delay (a frame's
clock → its segment listed in the variant playlist), so the player's share is visible.

    .venv/bin/python bench/latency.py [--levels 0 1 2 3 4] [--passthrough] [--readings 12] [--steady 15]
"""

from __future__ import annotations

import argparse
import asyncio
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


async def measure_level(
    browser: Any, level: int, *, passthrough: bool, readings: int, steady: float
) -> dict[str, Any]:
    async with ownstream_server(latency_level=level, passthrough=passthrough) as server:
        publisher = await spawn(PYTHON, PUBLISHER, server.rtmp_url, "--fps", str(FPS), "--seconds", "240")
        stop = asyncio.Event()
        watcher = SegmentDelayWatcher(server.variant_playlist_url(0))
        watch_task = asyncio.create_task(watcher.run(stop), name="segment-delay")
        page = await browser.new_page(viewport={"width": 1280, "height": 800})
        try:
            published = time.monotonic()
            async with aiohttp.ClientSession() as http:
                online = await wait_online(http, server, timeout=60)
            await page.goto(server.base_url + "/")
            await page.evaluate(JS_DECODER)
            await page.wait_for_function(PLAYING_JS, timeout=60_000, polling=100)
            playing = time.monotonic()
            await asyncio.sleep(steady)
            samples: list[dict[str, Any]] = []
            failures = 0
            while len(samples) < readings and failures < readings * 3:
                reading = await page.evaluate("window.__readClock()")
                if "latencyMs" in reading:
                    samples.append(reading)
                else:
                    failures += 1
                await asyncio.sleep(1.0)
        finally:
            stop.set()
            await watch_task
            await page.close()
            await stop_process(publisher)
    glass = [s["latencyMs"] / 1000 for s in samples]
    server_side = watcher.summary()
    server_mid = (server_side["first_frame_delay_s"] + server_side["last_frame_delay_s"]) / 2
    return {
        "level": level,
        "passthrough": passthrough,
        "readings": len(samples),
        "unreadable_frames": failures,
        "glass_to_glass_median_s": median(glass),
        "glass_to_glass_min_s": min(glass, default=float("nan")),
        "glass_to_glass_max_s": max(glass, default=float("nan")),
        "buffer_ahead_median_s": median([s["bufferedAhead"] for s in samples]),
        "playback_rate_median": median([s["playbackRate"] for s in samples]),
        "publish_to_online_s": online - published,
        "online_to_playing_s": playing - online,
        **server_side,
        "server_delay_mid_s": server_mid,
        "player_share_s": median(glass) - server_mid,
    }


async def run(levels: list[int], *, passthrough: bool, readings: int, steady: float) -> list[dict[str, Any]]:
    from playwright.async_api import async_playwright

    results: list[dict[str, Any]] = []
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        try:
            for level in levels:
                try:
                    result = await measure_level(
                        browser, level, passthrough=passthrough, readings=readings, steady=steady
                    )
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
    f"{'level':>5} {'mode':>11} {'glass s':>8} {'min':>6} {'max':>6} {'n':>3} {'segment':>8} "
    f"{'srv first':>9} {'srv last':>9} {'player':>7} {'buffer':>7}"
)


def print_row(r: dict[str, Any]) -> None:
    mode = "passthrough" if r["passthrough"] else "transcode"
    if "error" in r:
        print(f"{r['level']:>5} {mode:>11} error: {r['error']}", flush=True)
        return
    print(
        f"{r['level']:>5} {mode:>11} {fmt(r['glass_to_glass_median_s']):>8} "
        f"{fmt(r['glass_to_glass_min_s']):>6} {fmt(r['glass_to_glass_max_s']):>6} {r['readings']:>3} "
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
    parser.add_argument("--readings", type=int, default=12)
    parser.add_argument("--steady", type=float, default=15.0, help="seconds of playback before reading")
    args = parser.parse_args()
    print(
        "glass = Date.now() in the page − clock decoded from the displayed frame (median of readings, s)\n"
        "srv first/last = segment listed in the playlist − clock of its first/last frame (median, s)\n"
        "player = glass − mean(srv first, srv last); buffer = media buffered ahead of the playhead (s)",
        flush=True,
    )
    print(HEADER, flush=True)
    results = asyncio.run(
        run(args.levels, passthrough=args.passthrough, readings=args.readings, steady=args.steady)
    )
    name = "latency-passthrough" if args.passthrough else "latency"
    save_result(name, {"fps": FPS, "results": results})


if __name__ == "__main__":
    main()
