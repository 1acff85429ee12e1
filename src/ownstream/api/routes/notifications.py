"""Go-live notification sign-up (newer Owncast §8): `POST /api/notifications/register?accessToken=`.

The body is `{"channel": "BROWSER_PUSH_NOTIFICATION", "destination": "<PushSubscription JSON as a
string>"}`; success is 200 with an empty body, as in Owncast. The VAPID public key a page needs for
`pushManager.subscribe` is in `/api/config` (`notifications.browser.publicKey`).
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from ownstream.api.errors import error_shape, read_json
from ownstream.api.responses import simple_response
from ownstream.api.state import services
from ownstream.auth.requirements import ChatUser, requires
from ownstream.errors import Invalid

routes = web.RouteTableDef()

UNREGISTRABLE = "unable to register for notifications"


@routes.route("*", "/api/notifications/register")
@requires(ChatUser())
@error_shape("simple")
async def register(request: web.Request) -> web.Response:
    if request.method != "POST":
        return simple_response(False, f"{request.method} not supported")
    body: Any = await read_json(request, UNREGISTRABLE)
    if not isinstance(body, dict):
        raise Invalid(UNREGISTRABLE)
    channel, destination = body.get("channel"), body.get("destination")
    if not isinstance(channel, str) or not isinstance(destination, str):
        raise Invalid(UNREGISTRABLE)
    await services(request).notifications.register(channel, destination)
    return web.Response(status=200)


def browser_notifications_document(request: web.Request) -> dict[str, Any]:
    """`/api/config`'s `notifications`: whether the page may offer sign-up, and the key it needs."""
    svc = services(request)
    key = svc.notifications.public_key
    browser: dict[str, Any] = {"enabled": svc.config.current.browser_push.enabled and bool(key)}
    if key:
        browser["publicKey"] = key
    return {"browser": browser}
