"""A fleet of follower inboxes in one process, for bench/federation_fanout.py: `POST /users/u<N>/inbox`
for N in 0 … count-1 (no shared inbox), each verifying the draft-cavage signature of every delivery
against the sender's key (fetched once from its actor document, as a fediverse server caches it).

Every `--fail-every`-th inbox answers 503 to its first `--failures` deliveries. `GET /stats` reports, per
inbox, when the first attempt arrived, when a verified delivery was accepted, and how many times the same
activity was accepted (a duplicate would show as more than one).

    .venv/bin/python bench/inbox_receiver.py --port 9000 --count 1000 --fail-every 10 --failures 2
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import aiohttp
from aiohttp import web

from ownstream.federation.remote_actors import load_public_key
from ownstream.federation.signatures import SignatureRejected, SignedRequest, check_request, verify


@dataclass
class InboxRecord:
    first_attempt: float | None = None
    delivered: float | None = None
    attempts: int = 0
    accepted: dict[str, int] = field(default_factory=dict)
    """Activity id → how many times it was accepted."""


class Receiver:
    def __init__(self, count: int, fail_every: int, failures: int) -> None:
        self.count = count
        self.fail_every = fail_every
        self.failures = failures
        self.records: dict[int, InboxRecord] = {}
        self.keys: dict[str, Any] = {}
        self.refused = 0
        self.verify_seconds = 0.0
        self.verified = 0
        self._http: aiohttp.ClientSession | None = None

    async def key(self, key_id: str) -> Any:
        if key_id not in self.keys:
            assert self._http is not None
            url = key_id.split("#", 1)[0]
            async with self._http.get(url, headers={"Accept": "application/activity+json"}) as response:
                document = await response.json(content_type=None)
            self.keys[key_id] = load_public_key(document["publicKey"]["publicKeyPem"])
        return self.keys[key_id]

    async def inbox(self, request: web.Request) -> web.Response:
        arrived = time.time()
        number = int(request.match_info["number"])
        if not 0 <= number < self.count:
            raise web.HTTPNotFound()
        record = self.records.setdefault(number, InboxRecord())
        record.attempts += 1
        if record.first_attempt is None:
            record.first_attempt = arrived
        body = await request.read()
        if self.fail_every and number % self.fail_every == 0 and record.attempts <= self.failures:
            return web.Response(status=503)
        started = time.perf_counter()
        try:
            signed = SignedRequest("POST", request.path, request.query_string, request.headers, body)
            parameters, candidates = check_request(signed, datetime.now(UTC))
            if not verify(await self.key(parameters.key_id), parameters, candidates):
                raise SignatureRejected("the signature does not verify")
        except SignatureRejected as rejected:
            self.refused += 1
            return web.json_response({"error": str(rejected)}, status=401)
        self.verify_seconds += time.perf_counter() - started
        self.verified += 1
        activity = json.loads(body)
        record.accepted[activity["id"]] = record.accepted.get(activity["id"], 0) + 1
        if record.delivered is None:
            record.delivered = time.time()
        return web.Response(status=202)

    async def stats(self, _request: web.Request) -> web.Response:
        return web.json_response(
            {
                "refused": self.refused,
                "verified": self.verified,
                "verify_ms_mean": 1000 * self.verify_seconds / max(self.verified, 1),
                "inboxes": {
                    str(number): {
                        "first_attempt": record.first_attempt,
                        "delivered": record.delivered,
                        "attempts": record.attempts,
                        "accepted": record.accepted,
                    }
                    for number, record in self.records.items()
                },
            }
        )

    async def start(self, app: web.Application) -> None:
        self._http = aiohttp.ClientSession()

    async def stop(self, app: web.Application) -> None:
        if self._http is not None:
            await self._http.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--fail-every", type=int, default=10)
    parser.add_argument("--failures", type=int, default=2)
    args = parser.parse_args()
    receiver = Receiver(args.count, args.fail_every, args.failures)
    app = web.Application(client_max_size=1024 * 1024)
    app.router.add_post("/users/u{number:\\d+}/inbox", receiver.inbox)
    app.router.add_get("/stats", receiver.stats)
    app.on_startup.append(receiver.start)
    app.on_cleanup.append(receiver.stop)
    web.run_app(app, host="127.0.0.1", port=args.port, access_log=None, print=None)


if __name__ == "__main__":
    main()
