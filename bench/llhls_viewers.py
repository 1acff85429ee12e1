"""Simulated low-latency HLS viewers, as a separate process (the client side of `bench/llhls_origin.py`).

Each viewer does what hls.js does in `lowLatencyMode` at the live edge: a blocking playlist reload for the
next part (`_HLS_msn`, `_HLS_part`) and, at the same time, a request for the part named by
`EXT-X-PRELOAD-HINT` (the origin answers it as its bytes arrive); when both are done it parses the new
playlist and goes again. No cache-busting, no polling. For every part a viewer received it records the wall
clock (`time.time()`) when the part's last byte arrived; the driver compares those with a lone probe's.

    python bench/llhls_viewers.py URL --viewers N --seconds S --out FILE
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

_HINT = re.compile(r'#EXT-X-PRELOAD-HINT:TYPE=PART,URI="([^"]+)"')


@dataclass(frozen=True)
class EdgeState:
    """What a low-latency viewer asks for next: the part (msn, index) and the hinted part's URI."""

    msn: int
    part: int
    hint: str


def next_request(playlist: str) -> EdgeState | None:
    """The next part after the playlist's last listed one, from a low-latency media playlist."""
    msn: int | None = None
    parts = 0
    hint: str | None = None
    for line in playlist.splitlines():
        if line.startswith("#EXT-X-MEDIA-SEQUENCE:"):
            msn = int(line.split(":", 1)[1])
        elif line.startswith("#EXT-X-PART:"):
            parts += 1
        elif line.startswith("#EXT-X-PRELOAD-HINT:"):
            match = _HINT.match(line)
            hint = match.group(1) if match else None
        elif line and not line.startswith("#") and msn is not None:
            msn += 1
            parts = 0
    if msn is None or hint is None:
        return None
    return EdgeState(msn, parts, hint)


@dataclass
class ViewerLog:
    received: dict[str, list[float]] = field(default_factory=dict)
    """Part URI → wall-clock times its last byte arrived, one per viewer that got it."""
    errors: list[str] = field(default_factory=list)
    requests: int = 0


async def fetch(http: aiohttp.ClientSession, url: str, log: ViewerLog) -> bytes | None:
    log.requests += 1
    try:
        async with http.get(url) as response:
            body = await response.read()
            if response.status != 200:
                log.errors.append(f"{response.status} {url.rsplit('/', 1)[-1]}")
                return None
            return body
    except (aiohttp.ClientError, TimeoutError) as error:
        log.errors.append(f"{type(error).__name__} {url.rsplit('/', 1)[-1]}")
        return None


async def viewer(http: aiohttp.ClientSession, playlist_url: str, until: float, log: ViewerLog) -> None:
    base = playlist_url.rsplit("/", 1)[0]
    body = await fetch(http, playlist_url, log)
    state = next_request(body.decode()) if body else None
    while time.monotonic() < until:
        if state is None:
            await asyncio.sleep(0.5)
            body = await fetch(http, playlist_url, log)
            state = next_request(body.decode()) if body else None
            continue
        hint_url = f"{base}/{state.hint}"
        reload_url = f"{playlist_url}?_HLS_msn={state.msn}&_HLS_part={state.part}"

        async def hinted_part(url: str = hint_url, name: str = state.hint) -> None:
            if await fetch(http, url, log) is not None:
                log.received.setdefault(name, []).append(time.time())

        part_task = asyncio.create_task(hinted_part(), name="viewer:part")
        body = await fetch(http, reload_url, log)
        await part_task
        fresh = next_request(body.decode()) if body else None
        if fresh is None or fresh.hint == state.hint:
            await asyncio.sleep(0.1)  # an error answer: don't spin
        state = fresh


async def run(playlist_url: str, viewers: int, seconds: float, ramp: float) -> ViewerLog:
    log = ViewerLog()
    connector = aiohttp.TCPConnector(limit=0, force_close=False)
    timeout = aiohttp.ClientTimeout(total=15)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as http:
        until = time.monotonic() + ramp + seconds
        tasks = []
        for index in range(viewers):
            tasks.append(asyncio.create_task(viewer(http, playlist_url, until, log), name=f"viewer:{index}"))
            await asyncio.sleep(ramp / max(1, viewers))  # random-ish join times spread over the ramp
        await asyncio.gather(*tasks)
    return log


def main() -> None:
    parser = argparse.ArgumentParser(description="Simulated hls.js low-latency viewers (one process).")
    parser.add_argument("url", help="the variant playlist, e.g. http://127.0.0.1:8080/hls/0/stream.m3u8")
    parser.add_argument("--viewers", type=int, required=True)
    parser.add_argument("--seconds", type=float, default=20.0, help="measured time after the ramp")
    parser.add_argument("--ramp", type=float, default=5.0, help="seconds over which viewers join")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    started = time.time()
    log = asyncio.run(run(args.url, args.viewers, args.seconds, args.ramp))
    args.out.write_text(
        json.dumps(
            {
                "started": started,
                "measure_from": started + args.ramp,
                "received": log.received,
                "errors": log.errors,
                "requests": log.requests,
            }
        )
    )


if __name__ == "__main__":
    main()
