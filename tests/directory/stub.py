"""A stand-in for the Owncast directory on loopback: records pings and, like the real one, fetches the
pinging server's `/api/yp` listing. A ping without a key is registered under a fresh one."""

from __future__ import annotations

import asyncio
import itertools
from typing import Any

import aiohttp
from aiohttp import web


class DirectoryStub:
    def __init__(self, *, fetch_listing: bool = True) -> None:
        self.fetch_listing = fetch_listing
        self.pings: list[dict[str, Any]] = []
        self.listings: list[tuple[int, Any]] = []
        self.replies: list[web.Response] = []
        """Canned answers used (in order) before the default behaviour."""
        self.delay = 0.0
        self._keys = (f"key-{n}" for n in itertools.count(1))
        self._runner: web.AppRunner | None = None
        self.url = ""

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/api/ping", self._ping)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _ping(self, request: web.Request) -> web.Response:
        assert request.content_type == "application/json"
        body = await request.json()
        self.pings.append(body)
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.replies:
            return self.replies.pop(0)
        if self.fetch_listing:
            async with aiohttp.ClientSession() as http, http.get(body["url"] + "/api/yp") as response:
                listing = await response.json() if response.status == 200 else None
                self.listings.append((response.status, listing))
        key = body["key"] or next(self._keys)
        return web.json_response({"key": key, "success": True, "error": "", "errorCode": 0})


def refusal(message: str, code: int = 3) -> web.Response:
    return web.json_response({"key": "", "success": False, "error": message, "errorCode": code})
