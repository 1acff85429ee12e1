"""Soak: a live stream, chatters and viewers for N minutes; does the server's memory, fds or task count grow?

A real server (`python -m ownstream`, default transcode) gets a looped pre-encoded clip over RTMP
(`-re -stream_loop -1 -c copy`). A handful of chat users talk over WebSockets (one message every 2 s each,
one of them reconnecting every 30 s) and a handful of viewers behave like hls.js: master playlist, then
the variant playlist every second and every new segment, plus `/api/ping` and `/api/status`. Every
`--interval` seconds the server process's RSS, open file descriptors and asyncio task count are sampled
(the task count by a sampler task added with a `python -c` wrapper around the unchanged CLI).

Prints one row per sample, then start / end / max and the least-squares slope per minute of each series,
and the traffic that flowed. Numbers go to bench/results/soak.json (or to `--json PATH`).

    .venv/bin/python bench/soak.py [--minutes 10] [--interval 10] [--chatters 5] [--viewers 5]
        [--reconnect-every 30] [--latency-level L]
        [--seconds S]     # instead of --minutes (the short e2e test uses this)
        [--clip PATH]     # an FLV clip to push instead of the one encoded into bench/.cache/
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import json
import os
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import psutil
from common import (
    PYTHON,
    STREAM_KEY,
    ClipSpec,
    Server,
    ensure_clip,
    fetch_text,
    fmt,
    ownstream_server,
    playlist_segments,
    publish_file,
    save_result,
    stop_process,
    wait_online,
)

CLIP = ClipSpec(width=426, height=240, fps=15, kbps=500, seconds=10)
ADMIN = {"Authorization": "Basic " + base64.b64encode(f"admin:{STREAM_KEY}".encode()).decode()}
CHAT_INTERVAL = 2.0
"""Seconds between one chatter's messages (the server allows 1.5 a second)."""
PLAYLIST_INTERVAL = 1.0
TASK_WRAPPER = """
import asyncio, json, os, sys, time
import ownstream.cli as cli
serve = cli.serve
async def sampled(*args, **kwargs):
    path = os.environ["SOAK_TASKS"]
    async def sample():
        while True:
            line = json.dumps({"time": time.time(), "tasks": len(asyncio.all_tasks())}) + "\\n"
            with open(path, "a") as out:
                out.write(line)
            await asyncio.sleep(1.0)
    sampler = asyncio.create_task(sample(), name="soak task sampler")
    try:
        return await serve(*args, **kwargs)
    finally:
        sampler.cancel()
cli.serve = sampled
cli.main(sys.argv[1:])
"""
"""`python -c` program: the unchanged CLI plus one task that appends the loop's task count to $SOAK_TASKS
every second (the count includes that sampler)."""


@dataclass
class Traffic:
    chat_sent: int = 0
    chat_received: int = 0
    chat_reconnects: int = 0
    playlists: int = 0
    segments: int = 0
    segment_bytes: int = 0
    errors: list[str] = field(default_factory=list)

    def error(self, text: str) -> None:
        if len(self.errors) < 50:
            self.errors.append(text)


@dataclass
class Sample:
    seconds: float
    rss_mb: float
    fds: int
    tasks: int
    cpu_percent: float


# --------------------------------------------------------------------------------------------- load


async def register(http: aiohttp.ClientSession, server: Server, name: str) -> str:
    async with http.post(f"{server.base_url}/api/chat/register", json={"displayName": name}) as response:
        response.raise_for_status()
        token: str = (await response.json())["accessToken"]
        return token


async def chatter(
    http: aiohttp.ClientSession,
    server: Server,
    token: str,
    number: int,
    traffic: Traffic,
    stop: asyncio.Event,
    reconnect_every: float,
) -> None:
    """Talks every CHAT_INTERVAL seconds and reads everything; chatter 0 reconnects now and then."""
    url = f"{server.base_url}/ws?accessToken={token}"
    sent = 0
    while not stop.is_set():
        connected_at = time.monotonic()
        try:
            async with http.ws_connect(url) as ws:

                async def read(ws: aiohttp.ClientWebSocketResponse = ws) -> None:
                    async for message in ws:
                        if message.type is aiohttp.WSMsgType.TEXT:
                            events = (json.loads(line) for line in message.data.split("\n"))
                            traffic.chat_received += sum(event.get("type") == "CHAT" for event in events)

                reader = asyncio.create_task(read(), name=f"soak chat reader {number}")
                try:
                    while not stop.is_set() and not reader.done():
                        if number == 0 and time.monotonic() - connected_at > reconnect_every:
                            traffic.chat_reconnects += 1
                            break
                        await ws.send_json({"type": "CHAT", "body": f"soak {number} says {sent}"})
                        sent += 1
                        traffic.chat_sent += 1
                        with contextlib.suppress(TimeoutError):
                            await asyncio.wait_for(stop.wait(), CHAT_INTERVAL)
                finally:
                    reader.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await reader
        except (aiohttp.ClientError, ConnectionError) as error:
            traffic.error(f"chatter {number}: {error!r}")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), 1.0)


async def viewer(
    http: aiohttp.ClientSession, server: Server, number: int, traffic: Traffic, stop: asyncio.Event
) -> None:
    """Plays like hls.js: master, then the variant playlist every second and each new segment once."""
    base = server.base_url
    seen: set[str] = set()
    variant_url: str | None = None
    last_ping = 0.0
    headers = {"User-Agent": f"soak-viewer/{number}"}
    while not stop.is_set():
        try:
            if time.monotonic() - last_ping > 5:
                last_ping = time.monotonic()
                for path in ("/api/ping", "/api/status"):
                    async with http.get(base + path, headers=headers) as response:
                        await response.read()
            if variant_url is None:
                master = await fetch_text(http, base + "/hls/stream.m3u8")
                uris = [line for line in (master or "").splitlines() if line and not line.startswith("#")]
                variant_url = f"{base}/hls/{uris[0]}" if uris else None
            if variant_url is not None:
                playlist = await fetch_text(http, variant_url)
                traffic.playlists += 1
                if playlist is None:
                    variant_url = None
                else:
                    folder = variant_url.rsplit("/", 1)[0]
                    for segment in playlist_segments(playlist)[-3:]:
                        if segment.uri in seen:
                            continue
                        seen.add(segment.uri)
                        async with http.get(f"{folder}/{segment.uri}", headers=headers) as response:
                            if response.status == 200:
                                traffic.segments += 1
                                traffic.segment_bytes += len(await response.read())
                            else:
                                traffic.error(f"viewer {number}: segment {response.status}")
        except (aiohttp.ClientError, TimeoutError) as error:
            traffic.error(f"viewer {number}: {error!r}")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), PLAYLIST_INTERVAL)


# ------------------------------------------------------------------------------------------ sampling


def last_task_count(path: Path) -> int:
    try:
        lines = path.read_text().splitlines()
    except OSError:
        return -1
    return int(json.loads(lines[-1])["tasks"]) if lines else -1


def slope_per_minute(points: list[tuple[float, float]]) -> float:
    """Least-squares slope of (seconds, value) in value per minute."""
    if len(points) < 2:
        return float("nan")
    n = len(points)
    mean_t = sum(t for t, _ in points) / n
    mean_v = sum(v for _, v in points) / n
    spread = sum((t - mean_t) ** 2 for t, _ in points)
    if spread == 0:
        return float("nan")
    return 60 * sum((t - mean_t) * (v - mean_v) for t, v in points) / spread


def summary(samples: list[Sample]) -> dict[str, dict[str, float]]:
    result = {}
    for name in ("rss_mb", "fds", "tasks"):
        values = [float(getattr(sample, name)) for sample in samples]
        result[name] = {
            "start": values[0],
            "end": values[-1],
            "max": max(values),
            "min": min(values),
            "slope_per_minute": slope_per_minute(
                [(s.seconds, v) for s, v in zip(samples, values, strict=True)]
            ),
        }
    return result


async def soak(args: argparse.Namespace) -> dict[str, Any]:
    duration = args.seconds if args.seconds is not None else args.minutes * 60
    clip = Path(args.clip) if args.clip else await ensure_clip(CLIP)
    with tempfile.TemporaryDirectory(prefix="ownstream-soak-") as tmp:
        task_file = Path(tmp) / "tasks.jsonl"
        env = {**os.environ, "SOAK_TASKS": str(task_file)}
        command = [PYTHON, "-c", TASK_WRAPPER]
        async with (
            ownstream_server(
                command=command, env=env, loglevel="info", latency_level=args.latency_level
            ) as server,
            aiohttp.ClientSession() as http,
        ):
            publisher = await publish_file(clip, server.rtmp_url)
            traffic = Traffic()
            stop = asyncio.Event()
            load: list[asyncio.Task[None]] = []
            try:
                await wait_online(http, server, 60)
                tokens = [await register(http, server, f"soak-{n}") for n in range(args.chatters)]
                load += [
                    asyncio.create_task(
                        chatter(http, server, token, n, traffic, stop, args.reconnect_every),
                        name=f"chatter {n}",
                    )
                    for n, token in enumerate(tokens)
                ]
                load += [
                    asyncio.create_task(viewer(http, server, n, traffic, stop), name=f"viewer {n}")
                    for n in range(args.viewers)
                ]
                await asyncio.sleep(2)  # everyone connected and playing
                samples = await sample_for(server, task_file, duration, args.interval)
            finally:
                stop.set()
                if load:
                    await asyncio.wait(load, timeout=10)
                await stop_process(publisher)
            server_errors = [
                line for line in server.log_path.read_text(errors="replace").splitlines() if " ERROR " in line
            ]
    return {
        "duration_s": duration,
        "interval_s": args.interval,
        "chatters": args.chatters,
        "viewers": args.viewers,
        "reconnect_every_s": args.reconnect_every,
        "latency_level": args.latency_level,
        "clip": str(clip),
        "samples": [sample.__dict__ for sample in samples],
        "summary": summary(samples),
        "traffic": {k: v for k, v in traffic.__dict__.items() if k != "errors"},
        "client_errors": traffic.errors,
        "server_error_lines": server_errors[:20],
    }


async def sample_for(server: Server, task_file: Path, duration: float, interval: float) -> list[Sample]:
    process = psutil.Process(server.pid)
    started = time.monotonic()
    cpu = process.cpu_times()
    cpu_at = started
    samples: list[Sample] = []
    print(f"{'t (s)':>7} {'RSS MB':>8} {'fds':>5} {'tasks':>6} {'CPU %':>6}", flush=True)
    while True:
        now = time.monotonic()
        times = process.cpu_times()
        cpu_percent = 100 * (times.user + times.system - cpu.user - cpu.system) / max(now - cpu_at, 1e-6)
        cpu, cpu_at = times, now
        sample = Sample(
            seconds=round(now - started, 1),
            rss_mb=round(process.memory_info().rss / 2**20, 1),
            fds=process.num_fds(),
            tasks=last_task_count(task_file),
            cpu_percent=round(cpu_percent, 1),
        )
        samples.append(sample)
        row = f"{sample.seconds:7.1f} {sample.rss_mb:8.1f} {sample.fds:5d} {sample.tasks:6d}"
        print(f"{row} {sample.cpu_percent:6.1f}", flush=True)
        if now - started >= duration:
            return samples
        await asyncio.sleep(min(interval, max(0.0, duration - (time.monotonic() - started))))


def report(result: dict[str, Any]) -> None:
    print()
    print(f"{'series':<8} {'start':>8} {'end':>8} {'max':>8} {'end-start':>10} {'slope/min':>10}")
    for name, values in result["summary"].items():
        print(
            f"{name:<8} {fmt(values['start'], 1):>8} {fmt(values['end'], 1):>8} {fmt(values['max'], 1):>8}"
            f" {fmt(values['end'] - values['start'], 1):>10} {fmt(values['slope_per_minute'], 3):>10}"
        )
    traffic = result["traffic"]
    print(
        f"\nchat: {traffic['chat_sent']} sent, {traffic['chat_received']} received, "
        f"{traffic['chat_reconnects']} reconnects; viewers: {traffic['playlists']} playlists, "
        f"{traffic['segments']} segments ({traffic['segment_bytes'] / 2**20:.1f} MB)"
    )
    errors, server_errors = result["client_errors"], result["server_error_lines"]
    print(f"client errors: {len(errors)}; server ERROR lines: {len(server_errors)}")
    for line in errors[:5] + server_errors[:5]:
        print("  " + line)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--seconds", type=float, help="duration in seconds (overrides --minutes)")
    parser.add_argument("--interval", type=float, default=10.0, help="seconds between samples")
    parser.add_argument("--chatters", type=int, default=5)
    parser.add_argument("--viewers", type=int, default=5)
    parser.add_argument(
        "--reconnect-every", type=float, default=30.0, help="chatter 0 reconnects this often (s)"
    )
    parser.add_argument("--latency-level", type=int, help="stream latency level (default: the server's, 2)")
    parser.add_argument("--clip", help="FLV clip to push (default: one encoded into bench/.cache/)")
    parser.add_argument("--json", help="write the result here instead of bench/results/soak.json")
    args = parser.parse_args()
    result = asyncio.run(soak(args))
    report(result)
    if args.json:  # a one-off run (the e2e test): keep bench/results/ for real runs
        Path(args.json).write_text(json.dumps(result, indent=2) + "\n")
    else:
        save_result("soak", result)


if __name__ == "__main__":
    main()
