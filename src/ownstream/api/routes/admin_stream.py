"""The admin's stream-title setter (reference §2.3); the use case is config/stream_title.py, shared
with the integrations API."""

from __future__ import annotations

from aiohttp import web

from ownstream.api.bodies import unsupported_method
from ownstream.api.errors import error_shape
from ownstream.api.responses import simple_response
from ownstream.api.routes.admin_config import read_config_value
from ownstream.api.state import services
from ownstream.auth.requirements import Admin, requires

routes = web.RouteTableDef()


@routes.route("*", "/api/admin/config/streamtitle")
@requires(Admin())
@error_shape("simple")
async def set_stream_title(request: web.Request) -> web.Response:
    if refused := unsupported_method(request):
        return refused
    await services(request).stream_title.change(await read_config_value(request))
    return simple_response(True, "changed")
