"""A fediverse server's WebFinger endpoint on loopback, over plain HTTP."""

from __future__ import annotations

import asyncio

from aiohttp import web

from ownstream.federation.webfinger import SUBSCRIBE_REL


class WebfingerStub:
    def __init__(self) -> None:
        self.resources: list[str] = []
        self.reply: web.Response | None = None
        """A canned answer instead of the normal document (used once per request, reset by the test)."""
        self.delay = 0.0
        self._runner: web.AppRunner | None = None
        self.host = ""

    @property
    def url(self) -> str:
        return f"http://{self.host}"

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/.well-known/webfinger", self._webfinger)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.host = f"127.0.0.1:{self._runner.addresses[0][1]}"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _webfinger(self, request: web.Request) -> web.Response:
        resource = request.query.get("resource", "")
        self.resources.append(resource)
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.reply is not None:
            return self.reply
        user = resource.removeprefix("acct:").split("@", 1)[0]
        return web.json_response(
            {
                "subject": resource,
                "links": [
                    {"rel": "self", "type": "application/activity+json", "href": f"{self.url}/users/{user}"},
                    {"rel": SUBSCRIBE_REL, "template": f"{self.url}/authorize_interaction?uri={{uri}}"},
                ],
            },
            content_type="application/jrd+json",
        )
