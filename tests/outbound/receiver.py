"""A real HTTP server on 127.0.0.1 that records requests and answers from a script of statuses."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from aiohttp import web


@dataclass(frozen=True)
class Seen:
    path: str
    headers: dict[str, str]
    body: bytes
    at: float


@dataclass
class Endpoint:
    """Answers `script` in order, then `status`; with `hang`, requests wait until `release()`."""

    status: int = 200
    script: list[int] = field(default_factory=list)
    reply: str = "ok"
    hang: bool = False
    requests: list[Seen] = field(default_factory=list)
    port: int = 0
    _arrived: asyncio.Condition = field(default_factory=asyncio.Condition)
    _release: asyncio.Event = field(default_factory=asyncio.Event)

    def url(self, path: str = "/inbox") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def release(self) -> None:
        self._release.set()

    async def wait_for(self, count: int, timeout: float = 10.0) -> list[Seen]:
        async def enough() -> None:
            async with self._arrived:
                await self._arrived.wait_for(lambda: len(self.requests) >= count)

        await asyncio.wait_for(enough(), timeout)
        return self.requests[:count]

    async def handle(self, request: web.Request) -> web.Response:
        seen = Seen(request.path, dict(request.headers), await request.read(), time.monotonic())
        async with self._arrived:
            self.requests.append(seen)
            self._arrived.notify_all()
        if self.hang:
            await self._release.wait()
        status = self.script.pop(0) if self.script else self.status
        return web.Response(status=status, text=self.reply)


@asynccontextmanager
async def endpoint(status: int = 200, **options: object) -> AsyncIterator[Endpoint]:
    receiver = Endpoint(status=status, **options)  # type: ignore[arg-type]
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", receiver.handle)
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
