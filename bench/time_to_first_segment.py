"""Time from publish start to the first playable part (low-latency levels), the first playable segment and
`/api/status` online, per latency level.

Each run starts a fresh server (the chosen mode and level), then starts ffmpeg pushing a small
pre-encoded clip (320×180 15 fps, 1 s GOP, AAC; `-re -c copy`) and polls every 50 ms: the master
playlist, the variant playlist until it lists a segment that downloads (HTTP 200, non-empty), and the
status until it says online. Times are from the publisher's start; the median of the runs is reported,
next to the level's segment length and online grace (max(3 × segment, 7 s)) as the reference.

    .venv/bin/python bench/time_to_first_segment.py [--levels 0 2 4] [--runs 3] [--modes passthrough …]
"""

from __future__ import annotations

import argparse
import asyncio
import re
import tempfile
import time
from pathlib import Path
from typing import Any

import aiohttp
from common import (
    PYTHON,
    ClipSpec,
    Server,
    ServerFailed,
    ensure_clip,
    fetch_text,
    fmt,
    get_status,
    median,
    ownstream_server,
    playlist_segments,
    publish_file,
    save_result,
    spawn,
    stop_process,
)

POLL_SECONDS = 0.05
CLIP = ClipSpec(width=320, height=180, fps=15, kbps=300, seconds=10)
MODES = ("passthrough", "transcode")
RELAY = Path(__file__).with_name("relay_reference.py")


def reference_for(level: int) -> tuple[int, int]:
    """(segment seconds, online grace seconds) as the server's own code defines them."""
    from ownstream.transcode.latency import latency_for

    latency = latency_for(level)
    # Low-latency levels (fMP4, the default format) are online as soon as playable: no grace.
    return latency.segment_seconds, 0 if latency.low_latency else latency.online_grace


async def first_playable_segment(http: aiohttp.ClientSession, server: Server) -> bool:
    text = await fetch_text(http, server.variant_playlist_url(0))
    if text is None:
        return False
    segments = playlist_segments(text)
    if not segments:
        return False
    url = f"{server.base_url}/hls/0/{segments[0].uri}"
    try:
        async with http.get(url, timeout=aiohttp.ClientTimeout(total=3)) as response:
            return response.status == 200 and len(await response.read()) > 0
    except (aiohttp.ClientError, TimeoutError):
        return False


async def first_playable_part(http: aiohttp.ClientSession, server: Server) -> bool:
    """A low-latency variant playlist lists a part (`EXT-X-PART`) and it downloads."""
    text = await fetch_text(http, server.variant_playlist_url(0))
    match = re.search(r'#EXT-X-PART:[^\n]*URI="([^"]+)"', text or "")
    if match is None:
        return False
    url = f"{server.base_url}/hls/0/{match.group(1)}"
    try:
        async with http.get(url, timeout=aiohttp.ClientTimeout(total=3)) as response:
            return response.status == 200 and len(await response.read()) > 0
    except (aiohttp.ClientError, TimeoutError):
        return False


def low_latency(level: int) -> bool:
    from ownstream.transcode.latency import latency_for

    return latency_for(level).low_latency


async def one_run(mode: str, level: int, timeout: float = 60.0) -> dict[str, float]:
    clip = await ensure_clip(CLIP)
    passthrough = mode == "passthrough"
    async with (
        ownstream_server(passthrough=passthrough, latency_level=level) as server,
        aiohttp.ClientSession() as http,
    ):
        start = time.monotonic()
        publisher = await publish_file(clip, server.rtmp_url)
        times: dict[str, float] = {}
        wanted = 4 if low_latency(level) else 3
        if wanted == 3:
            times["first_part_s"] = float("nan")  # standard HLS: no parts
        try:
            while len(times) < 4 and time.monotonic() - start < timeout:
                if server.process.returncode is not None:
                    raise ServerFailed(f"server exited:\n{server.log_tail()}")
                now = time.monotonic() - start
                if "master_s" not in times and await fetch_text(http, f"{server.base_url}/hls/stream.m3u8"):
                    times["master_s"] = now
                if "first_segment_s" not in times and await first_playable_segment(http, server):
                    times["first_segment_s"] = now
                if "first_part_s" not in times and await first_playable_part(http, server):
                    times["first_part_s"] = now
                if "online_s" not in times:
                    try:
                        if (await get_status(http, server)).get("online"):
                            times["online_s"] = now
                    except (aiohttp.ClientError, TimeoutError, ValueError):
                        pass
                await asyncio.sleep(POLL_SECONDS)
        finally:
            await stop_process(publisher)
    if len(times) < 4:
        raise ServerFailed(f"{mode} level {level}: only saw {sorted(times)} within {timeout:.0f} s")
    return times


def lists_a_segment(playlist: Path) -> bool:
    try:
        return bool(playlist_segments(playlist.read_text()))
    except FileNotFoundError:
        return False


async def one_reference_run(level: int, *, fps_probe: bool = True, timeout: float = 30.0) -> float:
    """The same clip over TCP into relay_reference.py (ffmpeg `-c copy -f hls` at this level's segment
    length): publish start → first segment listed in its playlist, read from disk."""
    clip = await ensure_clip(CLIP)
    segment, _grace = reference_for(level)
    with tempfile.TemporaryDirectory(prefix="ownstream-relay-") as tmp:
        outdir = Path(tmp)
        relay = await spawn(
            PYTHON, RELAY, "--port", "0", "--outdir", outdir, "--segment", str(segment), "--seconds", "60",
            *([] if fps_probe else ["--no-fps-probe"]), stdout=asyncio.subprocess.PIPE,
        )  # fmt: skip
        publisher = None
        try:
            assert relay.stdout is not None
            port = int((await asyncio.wait_for(relay.stdout.readline(), 20)).decode().split()[1])
            start = time.monotonic()
            publisher = await publish_file(clip, f"tcp://127.0.0.1:{port}")
            playlist = outdir / "stream.m3u8"
            while time.monotonic() - start < timeout:
                if await asyncio.to_thread(lists_a_segment, playlist):
                    return time.monotonic() - start
                await asyncio.sleep(POLL_SECONDS / 5)
        finally:
            if publisher is not None:
                await stop_process(publisher)
            await stop_process(relay)
    raise ServerFailed(f"reference relay level {level}: no segment within {timeout:.0f} s")


async def run(levels: list[int], modes: list[str], runs: int) -> list[dict[str, Any]]:
    relay: dict[int, list[float]] = {level: [] for level in levels}
    relay_fast: dict[int, list[float]] = {level: [] for level in levels}
    for level in levels:
        for _ in range(runs):
            try:
                relay[level].append(await one_reference_run(level))
                relay_fast[level].append(await one_reference_run(level, fps_probe=False))
            except ServerFailed as exc:
                print(f"reference relay level {level}: {str(exc)[-300:]}", flush=True)
    print_header()
    rows: list[dict[str, Any]] = []
    for mode in modes:
        for level in levels:
            samples: list[dict[str, float]] = []
            errors: list[str] = []
            for _ in range(runs):
                try:
                    samples.append(await one_run(mode, level))
                except ServerFailed as exc:
                    errors.append(str(exc)[-300:])
            segment, grace = reference_for(level)
            row: dict[str, Any] = {
                "mode": mode,
                "level": level,
                "segment_seconds": segment,
                "online_grace_s": grace,
                "runs": len(samples),
                "errors": errors,
                "relay_first_segment_s": median(relay[level]),
                "relay_first_segment_runs_s": [round(t, 3) for t in relay[level]],
                "relay_no_fps_probe_first_segment_s": median(relay_fast[level]),
            }
            for key in ("master_s", "first_part_s", "first_segment_s", "online_s"):
                row[key] = median([s[key] for s in samples])
                row[key.removesuffix("_s") + "_runs_s"] = [round(s[key], 3) for s in samples]
            rows.append(row)
            print_row(row)
    return rows


def print_header() -> None:
    print(
        f"{'mode':>11} {'level':>5} {'segment':>7} {'grace':>5} {'first part':>10} {'first segment':>13} "
        f"{'relay ref':>9} "
        f"{'no probe':>8} "
        f"{'master':>8} {'online':>8} {'runs':>4}  first segment per run",
        flush=True,
    )


def print_row(row: dict[str, Any]) -> None:
    print(
        f"{row['mode']:>11} {row['level']:>5} {row['segment_seconds']:>7} {row['online_grace_s']:>5} "
        f"{fmt(row['first_part_s']):>10} {fmt(row['first_segment_s']):>13} "
        f"{fmt(row['relay_first_segment_s']):>9} "
        f"{fmt(row['relay_no_fps_probe_first_segment_s']):>8} {fmt(row['master_s']):>8} "
        f"{fmt(row['online_s']):>8} {row['runs']:>4}  {row['first_segment_runs_s']}"
        + (f"  errors: {row['errors']}" if row["errors"] else ""),
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description="Publish → first playable segment and → online, per level.")
    parser.add_argument("--levels", type=int, nargs="+", default=[0, 2, 4])
    parser.add_argument("--modes", nargs="+", choices=MODES, default=list(MODES))
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(
        "seconds from publisher start (median of runs); segment/grace = the level's settings;\n"
        "relay ref = the same clip into a bare ffmpeg HLS packager (relay_reference.py), same segment;\n"
        "no probe = that relay with `-fpsprobesize 0` on ffmpeg's input",
        flush=True,
    )
    rows = asyncio.run(run(args.levels, args.modes, args.runs))
    save_result("time_to_first_segment", {"rows": rows})


if __name__ == "__main__":
    main()
