"""The integrations API for bots and services, with Bearer access tokens (reference §2.4).

Each route declares the scope it needs (`@requires(Integration(scope))`); the integration gate
(auth/token_gates.py) answers OPTIONS with 204 and CORS `*` before any auth check, refuses a missing,
unknown or deleted token, or one without the scope, with 401 `unauthorized`, and marks an authorised
request's response (errors included) `Access-Control-Allow-Origin: *`.
Beyond Owncast: bad JSON and wrong types are 400s in the endpoint's shape (Owncast answered 500).
"""

from __future__ import annotations

import re
from typing import Any

from aiohttp import web
from pydantic import BaseModel, ConfigDict, StrictStr

from ownstream.api.bodies import read_body
from ownstream.api.errors import error_shape
from ownstream.api.responses import json_response, simple_response
from ownstream.api.routes.admin_config import read_config_value
from ownstream.api.routes.chat import update_visibility
from ownstream.api.state import services
from ownstream.auth.requirements import Integration, requires
from ownstream.auth.token_gates import caller
from ownstream.domain.scopes import CAN_SEND_MESSAGES, CAN_SEND_SYSTEM_MESSAGES, HAS_ADMIN_ACCESS
from ownstream.errors import Invalid
from ownstream.stream.server_status import server_status

PREFIX = "/api/integrations"
HISTORY_LENGTH = 50
INVALID_MESSAGE = "invalid message"
CHAT_USER_GONE = "no longer supported. see /api/integrations/chat/send"
_CLIENT_ID = re.compile(r"[0-9]+")

routes = web.RouteTableDef()


class MessageBody(BaseModel):
    model_config = ConfigDict(extra="ignore")

    body: StrictStr


class ActionBody(BaseModel):
    model_config = ConfigDict(extra="ignore")

    body: StrictStr
    author: StrictStr | None = None


class UserMessageBody(BaseModel):
    model_config = ConfigDict(extra="ignore")

    body: Any = None
    """Anything but a non-empty string is Owncast's "invalid message"."""


@routes.route("*", PREFIX + "/chat/system")
@error_shape("error")
@requires(Integration(CAN_SEND_SYSTEM_MESSAGES))
async def send_system_message(request: web.Request) -> web.Response:
    message = await read_body(request, MessageBody)
    await services(request).chat.send_system_message(message.body)
    return simple_response(True, "sent")


@routes.route("*", PREFIX + "/chat/system/client/{clientId}")
@error_shape("error")
@requires(Integration(CAN_SEND_SYSTEM_MESSAGES))
async def send_system_message_to_client(request: web.Request) -> web.Response:
    text = request.match_info["clientId"]
    if not _CLIENT_ID.fullmatch(text):
        raise Invalid(f"clientId must be a number, not {text!r}")
    message = await read_body(request, MessageBody)
    await services(request).chat.send_system_message_to_client(int(text), message.body)
    return simple_response(True, "sent")


@routes.route("*", PREFIX + "/chat/send")
@error_shape("error")
@requires(Integration(CAN_SEND_MESSAGES))
async def send_user_message(request: web.Request) -> web.Response:
    message = await read_body(request, UserMessageBody)
    if not isinstance(message.body, str) or not message.body.strip():
        raise Invalid(INVALID_MESSAGE)
    await services(request).chat.send_integration_message(caller(request), message.body)
    return simple_response(True, "sent")


@routes.route("*", PREFIX + "/chat/action")
@error_shape("error")
@requires(Integration(CAN_SEND_SYSTEM_MESSAGES))
async def send_action(request: web.Request) -> web.Response:
    action = await read_body(request, ActionBody)
    await services(request).chat.send_action(action.body, author=action.author or None)
    return simple_response(True, "sent")


@routes.route("*", PREFIX + "/chat/user")
@error_shape("error")
@requires(Integration(CAN_SEND_MESSAGES))
async def send_as_user(_request: web.Request) -> web.Response:
    raise Invalid(CHAT_USER_GONE)


@routes.route("*", PREFIX + "/chat/updatemessagevisibility")
@routes.route("*", PREFIX + "/chat/messagevisibility")
@error_shape("simple")
@requires(Integration(HAS_ADMIN_ACCESS))
async def update_message_visibility(request: web.Request) -> web.Response:
    return await update_visibility(request)


@routes.route("*", PREFIX + "/streamtitle")
@error_shape("simple")
@requires(Integration(HAS_ADMIN_ACCESS))
async def set_stream_title(request: web.Request) -> web.Response:
    await services(request).stream_title.change(await read_config_value(request))
    return simple_response(True, "changed")


@routes.route("*", PREFIX + "/chat")
@requires(Integration(HAS_ADMIN_ACCESS))
async def chat_history(request: web.Request) -> web.Response:
    return json_response(await services(request).chat.history(HISTORY_LENGTH))


@routes.route("*", PREFIX + "/clients")
@requires(Integration(HAS_ADMIN_ACCESS))
async def connected_clients(request: web.Request) -> web.Response:
    return json_response(await services(request).chat.clients())


@routes.get(PREFIX + "/status")
@requires(Integration(HAS_ADMIN_ACCESS))
async def integration_status(request: web.Request) -> web.Response:
    """Newer Owncast 0.2.2 (reference newer §10): the server's status with the peaks; the viewer count
    is given even while the page hides it."""
    svc = services(request)
    return json_response(server_status(svc.config, svc.stats, svc.lifecycle.online), no_cache=True)


@routes.get(PREFIX + "/moderation/chat/user/{userId}")
@requires(Integration(HAS_ADMIN_ACCESS))
async def moderation_user_details(request: web.Request) -> web.Response:
    """Newer Owncast 0.2.0 (reference newer §6): the moderators' user details for an integration."""
    details = await services(request).chat.user_details(request.match_info["userId"])
    if details is None:
        return web.Response(status=404)
    return json_response(details, no_cache=True)
