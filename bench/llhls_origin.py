"""Low-latency HLS at the origin: packaging cost, and how many hls.js-like viewers one server core holds.

1. Packaging (no viewers): a server at latency level 0 with one passthrough rendition is published a
   pre-encoded 720p30 clip (`-re -c copy`, looped); after the live window has filled, the server process's
   own CPU (RTMP ingest + the part cutter, in Python) and its ffmpeg's CPU are sampled, and the live
   window's bytes are summed from the listed segments. Reference, same run: the same with
   `--hls-format mpegts` (ffmpeg's HLS muxer, nothing cut in Python), so the difference is the packager.
2. Capacity: the level-0 server pinned to CPU 0 (its ffmpeg too), `bench/llhls_viewers.py` as a separate
   process pinned to CPU 1 with N viewers doing blocking reloads + preload-hinted part fetches. A lone
   probe in this process does the same; a part's delivery delay for a viewer is the time its last byte
   reached that viewer minus the time it reached the probe (the part's availability, as seen by an
   unloaded client). Reported per N: p50/p99 of that delay, errors, requests/s, server CPU (% of one core)
   and the client process's CPU (above 80 % the row is client-bound: the server could not be pushed).

3. With `--nginx` the viewers go through an nginx front (one worker, pinned to CPU 0 with the server, so
   the server side still has one core): `proxy_cache` with `proxy_cache_lock`, so every part and every
   blocking reload URL reaches the origin once however many viewers ask (the config is `NGINX_CONF`,
   the same as docs/deploy.md's minus TLS and HTTP/2).

    .venv/bin/python bench/llhls_origin.py [--viewers 100 300 500 1000] [--seconds 20] [--skip-packaging]
        [--nginx]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

import aiohttp
import psutil
from common import (
    PYTHON,
    ClipSpec,
    Server,
    ensure_clip,
    fetch_text,
    fmt,
    median,
    own_cpu_seconds,
    ownstream_server,
    publish_file,
    save_result,
    spawn,
    stop_process,
    tree_cpu_seconds,
    wait_online,
)
from llhls_viewers import ViewerLog, viewer

CLIP = ClipSpec(width=1280, height=720, fps=30, kbps=2500, seconds=20)
VIEWERS = Path(__file__).with_name("llhls_viewers.py")
CLIENT_BOUND_PERCENT = 80.0
WINDOW_FILL_SECONDS = 30.0
"""Level 0 lists 25 one-second segments and keeps 3 more in memory: wait until the window is full."""


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(fraction * len(ordered) + 0.5) - 1))]


async def window_bytes(http: aiohttp.ClientSession, server: Server) -> tuple[int, int]:
    """(bytes, segments) of the media the variant playlist lists (the live window's listed part)."""
    url = server.variant_playlist_url(0)
    text = await fetch_text(http, url) or ""
    base = url.rsplit("/", 1)[0]
    total = count = 0
    for line in text.splitlines():
        if line and not line.startswith("#"):
            async with http.get(f"{base}/{line}") as response:
                total += len(await response.read())
                count += 1
    return total, count


async def packaging(hls_format: str, seconds: float) -> dict[str, Any]:
    clip = await ensure_clip(CLIP)
    extra = ["--hls-format", hls_format]
    async with ownstream_server(
        latency_level=0, passthrough=True, command=[PYTHON, "-m", "ownstream", *extra]
    ) as server:
        process = psutil.Process(server.pid)
        idle_rss = process.memory_info().rss / 2**20
        publisher = await publish_file(clip, server.rtmp_url)
        try:
            async with aiohttp.ClientSession() as http:
                await wait_online(http, server, timeout=60)
                await asyncio.sleep(WINDOW_FILL_SECONDS)
                own, kids, wall = own_cpu_seconds(process), tree_cpu_seconds(process), time.monotonic()
                await asyncio.sleep(seconds)
                elapsed = time.monotonic() - wall
                own_pct = 100 * (own_cpu_seconds(process) - own) / elapsed
                kids_pct = 100 * (tree_cpu_seconds(process) - kids) / elapsed
                rss = process.memory_info().rss / 2**20
                listed, segments = await window_bytes(http, server)
        finally:
            await stop_process(publisher)
    return {
        "hls_format": hls_format,
        "server_cpu_percent": own_pct,
        "ffmpeg_cpu_percent": kids_pct,
        "rss_idle_mb": idle_rss,
        "rss_live_mb": rss,
        "listed_window_mb": listed / 2**20,
        "listed_segments": segments,
    }


async def probe(playlist_url: str, stop: asyncio.Event, log: ViewerLog) -> None:
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=15)) as http:
        task = asyncio.create_task(viewer(http, playlist_url, float("inf"), log), name="probe")
        await stop.wait()
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


NGINX = "/usr/sbin/nginx"
NGINX_CONF = """
worker_processes 1;
daemon off;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 16384; }}
http {{
    access_log off;
    proxy_cache_path {tmp}/cache levels=1:2 keys_zone=hls:10m max_size=256m inactive=60s use_temp_path=off;
    upstream ownstream {{ server 127.0.0.1:{origin}; keepalive 64; }}
    server {{
        listen 127.0.0.1:{port};
        location /hls/ {{
            proxy_pass http://ownstream;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_cache hls;
            proxy_cache_key $uri$is_args$args;
            proxy_cache_lock on;
            proxy_cache_lock_age 10s;
            proxy_cache_lock_timeout 10s;
            proxy_read_timeout 30s;
        }}
        location / {{ proxy_pass http://ownstream; }}
    }}
}}
"""


@contextlib.asynccontextmanager
async def nginx_front(server: Server) -> Any:
    """nginx in front of `server`, pinned to CPU 0; yields its base URL."""
    from common import free_port

    with tempfile.TemporaryDirectory(prefix="llhls-nginx-") as tmp:
        port = free_port()
        os.chmod(tmp, 0o777)  # nginx's workers (nobody, when started as root) write its cache here
        conf = Path(tmp) / "nginx.conf"
        conf.write_text(NGINX_CONF.format(tmp=tmp, origin=server.web_port, port=port))
        process = await spawn(NGINX, "-c", str(conf), "-p", tmp)
        try:
            for worker in [psutil.Process(process.pid), *psutil.Process(process.pid).children()]:
                worker.cpu_affinity([0])
            await asyncio.sleep(0.5)
            yield f"http://127.0.0.1:{port}", psutil.Process(process.pid)
        finally:
            await stop_process(process)


async def capacity(
    server: Server, viewers: int, seconds: float, ramp: float, front: tuple[str, psutil.Process] | None = None
) -> dict[str, Any]:
    url = server.variant_playlist_url(0)
    if front is not None:
        url = url.replace(server.base_url, front[0])
    probe_log = ViewerLog()
    stop = asyncio.Event()
    probe_task = asyncio.create_task(probe(url, stop, probe_log), name="probe")
    with tempfile.TemporaryDirectory(prefix="llhls-viewers-") as tmp:
        out = Path(tmp) / "viewers.json"
        client = await spawn(
            PYTHON, VIEWERS, url, "--viewers", str(viewers), "--seconds", str(seconds),
            "--ramp", str(ramp), "--out", str(out),
        )  # fmt: skip
        client_process = psutil.Process(client.pid)
        with contextlib.suppress(psutil.Error):
            client_process.cpu_affinity([1])
        server_process = psutil.Process(server.pid)
        await asyncio.sleep(ramp)
        server_cpu, client_cpu, wall = (
            own_cpu_seconds(server_process),
            own_cpu_seconds(client_process),
            time.monotonic(),
        )
        ffmpeg_cpu = tree_cpu_seconds(server_process)
        front_cpu = tree_cpu_seconds(front[1]) if front is not None else 0.0
        await asyncio.sleep(seconds)
        elapsed = time.monotonic() - wall
        server_pct = 100 * (own_cpu_seconds(server_process) - server_cpu) / elapsed
        ffmpeg_pct = 100 * (tree_cpu_seconds(server_process) - ffmpeg_cpu) / elapsed
        front_pct = 100 * (tree_cpu_seconds(front[1]) - front_cpu) / elapsed if front is not None else 0.0
        with contextlib.suppress(psutil.Error):
            client_pct = 100 * (own_cpu_seconds(client_process) - client_cpu) / elapsed
        try:
            await asyncio.wait_for(client.wait(), 60)
        finally:
            await stop_process(client)
        stop.set()
        await probe_task
        data = json.loads(out.read_text())
    reference = {uri: min(times) for uri, times in probe_log.received.items()}
    delays: list[float] = []
    missed = 0
    for uri, times in data["received"].items():
        if uri not in reference:
            missed += len(times)
            continue
        delays.extend(t - reference[uri] for t in times if t >= data["measure_from"])
    return {
        "viewers": viewers,
        "parts_delivered": len(delays),
        "delay_p50_s": percentile(delays, 0.50),
        "delay_p99_s": percentile(delays, 0.99),
        "delay_max_s": max(delays, default=float("nan")),
        "errors": len(data["errors"]),
        "error_examples": sorted(set(data["errors"]))[:5],
        "requests_per_s": data["requests"] / (ramp + seconds),
        "server_cpu_percent": server_pct,
        "ffmpeg_cpu_percent": ffmpeg_pct,
        "nginx_cpu_percent": front_pct,
        "via_nginx": front is not None,
        "client_cpu_percent": client_pct,
        "client_bound": client_pct > CLIENT_BOUND_PERCENT,
        "probe_parts": len(reference),
        "parts_not_seen_by_probe": missed,
    }


async def run(
    viewer_counts: list[int], seconds: float, ramp: float, skip_packaging: bool, nginx: bool
) -> dict[str, Any]:
    result: dict[str, Any] = {"clip": vars(CLIP), "packaging": [], "capacity": []}
    if not skip_packaging:
        print(
            f"{'format':>7} {'server CPU %':>12} {'ffmpeg CPU %':>12} {'RSS idle/live MB':>17} "
            f"{'window MB':>10}"
        )
        for hls_format in ("fmp4", "mpegts"):
            row = await packaging(hls_format, seconds)
            result["packaging"].append(row)
            print(
                f"{hls_format:>7} {fmt(row['server_cpu_percent'], 1):>12} "
                f"{fmt(row['ffmpeg_cpu_percent'], 1):>12} "
                f"{fmt(row['rss_idle_mb'], 0):>8}/{fmt(row['rss_live_mb'], 0):<8} "
                f"{fmt(row['listed_window_mb'], 1):>10}",
                flush=True,
            )
    clip = await ensure_clip(CLIP)
    print(
        f"{'viewers':>7} {'p50 s':>6} {'p99 s':>6} {'max s':>6} {'errors':>6} {'req/s':>7} "
        f"{'server %':>8} {'nginx %':>8} {'client %':>8} {'parts':>7}"
    )
    for count in viewer_counts:
        async with ownstream_server(latency_level=0, passthrough=True) as server:
            # Pinned before the publish, so the server's ffmpeg (started then) inherits CPU 0 too.
            psutil.Process(server.pid).cpu_affinity([0])
            publisher = await publish_file(clip, server.rtmp_url)
            try:
                async with aiohttp.ClientSession() as http:
                    await wait_online(http, server, timeout=60)
                await asyncio.sleep(3)
                if nginx:
                    async with nginx_front(server) as front:
                        row = await capacity(server, count, seconds, ramp, front)
                else:
                    row = await capacity(server, count, seconds, ramp)
            finally:
                await stop_process(publisher)
        result["capacity"].append(row)
        bound = " client-bound" if row["client_bound"] else ""
        print(
            f"{count:>7} {fmt(row['delay_p50_s'], 3):>6} {fmt(row['delay_p99_s'], 3):>6} "
            f"{fmt(row['delay_max_s'], 3):>6} {row['errors']:>6} {fmt(row['requests_per_s'], 0):>7} "
            f"{fmt(row['server_cpu_percent'], 0):>8} {fmt(row['nginx_cpu_percent'], 0):>8} "
            f"{fmt(row['client_cpu_percent'], 0):>8} "
            f"{row['parts_delivered']:>7}{bound}",
            flush=True,
        )
    result["median_server_cpu_percent"] = median([r["server_cpu_percent"] for r in result["capacity"]])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description="LL-HLS packaging cost and origin capacity.")
    parser.add_argument("--viewers", type=int, nargs="+", default=[100, 300, 500, 1000])
    parser.add_argument("--seconds", type=float, default=20.0, help="measured seconds per row")
    parser.add_argument("--ramp", type=float, default=5.0, help="seconds over which viewers join")
    parser.add_argument("--skip-packaging", action="store_true")
    parser.add_argument("--nginx", action="store_true", help="viewers go through an nginx front")
    args = parser.parse_args()
    result = asyncio.run(run(args.viewers, args.seconds, args.ramp, args.skip_packaging, args.nginx))
    save_result("llhls-origin-nginx" if args.nginx else "llhls-origin", result)


if __name__ == "__main__":
    main()
