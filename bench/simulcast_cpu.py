"""Simulcast cost and recovery: server CPU per destination at 8 Mbit/s passthrough, and how long a
destination that comes back takes to be live again.

One server (one passthrough variant, latency level 2) receives a pre-encoded 1280×720 30 fps clip in
real time with `-c copy`. In the same run, with the same publisher, it forwards to 0, 1, 3 and 5
destinations: each an `ffmpeg -listen 1` RTMP server on loopback remuxing to `-f null` (separate
processes, not counted). For each step the server's own CPU (its Python process, psutil user+system)
and each forwarding ffmpeg's CPU are sampled over several windows once every destination is live.
Reported: medians in % of one core, and the Python side's extra per destination against 0.

Recovery: one destination's listener is killed, left down for a few seconds (the forwarder retries
with its back-off, 2 s then 4 s …), started again on the same port; measured is the time from the
listener being back to the status saying `live`, and within it the time from the forwarder's start
(`connecting`) to `live`.

    .venv/bin/python bench/simulcast_cpu.py [--destinations 0 1 3 5] [--windows 5] [--window-seconds 5]
                                            [--recoveries 3] [--down-seconds 5]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import time
from dataclasses import dataclass
from typing import Any

import aiohttp
import psutil
from common import (
    FFMPEG,
    STREAM_KEY,
    ClipSpec,
    Server,
    ensure_clip,
    fmt,
    free_port,
    measured_kbps,
    median,
    own_cpu_seconds,
    ownstream_server,
    publish_file,
    save_result,
    spawn,
    stop_process,
    wait_online,
)

ADMIN = {"Authorization": aiohttp.encode_basic_auth("admin", STREAM_KEY)}
TARGET_PER_DESTINATION = 1.0
SETTLE_SECONDS = 3.0


@dataclass
class Listener:
    port: int
    process: asyncio.subprocess.Process

    @property
    def url(self) -> str:
        return f"rtmp://127.0.0.1:{self.port}/live/bench-destination-key-{self.port}"


async def start_listener(port: int | None = None) -> Listener:
    port = port or free_port()
    url = f"rtmp://127.0.0.1:{port}/live/bench-destination-key-{port}"
    process = await spawn(
        FFMPEG,
        "-hide_banner",
        "-loglevel",
        "error",
        "-listen",
        "1",
        "-i",
        url,
        "-c",
        "copy",
        "-f",
        "null",
        "-",
    )
    deadline = time.monotonic() + 10
    watched = psutil.Process(process.pid)
    while not any(conn.laddr and conn.laddr.port == port for conn in watched.net_connections(kind="tcp")):
        if time.monotonic() > deadline:
            raise RuntimeError(f"the listener on {port} did not start")
        await asyncio.sleep(0.05)
    return Listener(port, process)


async def api(http: aiohttp.ClientSession, server: Server, path: str, body: Any = None) -> Any:
    url = f"http://127.0.0.1:{server.web_port}{path}"
    method = "POST" if body is not None else "GET"
    async with http.request(method, url, json=body, headers=ADMIN) as response:
        answer = await response.json()
        if response.status != 200:
            raise RuntimeError(f"{path}: {answer}")
        return answer


async def wait_states(http: aiohttp.ClientSession, server: Server, want: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        states = await api(http, server, "/api/admin/restream/status")
        if states and all(entry["state"] == want for entry in states):
            return
        await asyncio.sleep(0.2)
    raise TimeoutError(f"destinations not all {want}: {states}")


def forwarders(server: Server) -> list[psutil.Process]:
    found = []
    for child in psutil.Process(server.pid).children(recursive=True):
        with contextlib.suppress(psutil.Error):
            if "no_duration_filesize" in child.cmdline():
                found.append(child)
    return found


async def sample(server: Server, windows: int, seconds: float) -> dict[str, Any]:
    own = psutil.Process(server.pid)
    pushers = forwarders(server)
    own_values: list[float] = []
    per_pusher: list[float] = []
    start_own = own_cpu_seconds(own)
    start_pushers = [own_cpu_seconds(p) for p in pushers]
    wall = time.monotonic()
    for _ in range(windows):
        await asyncio.sleep(seconds)
        now = time.monotonic()
        now_own = own_cpu_seconds(own)
        now_pushers = [own_cpu_seconds(p) for p in pushers]
        elapsed = now - wall
        own_values.append(100 * (now_own - start_own) / elapsed)
        if pushers:
            per_pusher.append(
                100
                * sum(b - a for a, b in zip(start_pushers, now_pushers, strict=True))
                / elapsed
                / len(pushers)
            )
        start_own, start_pushers, wall = now_own, now_pushers, now
    return {
        "python_cpu_percent_median": median(own_values),
        "python_cpu_percent_windows": [round(v, 3) for v in own_values],
        "ffmpeg_cpu_percent_each_median": median(per_pusher) if pushers else 0.0,
        "forwarders": len(pushers),
    }


async def measure_counts(
    http: aiohttp.ClientSession, server: Server, counts: list[int], windows: int, seconds: float
) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for count in counts:
        listeners = [await start_listener() for _ in range(count)]
        created = [
            await api(
                http,
                server,
                "/api/admin/restream/destinations/create",
                {"name": f"bench {i}", "url": listener.url},
            )
            for i, listener in enumerate(listeners)
        ]
        try:
            if count:
                await wait_states(http, server, "live")
            await asyncio.sleep(SETTLE_SECONDS)
            row = {"destinations": count, **await sample(server, windows, seconds)}
            rows.append(row)
            print(
                f"{count} destination(s): Python {fmt(row['python_cpu_percent_median'])} % "
                f"(windows {row['python_cpu_percent_windows']}) · each forwarding ffmpeg "
                f"{fmt(row['ffmpeg_cpu_percent_each_median'])} %",
                flush=True,
            )
        finally:
            for destination in created:
                await api(http, server, "/api/admin/restream/destinations/delete", {"id": destination["id"]})
            for listener in listeners:
                await stop_process(listener.process)
    return rows


async def measure_recovery(
    http: aiohttp.ClientSession, server: Server, runs: int, down: float
) -> list[dict[str, float]]:
    listener = await start_listener()
    destination = await api(
        http, server, "/api/admin/restream/destinations/create", {"name": "recovery", "url": listener.url}
    )
    results: list[dict[str, float]] = []
    try:
        await wait_states(http, server, "live")
        for _ in range(runs):
            listener.process.kill()
            await listener.process.wait()
            await asyncio.sleep(down)
            listener = await start_listener(listener.port)
            back = time.monotonic()
            connecting_at: float | None = None
            while True:
                entry = (await api(http, server, "/api/admin/restream/status"))[0]
                now = time.monotonic()
                if entry["state"] == "connecting" and connecting_at is None:
                    connecting_at = now
                if entry["state"] == "live":
                    break
                if now - back > 90:
                    raise TimeoutError("the destination did not come back")
                await asyncio.sleep(0.05)
            result = {
                "back_to_live_s": round(now - back, 2),
                "connecting_to_live_s": round(now - connecting_at, 2)
                if connecting_at is not None
                else float("nan"),
            }
            results.append(result)
            print(
                f"recovery: live {result['back_to_live_s']} s after the listener was back "
                f"(connect → live {result['connecting_to_live_s']} s)",
                flush=True,
            )
            await asyncio.sleep(3)
    finally:
        await api(http, server, "/api/admin/restream/destinations/delete", {"id": destination["id"]})
        await stop_process(listener.process)
    return results


async def run(args: argparse.Namespace) -> dict[str, Any]:
    clip = await ensure_clip(ClipSpec(width=1280, height=720, fps=30, kbps=8000, seconds=20, noise=25))
    async with ownstream_server(passthrough=True, latency_level=2) as server, aiohttp.ClientSession() as http:
        publisher = await publish_file(clip, server.rtmp_url)
        try:
            await wait_online(http, server, timeout=60)
            rows = await measure_counts(http, server, args.destinations, args.windows, args.window_seconds)
            recovery = await measure_recovery(http, server, args.recoveries, args.down_seconds)
        finally:
            await stop_process(publisher)
    base = next((row["python_cpu_percent_median"] for row in rows if row["destinations"] == 0), float("nan"))
    for row in rows:
        count = row["destinations"]
        row["python_extra_per_destination"] = (
            (row["python_cpu_percent_median"] - base) / count if count else 0.0
        )
    worst = max(
        (row["python_extra_per_destination"] for row in rows if row["destinations"]), default=float("nan")
    )
    verdict = "met" if worst <= TARGET_PER_DESTINATION else "missed"
    print(
        "Python side per destination (vs none, same run): "
        + ", ".join(
            f"{r['destinations']}: {fmt(r['python_extra_per_destination'])} %"
            for r in rows
            if r["destinations"]
        )
        + f" → target ≤ {TARGET_PER_DESTINATION} % ({verdict})",
        flush=True,
    )
    return {"clip_kbps": round(measured_kbps(clip)), "rows": rows, "recovery": recovery}


def main() -> None:
    parser = argparse.ArgumentParser(description="Simulcast: CPU per destination and recovery time.")
    parser.add_argument("--destinations", type=int, nargs="+", default=[0, 1, 3, 5])
    parser.add_argument("--windows", type=int, default=5)
    parser.add_argument("--window-seconds", type=float, default=5.0)
    parser.add_argument("--recoveries", type=int, default=3)
    parser.add_argument("--down-seconds", type=float, default=5.0)
    args = parser.parse_args()
    result = asyncio.run(run(args))
    save_result("simulcast_cpu", {"window_seconds": args.window_seconds, "windows": args.windows, **result})


if __name__ == "__main__":
    main()
