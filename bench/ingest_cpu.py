"""CPU and memory of the server process while ingesting 3 and 8 Mbit/s in passthrough, against a bare relay.

For each bitrate: a fresh server (one passthrough variant, latency level 2) is started; its idle RSS and
CPU are taken; ffmpeg pushes a pre-encoded 1280×720 30 fps clip (1 s GOP, CBR-ish, cached in
bench/.cache/) in real time with `-c copy`; once `/api/status` says online, the server's own CPU
(psutil, its ffmpeg children excluded) is sampled over several windows. Then the same clip goes over
plain TCP into relay_reference.py (asyncio → `ffmpeg -c copy -f hls` stdin) and that process is
sampled the same way. Reported: median % of one core, ratio ours / reference, RSS idle and live.
A 0.5 Mbit/s run (same picture size, frame rate and so message rate) shows the part of the cost that
does not grow with the bytes.

    .venv/bin/python bench/ingest_cpu.py [--bitrates 500 3000 8000] [--windows 6] [--window-seconds 5]
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from pathlib import Path
from typing import Any

import aiohttp
import psutil
from common import (
    PYTHON,
    ClipSpec,
    CpuWindows,
    ensure_clip,
    fmt,
    measured_kbps,
    median,
    ownstream_server,
    publish_file,
    sample_cpu,
    save_result,
    spawn,
    stop_process,
    wait_online,
)

RELAY = Path(__file__).with_name("relay_reference.py")
CLIP_SECONDS = 20
IDLE_SETTLE_SECONDS = 3.0
LIVE_SETTLE_SECONDS = 2.0
TARGET_CPU_PERCENT = 3.0
TARGET_IDLE_RSS_MB = 120.0


def clip_spec(kbps: int) -> ClipSpec:
    return ClipSpec(width=1280, height=720, fps=30, kbps=kbps, seconds=CLIP_SECONDS, noise=25)


def summarize(windows: CpuWindows) -> dict[str, Any]:
    return {
        "cpu_percent_median": median(windows.own),
        "cpu_percent_windows": [round(v, 3) for v in windows.own],
        "children_cpu_percent_median": median(windows.children),
        "rss_mb_median": median(windows.rss_mb),
    }


async def measure_ours(clip: Path, windows: int, seconds: float) -> dict[str, Any]:
    async with ownstream_server(passthrough=True, latency_level=2) as server:
        await asyncio.sleep(IDLE_SETTLE_SECONDS)
        idle = await sample_cpu(server.pid, windows=1, seconds=seconds)
        publisher = await publish_file(clip, server.rtmp_url)
        try:
            async with aiohttp.ClientSession() as http:
                await wait_online(http, server, timeout=60)
            await asyncio.sleep(LIVE_SETTLE_SECONDS)
            live = await sample_cpu(server.pid, windows=windows, seconds=seconds)
            still_publishing = publisher.returncode is None
        finally:
            await stop_process(publisher)
    return {
        "idle_rss_mb": median(idle.rss_mb),
        "idle_cpu_percent": median(idle.own),
        "publisher_alive_at_end": still_publishing,
        **summarize(live),
    }


async def wait_for_file(path: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if await asyncio.to_thread(path.exists):
            return
        await asyncio.sleep(0.1)
    raise TimeoutError(f"{path} did not appear within {timeout:.0f} s")


async def measure_reference(clip: Path, windows: int, seconds: float) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="ownstream-relay-") as tmp:
        outdir = Path(tmp)
        relay = await spawn(
            PYTHON, RELAY, "--port", "0", "--outdir", outdir, "--seconds", "300",
            stdout=asyncio.subprocess.PIPE,
        )  # fmt: skip
        publisher = None
        try:
            assert relay.stdout is not None
            line = (await asyncio.wait_for(relay.stdout.readline(), 20)).decode()
            port = int(line.split()[1])
            await asyncio.sleep(IDLE_SETTLE_SECONDS)
            idle_rss = psutil.Process(relay.pid).memory_info().rss / 2**20
            publisher = await publish_file(clip, f"tcp://127.0.0.1:{port}")
            await wait_for_file(outdir / "stream.m3u8", timeout=30)
            await asyncio.sleep(LIVE_SETTLE_SECONDS)
            live = await sample_cpu(relay.pid, windows=windows, seconds=seconds)
        finally:
            if publisher is not None:
                await stop_process(publisher)
            await stop_process(relay)
    return {"idle_rss_mb": idle_rss, **summarize(live)}


async def run(bitrates: list[int], windows: int, seconds: float) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for kbps in bitrates:
        clip = await ensure_clip(clip_spec(kbps))
        actual = measured_kbps(clip)
        ours = await measure_ours(clip, windows, seconds)
        reference = await measure_reference(clip, windows, seconds)
        row = {
            "target_kbps": kbps,
            "clip_kbps": round(actual),
            "ours": ours,
            "reference": reference,
            "ratio": ours["cpu_percent_median"] / reference["cpu_percent_median"]
            if reference["cpu_percent_median"] > 0
            else float("nan"),
        }
        rows.append(row)
        print_row(row)
    return rows


def print_row(row: dict[str, Any]) -> None:
    ours, ref = row["ours"], row["reference"]
    print(
        f"{row['target_kbps'] / 1000:>4.1f} Mbit/s (clip {row['clip_kbps'] / 1000:.2f}): "
        f"ours {fmt(ours['cpu_percent_median'])} % · reference {fmt(ref['cpu_percent_median'])} % · "
        f"ratio {fmt(row['ratio'])} | ours' ffmpeg {fmt(ours['children_cpu_percent_median'])} % | "
        f"idle CPU {fmt(ours['idle_cpu_percent'])} % | "
        f"RSS idle {fmt(ours['idle_rss_mb'], 1)} MB, live {fmt(ours['rss_mb_median'], 1)} MB "
        f"(reference idle {fmt(ref['idle_rss_mb'], 1)}, live {fmt(ref['rss_mb_median'], 1)}) | "
        f"windows ours {ours['cpu_percent_windows']} ref {ref['cpu_percent_windows']}",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description="Server CPU/RSS while ingesting in passthrough vs a bare relay."
    )
    parser.add_argument("--bitrates", type=int, nargs="+", default=[500, 3000, 8000], help="kbit/s")
    parser.add_argument("--windows", type=int, default=6)
    parser.add_argument("--window-seconds", type=float, default=5.0)
    args = parser.parse_args()
    print("CPU: % of one core, the process itself (ffmpeg children excluded), median of windows", flush=True)
    rows = asyncio.run(run(args.bitrates, args.windows, args.window_seconds))
    worst = max(
        (r["ours"]["cpu_percent_median"] for r in rows if r["target_kbps"] >= 8000), default=float("nan")
    )
    idle = max((r["ours"]["idle_rss_mb"] for r in rows), default=float("nan"))
    print(
        f"targets: ≤ {TARGET_CPU_PERCENT} % at 8 Mbit/s → measured {fmt(worst)} %; "
        f"≤ {TARGET_IDLE_RSS_MB:.0f} MB idle RSS → {fmt(idle, 1)} MB",
        flush=True,
    )
    save_result("ingest_cpu", {"window_seconds": args.window_seconds, "windows": args.windows, "rows": rows})


if __name__ == "__main__":
    main()
