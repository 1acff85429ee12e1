"""Server CPU added by recording replays, at 8 Mbit/s passthrough (issue 13's target: ≤ 1 % of a core).

The same 8 Mbit/s clip as bench/ingest_cpu.py (1280×720, 30 fps, 1 s GOP) is pushed in real time with
`-c copy` into a fresh server (one passthrough variant, the fMP4 packager, latency level 2), with
replays off and on, alternating (off, on, off, on, …) so that the machine's background load hits both
alike. The server's own CPU (its ffmpeg children excluded) is sampled over several windows per run;
reported: the median per setting and the difference.

    .venv/bin/python bench/recording_cpu.py [--pairs 2] [--windows 4] [--window-seconds 5]
"""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

import aiohttp
from common import (
    ClipSpec,
    ensure_clip,
    fmt,
    median,
    ownstream_server,
    publish_file,
    sample_cpu,
    save_result,
    stop_process,
    wait_online,
)

LIVE_SETTLE_SECONDS = 3.0


async def one_run(recording: bool, windows: int, seconds: float) -> list[float]:
    clip = await ensure_clip(ClipSpec(width=1280, height=720, fps=30, kbps=8000, seconds=20, noise=25))
    settings: dict[str, Any] = {"replays_enabled": recording}
    async with ownstream_server(passthrough=True, latency_level=2, settings=settings) as server:
        publisher = await publish_file(clip, server.rtmp_url)
        try:
            async with aiohttp.ClientSession() as http:
                await wait_online(http, server, timeout=60)
            await asyncio.sleep(LIVE_SETTLE_SECONDS)
            sampled = await sample_cpu(server.pid, windows=windows, seconds=seconds)
            kept = list((server.datadir / "recordings").glob("*/*.m4s"))
            if recording and not kept:
                raise RuntimeError("replays were on but nothing was recorded")
            if not recording and kept:
                raise RuntimeError("replays were off but segments were recorded")
        finally:
            await stop_process(publisher)
    return sampled.own


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pairs", type=int, default=2)
    parser.add_argument("--windows", type=int, default=4)
    parser.add_argument("--window-seconds", type=float, default=5.0)
    args = parser.parse_args()
    samples: dict[bool, list[float]] = {False: [], True: []}
    for _ in range(args.pairs):
        for recording in (False, True):
            samples[recording] += await one_run(recording, args.windows, args.window_seconds)
    off, on = median(samples[False]), median(samples[True])
    print(
        f"server CPU at 8 Mbit/s passthrough: replays off {fmt(off)} %, on {fmt(on)} % of one core "
        f"→ recording adds {fmt(on - off)} points (medians of {len(samples[False])} windows each)"
    )
    save_result("recording_cpu", {"off_percent": off, "on_percent": on, "samples": samples})


if __name__ == "__main__":
    asyncio.run(main())
