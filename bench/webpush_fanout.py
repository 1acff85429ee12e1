"""Go-live Web Push fan-out: time to deliver one notification to 10,000 subscriptions and the sender's
CPU per notification.

The sender is Ownstream's own `NotificationService` (real SQLite with 10,000 stored subscriptions, each
with its own browser key pair, real encryption and VAPID signing, the shared `OutboundHttp` client,
its worker pool). The push service is a local aiohttp receiver in a separate process answering 201, so
the sender's CPU is measured alone (`time.process_time`). Reference in the same run: the same number of
POSTs of the same body size through the same worker pool with no encryption and no signing.

    .venv/bin/python bench/webpush_fanout.py [--subscriptions 10000] [--runs 3] [--workers 64]
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp
from aiohttp import web
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from sqlalchemy.ext.asyncio import AsyncEngine

from ownstream.clock import SystemClock
from ownstream.config.service import ConfigService
from ownstream.database.db import open_database
from ownstream.database.repos.config import ConfigRepository
from ownstream.database.repos.notifications import BROWSER_PUSH, NotificationRepository
from ownstream.database.schema import notifications
from ownstream.events import EventBus
from ownstream.notifications.service import NotificationService
from ownstream.notifications.vapid_keys import VapidKey
from ownstream.outbound.http import OutboundHttp

ROOT = Path(__file__).resolve().parent.parent


def receiver(port: int) -> None:
    async def accept(request: web.Request) -> web.Response:
        await request.read()
        return web.Response(status=201)

    app = web.Application()
    app.router.add_post("/push/{n}", accept)
    web.run_app(app, host="127.0.0.1", port=port, print=None, access_log=None)


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def subscription(port: int, n: int) -> str:
    point = (
        ec.generate_private_key(ec.SECP256R1())
        .public_key()
        .public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    )
    keys = {"p256dh": b64url(point), "auth": b64url(os.urandom(16))}
    return json.dumps({"endpoint": f"http://127.0.0.1:{port}/push/{n}", "keys": keys})


async def fill(engine: AsyncEngine, port: int, count: int) -> None:
    from datetime import UTC, datetime

    rows = [
        {"channel": BROWSER_PUSH, "destination": subscription(port, n), "created_at": datetime.now(UTC)}
        for n in range(count)
    ]
    async with engine.begin() as conn:
        await conn.execute(notifications.insert(), rows)


async def reference(port: int, count: int, workers: int, size: int) -> float:
    body = os.urandom(size)
    queue: asyncio.Queue[int | None] = asyncio.Queue(maxsize=workers * 2)
    async with aiohttp.ClientSession() as http:

        async def work() -> None:
            while (n := await queue.get()) is not None:
                async with http.post(f"http://127.0.0.1:{port}/push/{n}", data=body) as response:
                    await response.read()

        started = time.perf_counter()
        tasks = [asyncio.create_task(work()) for _ in range(workers)]
        for n in range(count):
            await queue.put(n)
        for _ in tasks:
            await queue.put(None)
        await asyncio.gather(*tasks)
        return time.perf_counter() - started


async def run(args: argparse.Namespace, port: int) -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix="bench-push-") as scratch:
        engine = await open_database(f"sqlite+aiosqlite:///{scratch}/ownstream.db")
        await fill(engine, port, args.subscriptions)
        bus = EventBus()
        config = ConfigService(ConfigRepository(engine), bus)
        await config.load()
        http = OutboundHttp()
        service = NotificationService(
            NotificationRepository(engine),
            config,
            bus,
            http,
            SystemClock(),
            VapidKey.generate(),
            allow_private_endpoints=True,
            workers=args.workers,
        )
        walls, cpus, references = [], [], []
        size = len(service.push_payload()) + 16 + 1 + 86
        for run_number in range(args.runs):
            cpu_before = time.process_time()
            outcome = await service.send_browser_push()
            cpu = time.process_time() - cpu_before
            assert outcome.delivered == args.subscriptions, outcome
            walls.append(outcome.seconds)
            cpus.append(cpu)
            references.append(await reference(port, args.subscriptions, args.workers, size))
            print(
                f"run {run_number + 1}: {outcome.delivered} delivered in {outcome.seconds:.2f} s, "
                f"sender CPU {cpu:.2f} s ({cpu / args.subscriptions * 1e6:.0f} µs each); "
                f"plain POSTs {references[-1]:.2f} s"
            )
        await http.close()
        await engine.dispose()
    wall, cpu, ref = statistics.median(walls), statistics.median(cpus), statistics.median(references)
    return {
        "subscriptions": args.subscriptions,
        "workers": args.workers,
        "delivery_s_median": round(wall, 2),
        "sender_cpu_s_median": round(cpu, 2),
        "cpu_us_per_notification": round(cpu / args.subscriptions * 1e6),
        "plain_posts_s_median": round(ref, 2),
        "ratio": round(wall / ref, 2),
        "load_average": os.getloadavg()[0],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscriptions", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workers", type=int, default=64)
    parser.add_argument("--receiver", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.receiver:
        receiver(args.receiver)
        return
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    process = subprocess.Popen([sys.executable, __file__, "--receiver", str(port)])
    try:
        time.sleep(1.5)
        result = asyncio.run(run(args, port))
    finally:
        process.terminate()
        process.wait(10)
    print(json.dumps(result, indent=2))
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "webpush_fanout.json").write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
