"""Admin charts: viewers over time and hardware use (reference §2.3, §7). The admin gate is a middleware.

Read endpoints answer any method, as Owncast's do.
"""

from __future__ import annotations

from aiohttp import web

from ownstream.api.responses import json_response
from ownstream.api.state import services
from ownstream.auth.requirements import Admin, requires

routes = web.RouteTableDef()


@routes.route("*", "/api/admin/viewersOverTime")
@requires(Admin())
async def viewers_over_time(request: web.Request) -> web.Response:
    return json_response(services(request).viewer_history.samples.to_json())


@routes.route("*", "/api/admin/hardwarestats")
@requires(Admin())
async def hardware_stats(request: web.Request) -> web.Response:
    return json_response(services(request).hardware.to_json())
