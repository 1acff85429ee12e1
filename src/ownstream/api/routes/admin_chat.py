"""Admin chat endpoints and chat settings (reference §2.3). Basic auth is enforced by the admin
middleware for everything under `/api/admin/`.

Read endpoints answer any method, as Owncast's do. Actions and most setters want POST; the two
username-list setters have no method check in Owncast, so neither do ours.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web
from pydantic import StrictBool, StrictStr, TypeAdapter, ValidationError

from ownstream.api.bodies import method_not_supported
from ownstream.api.errors import error_shape, read_json
from ownstream.api.responses import json_response, simple_response
from ownstream.api.routes.chat import (
    ModeratorRequest,
    go_bool,
    parse_body,
    update_user_enabled,
    update_visibility,
)
from ownstream.api.state import services
from ownstream.auth.requirements import Admin, requires
from ownstream.config import validation as v
from ownstream.config.model import DEFAULT_FORBIDDEN_USERNAMES
from ownstream.errors import Invalid

routes = web.RouteTableDef()

_NAMES = TypeAdapter(list[StrictStr])
_FLAG = TypeAdapter(StrictBool)
_TEXT = TypeAdapter(StrictStr)


# --- reads --------------------------------------------------------------------------------------------
@routes.route("*", "/api/admin/chat/clients")
@requires(Admin())
async def chat_clients(request: web.Request) -> web.Response:
    return json_response(await services(request).chat.clients())


@routes.route("*", "/api/admin/chat/messages")
@requires(Admin())
async def chat_messages(request: web.Request) -> web.Response:
    return json_response(await services(request).chat.admin_messages())


@routes.route("*", "/api/admin/chat/users/disabled")
@routes.route("*", "/api/admin/users/disabled")
@requires(Admin())
async def disabled_users(request: web.Request) -> web.Response:
    return json_response(await services(request).chat.disabled_users())


@routes.route("*", "/api/admin/chat/users/moderators")
@requires(Admin())
async def moderators(request: web.Request) -> web.Response:
    return json_response(await services(request).chat.moderators())


# --- moderation actions -------------------------------------------------------------------------------
@routes.route("*", "/api/admin/chat/updatemessagevisibility")
@routes.route("*", "/api/admin/chat/messagevisibility")  # newer Owncast's name for it (0.0.12)
@requires(Admin())
@error_shape("simple")
async def admin_update_visibility(request: web.Request) -> web.Response:
    if request.method != "POST":
        return method_not_supported(request)
    return await update_visibility(request)


@routes.route("*", "/api/admin/chat/users/setenabled")
@requires(Admin())
@error_shape("simple")
async def admin_set_enabled(request: web.Request) -> web.Response:
    if request.method != "POST":
        return method_not_supported(request)
    return await update_user_enabled(request)


@routes.route("*", "/api/admin/chat/users/setmoderator")
@requires(Admin())
@error_shape("simple")
async def admin_set_moderator(request: web.Request) -> web.Response:
    if request.method != "POST":
        return method_not_supported(request)
    body = await parse_body(request, ModeratorRequest)
    await services(request).chat.set_moderator(body.user_id, body.is_moderator)
    return simple_response(True, f"{body.user_id} is moderator: {go_bool(body.is_moderator)}")


# --- chat settings ------------------------------------------------------------------------------------
async def _config_value(request: web.Request, adapter: TypeAdapter[Any]) -> Any:
    """The `value` of a `{"value": …}` body, checked against `adapter`; else `Invalid`."""
    document = await read_json(request, "unable to parse new value")
    if not isinstance(document, dict) or "value" not in document:
        raise Invalid("unable to parse new value")
    try:
        return adapter.validate_python(document["value"])
    except ValidationError:
        raise Invalid("invalid type for value") from None


def _usernames(names: list[str]) -> tuple[str, ...]:
    """Only text that can be sent back as UTF-8 (JSON lets a client send lone surrogates)."""
    return tuple(v.expect_string(name, "usernames") for name in names)


@routes.route("*", "/api/admin/config/chat/suggestedusernames")
@requires(Admin())
@error_shape("simple")
async def set_suggested_usernames(request: web.Request) -> web.Response:
    names = _usernames(await _config_value(request, _NAMES))
    await services(request).config.update(suggested_usernames=names)
    return simple_response(True, "suggested username list updated")


@routes.route("*", "/api/admin/config/chat/forbiddenusernames")
@requires(Admin())
@error_shape("simple")
async def set_forbidden_usernames(request: web.Request) -> web.Response:
    names = _usernames(await _config_value(request, _NAMES))
    await services(request).config.update(forbidden_usernames=names or DEFAULT_FORBIDDEN_USERNAMES)
    return simple_response(True, "forbidden username list updated")


@routes.route("*", "/api/admin/config/chat/disable")
@requires(Admin())
@error_shape("simple")
async def set_chat_disabled(request: web.Request) -> web.Response:
    if request.method != "POST":
        return method_not_supported(request)
    disabled = await _config_value(request, _FLAG)
    await services(request).config.update(chat_disabled=disabled)
    return simple_response(True, "chat disabled status updated")


@routes.route("*", "/api/admin/config/welcomemessage")
@requires(Admin())
@error_shape("simple")
async def set_welcome_message(request: web.Request) -> web.Response:
    if request.method != "POST":
        return method_not_supported(request)
    message = v.parse_welcome_message(await _config_value(request, _TEXT))
    await services(request).config.update(welcome_message=message.strip())
    return simple_response(True, "changed")
