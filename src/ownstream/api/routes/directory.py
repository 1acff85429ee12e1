"""Directory (YP) endpoints: the public listing and the admin key reset (reference §2.1, §2.3, §9)."""

from __future__ import annotations

from aiohttp import web

from ownstream.api.errors import error_shape
from ownstream.api.responses import json_response, simple_response
from ownstream.api.state import services
from ownstream.auth.requirements import Admin, public, requires
from ownstream.directory.yp import LiveFacts, listing_document

routes = web.RouteTableDef()


@routes.get("/api/yp")
@public
async def get_listing(request: web.Request) -> web.Response:
    svc = services(request)
    config = svc.config.current
    if not config.directory_enabled:
        return web.Response(status=404)
    stats = svc.stats
    facts = LiveFacts(
        online=svc.lifecycle.online,
        viewer_count=stats.viewer_count,
        overall_peak=stats.overall_peak,
        session_peak=stats.session_peak,
        last_connect_time=stats.last_connect_time,
    )
    return json_response(listing_document(config, facts))


@routes.route("*", "/api/admin/yp/reset")
@requires(Admin())
@error_shape("simple")
async def reset_registration(request: web.Request) -> web.Response:
    await services(request).config.update(directory_registration_key="")
    return simple_response(True, "reset")
