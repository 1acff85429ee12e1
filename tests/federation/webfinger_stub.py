"""A fediverse server's WebFinger endpoint on loopback, over plain HTTP."""

from __future__ import annotations

import asyncio

from aiohttp import web

from ownstream.federation.webfinger import SUBSCRIBE_REL


class WebfingerStub:
    def __init__(self) -> None:
        self.resources: list[str] = []
        self.interactions: list[str] = []
        """The `uri` of every visit to the follow page (`/authorize_interaction`)."""
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
        app.router.add_get("/authorize_interaction", self._authorize_interaction)
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

    async def _authorize_interaction(self, request: web.Request) -> web.Response:
        """The page a visitor lands on to confirm the follow on their own server."""
        self.interactions.append(request.query.get("uri", ""))
        return web.Response(
            text="<!doctype html><title>Follow?</title><p>Follow this account?</p>", content_type="text/html"
        )
