"""Chat fan-out, one process against two web processes over Redis (issue 16).

Layouts, each a fresh set of `python -m ownstream` processes:
- `one`: one process (SQLite, nothing shared), every socket on it;
- `two`: a media process and two web processes (`--role web`) over PostgreSQL and Redis started here
  (tests/postgres.py, tests/redis_server.py: Debian's packages in temporary folders); half the sockets on
  each web process; the messages are posted to the first web process, so every one crosses Redis;
- `boxes`: `two` with the second web process on another loopback address (127.0.0.2, its clients
  connecting there) standing for a second box that shares the first box's PostgreSQL, Redis and media
  process; run it light (`--clients 200 --rate 5`) to read the end-to-end latency across "boxes" per
  web process (the same kernel, so it measures the software path, not a network).
The sockets come from bench/chat_fanout_clients.py (one client process per web process, a separate
process from the servers); this process posts `bench <seq> <time_ns>` system messages at `--rate` for
`--seconds` through `/api/integrations/chat/system`. Reported per layout: deliveries/s, latency
p50/p99/max (send → receipt on the same clock), CPU of each server process over the send window and
drain, and server CPU µs per delivery; the Redis server's CPU too. Nothing is pinned: the machine has two
cores and the point is what two web processes make of them.

    .venv/bin/python bench/chat_cluster.py [--clients 2000] [--rate 20] [--seconds 10] [--layouts one two]

Numbers go to bench/results/chat_cluster.json and docs/benchmarks.md ("Chat fan-out across processes").
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path
from typing import Any

import aiohttp
import psutil
from chat_fanout import (
    ClientProcess,
    create_token,
    percentile,
    raise_open_file_limit,
    register_users,
    send_messages,
)
from common import PYTHON, REPO, Server, ownstream_server, save_result, spawn, stop_process

sys.path.insert(0, str(REPO))
from tests.postgres import (
    PostgresServer,
    database_url_for,
    postgres_bin_dir,
    prepare_migrated_template,
)
from tests.redis_server import RedisServer, redis_server_binary

CLIENTS = Path(__file__).with_name("chat_fanout_clients.py")


@asynccontextmanager
async def shared_stores() -> AsyncIterator[tuple[str, str, int | None]]:
    """(database URL, Redis URL, Redis's pid) of a PostgreSQL and a Redis started for the run."""
    bin_dir, redis_binary = postgres_bin_dir(), redis_server_binary()
    if bin_dir is None or redis_binary is None:
        raise SystemExit(
            "the `two` layout needs Debian's postgresql and redis-server (scripts/system-deps.sh --test)"
        )
    postgres, redis = PostgresServer(bin_dir), RedisServer(redis_binary)
    await asyncio.to_thread(postgres.start)
    try:
        await asyncio.to_thread(prepare_migrated_template, postgres.admin_url)
        await asyncio.to_thread(redis.start)
        try:
            root = Path(tempfile.mkdtemp(prefix="ownstream-cluster-bench-"))
            database_url = await asyncio.to_thread(database_url_for, postgres.admin_url, root)
            yield database_url, redis.url, redis.pid
        finally:
            redis.remove()
    finally:
        await asyncio.to_thread(postgres.stop)


def env_with(**variables: str) -> dict[str, str]:
    return {**os.environ, **{f"OWNSTREAM_{name.upper()}": value for name, value in variables.items()}}


@asynccontextmanager
async def layout(name: str, stack: AsyncExitStack) -> AsyncIterator[tuple[list[Server], int | None]]:
    """The server processes (for `two`: the media process first) and Redis's pid."""
    if name == "one":
        yield [await stack.enter_async_context(ownstream_server())], None
        return
    database_url, redis_url, redis_pid = await stack.enter_async_context(shared_stores())
    shared = {"database_url": database_url, "redis_url": redis_url}
    media = await stack.enter_async_context(
        ownstream_server(env=env_with(**shared, process_slot="0", role="media"))
    )
    webs = []
    for slot in (1, 2):
        variables = {**shared, "process_slot": str(slot), "role": "web", "media_url": media.base_url}
        host = "127.0.0.2" if name == "boxes" and slot == 2 else "127.0.0.1"
        webs.append(await stack.enter_async_context(ownstream_server(env=env_with(**variables), host=host)))
    yield [media, *webs], redis_pid


def cpu_of(process: psutil.Process) -> float:
    times = process.cpu_times()
    return float(times.user + times.system)


async def measure(name: str, args: argparse.Namespace) -> dict[str, Any]:
    messages = int(args.rate * args.seconds)
    async with AsyncExitStack() as stack:
        servers, redis_pid = await stack.enter_async_context(layout(name, stack))
        socket_servers = servers if name == "one" else servers[1:]
        watched = {f"server{index}": psutil.Process(server.pid) for index, server in enumerate(servers)}
        for server in servers:
            raise_open_file_limit(server.pid)
        if redis_pid is not None:
            watched["redis"] = psutil.Process(redis_pid)
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60)) as http:
            token = await create_token(http, socket_servers[0])
            users, _ = await register_users(http, socket_servers[0], min(args.clients, 100))
            tmp = Path(await stack.enter_async_context(_tempdir()))
            (tmp / "tokens.txt").write_text("\n".join(users) + "\n")
            share = args.clients // len(socket_servers)
            clients: list[ClientProcess] = []
            for index, server in enumerate(socket_servers):
                process = await spawn(
                    PYTHON, CLIENTS, "--host", server.host, "--port", str(server.web_port),
                    "--tokens-file", tmp / "tokens.txt",
                    "--result-file", tmp / f"result{index}.json", "--count", str(share),
                    "--messages", str(messages), "--connect-deadline", "120",
                    stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=None,
                )  # fmt: skip
                stack.push_async_callback(stop_process, process, 5)
                clients.append(ClientProcess(process))
            for index, client in enumerate(clients):
                watched[f"clients{index}"] = psutil.Process(client.pid)
            ready = [await client.read(timeout=150) for client in clients]
            connected = sum(item["ready"] for item in ready)
            await asyncio.sleep(2)
            before = {key: cpu_of(process) for key, process in watched.items()}
            started = time.monotonic()
            sent = await send_messages(http, socket_servers[0], token, args.rate, messages)
            expected = connected * messages
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                statuses = [await client.ask("status") for client in clients]
                if sum(status["bench_events"] for status in statuses) >= expected:
                    break
                await asyncio.sleep(0.2)
            wall = time.monotonic() - started
            after = {key: cpu_of(process) for key, process in watched.items()}
            results = []
            for index, client in enumerate(clients):
                await client.ask("stop", timeout=60)
                results.append(json.loads((tmp / f"result{index}.json").read_text()))
    hist: dict[int, int] = {}
    per_web_process = []
    for result in results:
        own = {int(bucket): count for bucket, count in result["hist"].items()}
        for bucket, count in own.items():
            hist[bucket] = hist.get(bucket, 0) + count
        per_web_process.append(
            {
                "p50": percentile(own, result["bucket_ns"], 0.5),
                "p99": percentile(own, result["bucket_ns"], 0.99),
            }
        )
    bucket_ns = results[0]["bucket_ns"]
    received = sum(result["bench_events"] for result in results)
    last_ns = max(result["last_ns"] for result in results)
    span = (last_ns - sent["first_send_ns"]) / 1e9
    cpu = {key: 100 * (after[key] - before[key]) / wall for key in watched}
    server_seconds = sum(after[key] - before[key] for key in watched if key.startswith("server"))
    return {
        "layout": name,
        "sockets": connected,
        "messages": messages,
        "expected": expected,
        "received": received,
        "deliveries_per_s": received / span if span > 0 else float("nan"),
        "latency_ms": {
            "p50": percentile(hist, bucket_ns, 0.5),
            "p99": percentile(hist, bucket_ns, 0.99),
            "max": (max(hist) + 1) * bucket_ns / 1e6 if hist else float("nan"),
        },
        "latency_ms_per_web_process": per_web_process,
        "cpu_percent_of_one_core": cpu,
        "watched_total_percent_of_one_core": sum(cpu.values()),  # 200 = both cores
        "server_cpu_us_per_delivery": server_seconds / received * 1e6 if received else float("nan"),
        "window_seconds": wall,
        "loadavg_after": [round(value, 2) for value in os.getloadavg()],
    }


@asynccontextmanager
async def _tempdir() -> AsyncIterator[str]:
    with tempfile.TemporaryDirectory(prefix="ownstream-cluster-clients-") as folder:
        yield folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--clients", type=int, default=2000)
    parser.add_argument("--rate", type=float, default=20.0)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--layouts", nargs="+", choices=("one", "two", "boxes"), default=["one", "two"])
    args = parser.parse_args()
    raise_open_file_limit()
    rows = []
    print(f"load average before: {os.getloadavg()}", flush=True)
    for name in args.layouts:
        row = asyncio.run(measure(name, args))
        rows.append(row)
        print(json.dumps(row, indent=1), flush=True)
    with contextlib.suppress(OSError):
        save_result("chat_cluster", {"args": vars(args), "rows": rows})


if __name__ == "__main__":
    main()
