"""Inbox throughput: signed activities verified and handled per second by one Ownstream process (one
event loop, so one core), with a warm key cache.

The benchmark process publishes `--actors` actors (their keys) on loopback, signs `--requests` `Like`
activities in advance (draft-cavage, rsa-sha256 over `(request-target) host date digest`), sends one per
actor first so the server fetches and caches every key, then posts the rest to the shared inbox with
`--concurrency` requests in flight. Reported: 202s per second of wall time and per second of the
server's CPU time, and for reference the cost of the signature checks alone in this process.

    .venv/bin/python bench/inbox_verify.py [--requests 4000] [--actors 20] [--concurrency 32]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
from datetime import UTC, datetime
from typing import Any

import aiohttp
import psutil
from aiohttp import web
from common import free_port, ownstream_server, save_result

from ownstream.federation.keys import ActorKey
from ownstream.federation.signatures import SignedRequest, check_request, signed_headers, verify

ADMIN = {"Authorization": aiohttp.encode_basic_auth("admin", "abc123")}


class Actors:
    """`GET /users/a<N>`: actor documents with their public keys."""

    def __init__(self, count: int) -> None:
        self.keys = [ActorKey.generate() for _ in range(count)]
        self.port = free_port()
        self.fetches = 0
        self._runner: web.AppRunner | None = None

    def iri(self, number: int) -> str:
        return f"http://127.0.0.1:{self.port}/users/a{number}"

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/users/a{number:\\d+}", self._actor)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _actor(self, request: web.Request) -> web.Response:
        self.fetches += 1
        number = int(request.match_info["number"])
        iri = self.iri(number)
        document = {
            "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
            "id": iri,
            "type": "Person",
            "preferredUsername": f"a{number}",
            "inbox": iri + "/inbox",
            "publicKey": {
                "id": iri + "#main-key",
                "owner": iri,
                "publicKeyPem": self.keys[number].public_pem,
            },
        }
        return web.json_response(document, content_type="application/activity+json")


def sign_all(actors: Actors, inbox: str, target: str, count: int) -> list[tuple[dict[str, str], bytes]]:
    signed = []
    for number in range(count):
        which = number % len(actors.keys)
        iri = actors.iri(which)
        body = json.dumps(
            {"id": f"{iri}/likes/{number}", "type": "Like", "actor": iri, "object": target}
        ).encode()
        headers = signed_headers(
            method="POST",
            url=inbox,
            body=body,
            private_key=actors.keys[which].private_key,
            key_id=iri + "#main-key",
            now=datetime.now(UTC),
        )
        headers["Content-Type"] = "application/activity+json"
        signed.append((headers, body))
    return signed


def check_cost(signed: list[tuple[dict[str, str], bytes]], actors: Actors, runs: int = 2000) -> float:
    """Microseconds for the signature checks of one request (no HTTP, no key fetch)."""
    keys = {actors.iri(n) + "#main-key": key.private_key.public_key() for n, key in enumerate(actors.keys)}
    started = time.perf_counter()
    for headers, body in signed[:runs]:
        lowered = {name.lower(): value for name, value in headers.items()}
        parameters, candidates = check_request(
            SignedRequest("POST", "/federation/inbox", "", lowered, body), datetime.now(UTC)
        )
        assert verify(keys[parameters.key_id], parameters, candidates)
    return 1e6 * (time.perf_counter() - started) / min(runs, len(signed))


async def measure(requests: int, actor_count: int, concurrency: int) -> dict[str, Any]:
    actors = Actors(actor_count)
    await actors.start()
    env = {**os.environ, "OWNSTREAM_FEDERATION_ALLOW_PRIVATE_ADDRESSES": "1"}
    try:
        async with (
            ownstream_server(env=env) as server,
            aiohttp.ClientSession(headers=ADMIN, connector=aiohttp.TCPConnector(limit=concurrency)) as http,
        ):
            for path, value in (("serverurl", server.base_url), ("federation/enable", True)):
                async with http.post(
                    f"{server.base_url}/api/admin/config/{path}", json={"value": value}
                ) as r:
                    assert r.status == 200, await r.text()
            inbox = server.base_url + "/federation/inbox"
            target = server.base_url + "/federation/user/streamer"
            signed = sign_all(actors, inbox, target, requests + actor_count)
            statuses: dict[int, int] = {}

            async def send(headers: dict[str, str], body: bytes) -> None:
                async with http.post(inbox, data=body, headers=headers) as response:
                    await response.read()
                    statuses[response.status] = statuses.get(response.status, 0) + 1

            for headers, body in signed[:actor_count]:  # warm the key cache, one request per actor
                await send(headers, body)
            warm_fetches = actors.fetches
            statuses.clear()
            process = psutil.Process(server.pid)
            cpu_before = process.cpu_times()
            started = time.perf_counter()
            pending = iter(signed[actor_count:])

            async def worker() -> None:
                for headers, body in pending:
                    await send(headers, body)

            await asyncio.gather(*(worker() for _ in range(concurrency)))
            wall = time.perf_counter() - started
            cpu_after = process.cpu_times()
    finally:
        await actors.stop()
    cpu = (cpu_after.user + cpu_after.system) - (cpu_before.user + cpu_before.system)
    accepted = statuses.get(202, 0)
    return {
        "requests": requests,
        "actors": actor_count,
        "concurrency": concurrency,
        "statuses": {str(status): count for status, count in statuses.items()},
        "key_fetches_warmup": warm_fetches,
        "key_fetches_during_run": actors.fetches - warm_fetches,
        "wall_s": wall,
        "verified_per_s": accepted / wall,
        "server_cpu_s": cpu,
        "server_cpu_share": cpu / wall,
        "verified_per_cpu_s": accepted / cpu if cpu else None,
        "signature_check_us": check_cost(signed, actors),
        "load_average": os.getloadavg(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=4000)
    parser.add_argument("--actors", type=int, default=20)
    parser.add_argument("--concurrency", type=int, default=32)
    args = parser.parse_args()
    result = asyncio.run(measure(args.requests, args.actors, args.concurrency))
    width = max(len(key) for key in result)
    for key, value in result.items():
        print(f"{key:<{width}}  {value}")
    save_result("inbox_verify", result)
    sys.exit(0 if result["statuses"].get("202") == args.requests else 1)


if __name__ == "__main__":
    main()
