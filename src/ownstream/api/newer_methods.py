"""Owncast 0.2's router rule for the `/api/` routes newer Owncast added (reference newer §1, C11): only the
methods its OpenAPI file lists; any other method is a 405 with an empty body, answered before the route's
security, as the router matches before the handler runs.

Only routes 0.0.11 did not have: 0.0.11's own routes keep 0.0.11's answers (a simple 400 "GET not
supported" from a POST-only action, aiohttp's 405 where 0.0.11 routed by method), because 0.0.11 clients
rely on them. HEAD is allowed wherever GET is; OPTIONS goes on to the route's gate (the admin's and the
integrations' answer CORS preflights 204 on every route, auth/route_security.py).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Final

from aiohttp import web
from aiohttp.typedefs import Handler

NEWER_API_METHODS: Final[Mapping[str, frozenset[str]]] = {
    "/api/admin/chat/messagevisibility": frozenset({"POST"}),
    "/api/admin/chat/users/ipbans": frozenset({"GET"}),
    "/api/admin/chat/users/ipbans/create": frozenset({"POST"}),
    "/api/admin/chat/users/ipbans/remove": frozenset({"POST"}),
    "/api/admin/config/adminpass": frozenset({"POST"}),
    "/api/admin/config/appearance": frozenset({"POST"}),
    "/api/admin/config/chat/establishedusermode": frozenset({"POST"}),
    "/api/admin/config/chat/joinmessagesenabled": frozenset({"POST"}),
    "/api/admin/config/chat/requireauthentication": frozenset({"POST"}),
    "/api/admin/config/chat/slurfilterenabled": frozenset({"POST"}),
    "/api/admin/config/chat/spamprotectionenabled": frozenset({"POST"}),
    "/api/admin/config/customjavascript": frozenset({"POST"}),
    "/api/admin/config/disablesearchindexing": frozenset({"POST"}),
    "/api/admin/config/favicon": frozenset({"DELETE", "POST"}),
    "/api/admin/config/hideviewercount": frozenset({"POST"}),
    "/api/admin/config/notifications/browser": frozenset({"POST"}),
    "/api/admin/config/notifications/discord": frozenset({"POST"}),
    "/api/admin/config/offlinemessage": frozenset({"POST"}),
    "/api/admin/config/sockethostoverride": frozenset({"POST"}),
    "/api/admin/config/streamkeys": frozenset({"POST"}),
    "/api/admin/config/videoservingendpoint": frozenset({"POST"}),
    "/api/admin/metrics/video": frozenset({"GET"}),
    # 0.2's file lists these four for the Prometheus text.
    "/api/admin/prometheus": frozenset({"GET", "POST", "PUT", "DELETE"}),
    "/api/admin/users": frozenset({"GET"}),
    "/api/admin/users/delete": frozenset({"POST"}),
    "/api/admin/viewers": frozenset({"GET"}),
    "/api/admin/viewers/playback": frozenset({"GET"}),
    "/api/auth/fediverse": frozenset({"POST"}),
    "/api/auth/fediverse/verify": frozenset({"POST"}),
    "/api/auth/indieauth": frozenset({"POST"}),
    "/api/auth/indieauth/callback": frozenset({"GET"}),
    "/api/auth/provider/indieauth": frozenset({"GET", "POST"}),
    "/api/chat/messagevisibility": frozenset({"POST"}),
    "/api/integrations/moderation/chat/user/{userId}": frozenset({"GET"}),
    "/api/integrations/status": frozenset({"GET"}),
    "/api/metrics/playback": frozenset({"POST"}),
    "/api/moderation/chat/user/{userId}": frozenset({"GET"}),
    "/api/notifications/register": frozenset({"POST"}),
    "/api/admin/schedule": frozenset({"GET"}),
    "/api/admin/schedule/event": frozenset({"POST"}),
    "/api/admin/schedule/event/delete": frozenset({"POST"}),
    "/api/admin/schedule/preview": frozenset({"POST"}),
    "/api/admin/config/schedule/chatopenminutes": frozenset({"POST"}),
    "/api/admin/config/schedule/enabled": frozenset({"POST"}),
    "/api/admin/config/schedule/firstreminderminutes": frozenset({"POST"}),
    "/api/admin/config/schedule/remindermessage": frozenset({"POST"}),
    "/api/admin/config/schedule/secondreminderminutes": frozenset({"POST"}),
    "/api/admin/config/schedule/showcountdown": frozenset({"POST"}),
    "/api/schedule": frozenset({"GET"}),
    "/api/schedule.ics": frozenset({"GET"}),
}
"""Newer Owncast's `/api/` paths (0.0.12 … 0.2.5 and §14's development-branch ones) → their methods.
`/api/metrics/cmcd` is not here: its route answers its own 405, with the CORS header all its answers carry."""

_TEMPLATE_PART: Final = re.compile(r"\{[^}/]+\}")


def _pattern(template: str) -> re.Pattern[str]:
    pieces = _TEMPLATE_PART.split(template)
    return re.compile("[^/]+".join(re.escape(piece) for piece in pieces) + r"\Z")


class NewerMethodRule:
    """Answers a wrong method on a newer route 405 (empty body, `Allow` naming the right ones)."""

    def __init__(self, table: Mapping[str, frozenset[str]] = NEWER_API_METHODS) -> None:
        self._exact = {path: methods for path, methods in table.items() if "{" not in path}
        self._templated = [(_pattern(path), methods) for path, methods in table.items() if "{" in path]

    def allowed(self, path: str) -> frozenset[str] | None:
        """The methods of the newer route at `path`, or None when `path` is not one."""
        methods = self._exact.get(path)
        if methods is not None:
            return methods
        return next((methods for pattern, methods in self._templated if pattern.match(path)), None)

    @web.middleware
    async def middleware(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.method != "OPTIONS" and request.path.startswith("/api/"):
            allowed = self.allowed(request.path)
            method = "GET" if request.method == "HEAD" else request.method
            if allowed is not None and method not in allowed:
                return web.Response(status=405, headers={"Allow": ", ".join(sorted(allowed))})
        return await handler(request)
