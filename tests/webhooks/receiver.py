"""A real HTTP webhook receiver on 127.0.0.1 for tests: records every request and answers as told."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web


@dataclass(frozen=True)
class Received:
    path: str
    method: str
    headers: dict[str, str]
    body: Any
    at: float


@dataclass
class Receiver:
    """`status` is the answer for every request; with `hang` set, requests wait until released."""

    status: int = 200
    hang: bool = False
    requests: list[Received] = field(default_factory=list)
    port: int = 0
    _arrived: asyncio.Condition = field(default_factory=asyncio.Condition)
    _release: asyncio.Event = field(default_factory=asyncio.Event)

    def url(self, path: str = "/hook") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def bodies(self, event_type: str | None = None) -> list[Any]:
        return [r.body for r in self.requests if event_type is None or r.body.get("type") == event_type]

    async def wait_for(self, count: int, event_type: str | None = None, timeout: float = 10.0) -> list[Any]:
        """The first `count` bodies (of `event_type`, if given), waiting for them to arrive."""

        async def enough() -> None:
            async with self._arrived:
                await self._arrived.wait_for(lambda: len(self.bodies(event_type)) >= count)

        await asyncio.wait_for(enough(), timeout)
        return self.bodies(event_type)[:count]

    def release(self) -> None:
        self._release.set()

    async def _handle(self, request: web.Request) -> web.Response:
        raw = await request.read()
        received = Received(
            request.path, request.method, dict(request.headers), json.loads(raw), time.monotonic()
        )
        async with self._arrived:
            self.requests.append(received)
            self._arrived.notify_all()
        if self.hang:
            await self._release.wait()
        return web.Response(status=self.status, text="ok")


@asynccontextmanager
async def receiving(status: int = 200, *, hang: bool = False) -> AsyncIterator[Receiver]:
    receiver = Receiver(status=status, hang=hang)
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", receiver._handle)
    runner = web.AppRunner(app, shutdown_timeout=0.1)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    server = site._server
    assert server is not None
    receiver.port = server.sockets[0].getsockname()[1]  # type: ignore[attr-defined]
    try:
        yield receiver
    finally:
        receiver.release()
        await runner.cleanup()


def unused_port() -> int:
    """A loopback port nothing listens on (bound then closed)."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
