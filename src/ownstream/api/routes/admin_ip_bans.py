"""IP bans (newer Owncast 0.0.12, reference newer §5): list, ban, unban.

GET for the list, POST for the changes (as 0.2's router; the list also answers any method like the other
admin reads). Bodies are setter-style `{"value": "<address>"}`; IPv4 and IPv6 in any written form.
"""

from __future__ import annotations

from aiohttp import web

from ownstream.api.bodies import method_not_supported
from ownstream.api.errors import error_shape
from ownstream.api.responses import json_response, simple_response
from ownstream.api.routes.admin_config import read_config_value
from ownstream.api.state import services
from ownstream.auth.requirements import Admin, requires
from ownstream.config.validation import expect_string

routes = web.RouteTableDef()


@routes.route("*", "/api/admin/chat/users/ipbans")
@requires(Admin())
async def ip_bans(request: web.Request) -> web.Response:
    return json_response(await services(request).chat.ip_bans.listing(), no_cache=True)


@routes.route("*", "/api/admin/chat/users/ipbans/create")
@requires(Admin())
@error_shape("simple")
async def ban_ip(request: web.Request) -> web.Response:
    if request.method != "POST":
        return method_not_supported(request)
    address = expect_string(await read_config_value(request), "IP address")
    await services(request).chat.ip_bans.ban(address)
    return simple_response(True, "IP address banned")


@routes.route("*", "/api/admin/chat/users/ipbans/remove")
@requires(Admin())
@error_shape("simple")
async def unban_ip(request: web.Request) -> web.Response:
    if request.method != "POST":
        return method_not_supported(request)
    address = expect_string(await read_config_value(request), "IP address")
    await services(request).chat.ip_bans.unban(address)
    return simple_response(True, "IP address unbanned")
