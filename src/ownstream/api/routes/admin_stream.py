"""The stream-title setter, shared by the admin API and the integrations API (reference §2.3, §2.4).

The title is stored. A non-empty title is announced in chat (a CHAT_ACTION, not stored), which also
publishes `StreamTitleChanged` for the STREAM_TITLE_UPDATED webhook, as Owncast does from 0.0.12 on;
clearing the title announces nothing, as in Owncast.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from ownstream.api.bodies import unsupported_method
from ownstream.api.errors import error_shape
from ownstream.api.responses import simple_response
from ownstream.api.routes.admin_config import read_config_value
from ownstream.api.state import Services, services
from ownstream.auth.requirements import Admin, requires
from ownstream.config.validation import parse_stream_title

routes = web.RouteTableDef()


async def change_stream_title(svc: Services, value: Any) -> None:
    title = parse_stream_title(value)
    await svc.config.update(stream_title=title)
    if title.strip():
        await svc.chat.announce_title(title)


@routes.route("*", "/api/admin/config/streamtitle")
@requires(Admin())
@error_shape("simple")
async def set_stream_title(request: web.Request) -> web.Response:
    if refused := unsupported_method(request):
        return refused
    await change_stream_title(services(request), await read_config_value(request))
    return simple_response(True, "changed")
