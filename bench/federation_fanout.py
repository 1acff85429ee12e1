"""Go-live fan-out: a post to 1,000 followers, each with its own inbox (no shared inbox), served by a
receiver process that verifies every signature (bench/inbox_receiver.py); every tenth inbox answers 503
twice before it accepts. Reports when each inbox got the signed Note (from the post, and from that
inbox's first attempt), whether any got it twice, the server's CPU, and what signing costs.

The post is made through `/api/admin/federation/send`: the go-live Note takes the same path
(`FederationService._publish` → `SignedDelivery.post_published` → the persistent queue); only its
2-minute timer is left out. Retries follow the server's defaults: the first after 10 s, doubling.

    .venv/bin/python bench/federation_fanout.py [--followers 1000] [--fail-every 10] [--failures 2]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
import psutil
from common import PYTHON, free_port, ownstream_server, save_result, spawn, stop_process

from ownstream.database.db import open_database
from ownstream.database.repos.followers import Follower, FollowerRepository
from ownstream.federation.keys import ActorKey
from ownstream.federation.signatures import signed_headers

BENCH = Path(__file__).resolve().parent
ADMIN = {"Authorization": aiohttp.encode_basic_auth("admin", "abc123")}


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def signing_cost(runs: int = 2000) -> dict[str, float]:
    """Microseconds to make the headers of one signed delivery (RSA-2048 PKCS#1 v1.5, SHA-256)."""
    key = ActorKey.generate()
    body = b'{"type":"Create","object":{"type":"Note","content":"' + b"x" * 1500 + b'"}}'
    started = time.perf_counter()
    for number in range(runs):
        signed_headers(
            method="POST",
            url=f"https://social.example/users/u{number}/inbox",
            body=body,
            private_key=key.private_key,
            key_id="https://live.example/federation/user/streamer#main-key",
            now=datetime.now(UTC),
        )
    return {"signing_us_per_request": 1e6 * (time.perf_counter() - started) / runs}


async def add_followers(datadir: Path, receiver_port: int, count: int) -> None:
    engine = await open_database(f"sqlite+aiosqlite:///{datadir / 'ownstream.db'}")
    try:
        followers = FollowerRepository(engine)
        now = datetime.now(UTC)
        for number in range(count):
            iri = f"http://127.0.0.1:{receiver_port}/users/u{number}"
            await followers.add(
                Follower(
                    iri=iri,
                    inbox=iri + "/inbox",
                    username=f"u{number}@127.0.0.1",
                    request=iri + "/follow",
                    created_at=now,
                    approved_at=now,
                )
            )
    finally:
        await engine.dispose()


async def wait_port(port: int, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            _reader, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            await asyncio.sleep(0.1)
            continue
        writer.close()
        return
    raise RuntimeError(f"nothing listens on port {port}")


async def measure(followers: int, fail_every: int, failures: int, timeout: float) -> dict[str, Any]:
    receiver_port = free_port()
    receiver = await spawn(
        PYTHON,
        BENCH / "inbox_receiver.py",
        "--port",
        str(receiver_port),
        "--count",
        str(followers),
        "--fail-every",
        str(fail_every),
        "--failures",
        str(failures),
    )
    env = {**os.environ, "OWNSTREAM_FEDERATION_ALLOW_PRIVATE_ADDRESSES": "1"}
    try:
        await wait_port(receiver_port)
        async with ownstream_server(env=env) as server, aiohttp.ClientSession(headers=ADMIN) as http:
            for path, value in (("serverurl", server.base_url), ("federation/enable", True)):
                async with http.post(
                    f"{server.base_url}/api/admin/config/{path}", json={"value": value}
                ) as r:
                    assert r.status == 200, await r.text()
            await add_followers(server.datadir, receiver_port, followers)
            process = psutil.Process(server.pid)
            cpu_before = process.cpu_times()
            posted = time.time()
            async with http.post(
                f"{server.base_url}/api/admin/federation/send", json={"value": "We are live! #bench"}
            ) as response:
                assert response.status == 200, await response.text()
            stats: dict[str, Any] = {}
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                async with http.get(f"http://127.0.0.1:{receiver_port}/stats") as response:
                    stats = await response.json()
                done = sum(1 for record in stats["inboxes"].values() if record["delivered"] is not None)
                if done >= followers:
                    break
                await asyncio.sleep(0.5)
            await asyncio.sleep(2.0)  # anything sent twice would arrive now
            async with http.get(f"http://127.0.0.1:{receiver_port}/stats") as response:
                stats = await response.json()
            cpu_after = process.cpu_times()
    finally:
        await stop_process(receiver)
    inboxes = stats["inboxes"]
    delivered = [record for record in inboxes.values() if record["delivered"] is not None]
    from_post = [record["delivered"] - posted for record in delivered]
    from_first = [record["delivered"] - record["first_attempt"] for record in delivered]
    first_attempts = [record["first_attempt"] - posted for record in inboxes.values()]
    failing = [
        record["delivered"] - posted
        for number, record in inboxes.items()
        if fail_every and int(number) % fail_every == 0 and record["delivered"] is not None
    ]
    twice = sum(1 for record in inboxes.values() for times in record["accepted"].values() if times > 1)
    activities = {activity for record in inboxes.values() for activity in record["accepted"]}
    attempts = sum(record["attempts"] for record in inboxes.values())
    cpu = (cpu_after.user + cpu_after.system) - (cpu_before.user + cpu_before.system)
    return {
        "followers": followers,
        "delivered": len(delivered),
        "delivered_twice": twice,
        "distinct_activities": len(activities),
        "attempts": attempts,
        "refused_signatures": stats["refused"],
        "receiver_verify_ms_mean": stats["verify_ms_mean"],
        "all_first_attempts_within_s": max(first_attempts) if first_attempts else None,
        "from_post_p50_s": statistics.median(from_post),
        "from_post_p99_s": percentile(from_post, 0.99),
        "from_post_max_s": max(from_post),
        "from_first_attempt_p50_s": statistics.median(from_first),
        "from_first_attempt_p99_s": percentile(from_first, 0.99),
        "failing_inboxes_delivered_s": [min(failing), max(failing)] if failing else None,
        "server_cpu_s": cpu,
        "server_cpu_ms_per_attempt": 1000 * cpu / max(attempts, 1),
        **signing_cost(),
        "load_average": os.getloadavg(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--followers", type=int, default=1000)
    parser.add_argument("--fail-every", type=int, default=10)
    parser.add_argument("--failures", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=180.0)
    args = parser.parse_args()
    result = asyncio.run(measure(args.followers, args.fail_every, args.failures, args.timeout))
    width = max(len(key) for key in result)
    for key, value in result.items():
        print(f"{key:<{width}}  {value}")
    save_result("federation_fanout", result)
    ok = result["delivered"] == args.followers and result["delivered_twice"] == 0
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
