"""Chat endpoints for viewers and moderators, and the custom emoji (reference §2.1 emoji, §2.2).

User and moderator tokens come in `?accessToken=`, checked by the chat-user gate (auth/token_gates.py)
before the handler runs: a missing, unknown or disabled token (or, on a moderator route, a user who is
not a moderator) gets Owncast's 401 with the plain body `unauthorized`.
"""

from __future__ import annotations

from typing import Any, TypeVar

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictStr

from ownstream.api.bodies import method_not_supported, read_body
from ownstream.api.errors import error_shape, read_json
from ownstream.api.responses import json_response, simple_response
from ownstream.api.state import services
from ownstream.auth.requirements import ChatUser, Moderator, public, requires
from ownstream.errors import Invalid
from ownstream.net.client_address import client_address

routes = web.RouteTableDef()
BANNED_REGISTRATION = "this address is banned from chat"
M = TypeVar("M", bound=BaseModel)

_EMOJI_HEADERS = {
    "Cache-Control": "public, max-age=604800",
    "X-Content-Type-Options": "nosniff",
    # An admin-supplied SVG opened directly must not run script on our origin.
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; sandbox",
}


class _Body(BaseModel):
    model_config = ConfigDict(extra="ignore", strict=True, populate_by_name=True)


class VisibilityRequest(_Body):
    id_array: list[StrictStr] = Field(alias="idArray")
    visible: StrictBool = False
    """The 0.0.11 web client leaves `visible` out when hiding; missing means false."""


class EnabledRequest(_Body):
    user_id: StrictStr = Field(alias="userId")
    enabled: StrictBool = False


class ModeratorRequest(_Body):
    user_id: StrictStr = Field(alias="userId")
    is_moderator: StrictBool = Field(default=False, alias="isModerator")


async def parse_body(request: web.Request, model: type[M]) -> M:
    """The JSON body as `model`, or `Invalid` with a readable reason (nothing is changed)."""
    return await read_body(request, model, unparsable="unable to parse request body")


def go_bool(value: bool) -> str:
    return "true" if value else "false"


async def update_visibility(request: web.Request) -> web.Response:
    body = await parse_body(request, VisibilityRequest)
    await services(request).chat.set_message_visibility(body.id_array, body.visible)
    return simple_response(True, "changed")


async def update_user_enabled(request: web.Request) -> web.Response:
    body = await parse_body(request, EnabledRequest)
    await services(request).chat.set_user_enabled(body.user_id, body.enabled)
    return simple_response(True, f"{body.user_id} enabled: {go_bool(body.enabled)}")


@routes.route("*", "/api/chat/register")
@public
@error_shape("simple")
async def register(request: web.Request) -> web.Response:
    if request.method != "POST":
        return method_not_supported(request)
    chat = services(request).chat
    if await chat.ip_bans.is_banned(client_address(request)):
        # Our extension (newer Owncast registers a banned address): no fresh name to get around a ban.
        return json_response({"success": False, "message": BANNED_REGISTRATION}, status=403)
    requested: str | None = None
    try:
        document: Any = await read_json(request)
    except Invalid:
        document = None  # a body that is not JSON still registers, under a generated name
    if isinstance(document, dict) and isinstance(document.get("displayName"), str):
        requested = document["displayName"]
    user, token = await chat.register(requested, request.headers.get("X-Forwarded-User"))
    return json_response(
        {"id": user.id, "accessToken": token, "displayName": user.display_name}, no_cache=True
    )


@routes.route("*", "/api/chat")
@requires(ChatUser())
@error_shape("error")
async def history(request: web.Request) -> web.Response:
    if request.method != "GET":
        return json_response({"error": "method not implemented (PRs are accepted)"}, status=501)
    return json_response(await services(request).chat.history())


@routes.route("*", "/api/chat/updatemessagevisibility")
@routes.route("*", "/api/chat/messagevisibility")  # newer Owncast's name for it (0.0.12)
@requires(Moderator())
@error_shape("simple")
async def moderator_update_visibility(request: web.Request) -> web.Response:
    if request.method != "POST":
        return method_not_supported(request)
    return await update_visibility(request)


@routes.route("*", "/api/chat/users/setenabled")
@requires(Moderator())
@error_shape("simple")
async def moderator_set_enabled(request: web.Request) -> web.Response:
    if request.method != "POST":
        return method_not_supported(request)
    return await update_user_enabled(request)


@routes.get("/api/moderation/chat/user/{userId}")
@requires(Moderator())
async def moderation_user_details(request: web.Request) -> web.Response:
    """Newer Owncast's user details for moderators (reference newer §6); unknown user: 404, empty body."""
    details = await services(request).chat.user_details(request.match_info["userId"])
    if details is None:
        return web.Response(status=404)
    return json_response(details, no_cache=True)


@routes.get("/api/emoji")
@public
async def emoji(request: web.Request) -> web.Response:
    return json_response(await services(request).chat.emoji.listing())


@routes.get("/img/emoji/{name}")
@public
async def emoji_file(request: web.Request) -> web.StreamResponse:
    path = services(request).chat.emoji.file_for(request.match_info["name"])
    if path is None:
        raise web.HTTPNotFound()
    return web.FileResponse(path, headers=_EMOJI_HEADERS)
