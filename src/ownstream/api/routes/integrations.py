"""The integrations API for bots and services, with Bearer access tokens (reference §2.4).

Every route answers OPTIONS with 204 and CORS `*` before any auth check; an authorised request's
response (errors included) carries `Access-Control-Allow-Origin: *`. A missing, unknown or deleted
token, or one without the route's scope, gets 401 with the plain body `unauthorized`.
Beyond Owncast: bad JSON and wrong types are 400s in the endpoint's shape (Owncast answered 500).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from pydantic import BaseModel, ConfigDict, StrictStr

from ownstream.api.bodies import read_body
from ownstream.api.errors import error_shape
from ownstream.api.responses import json_response, simple_response
from ownstream.api.routes.admin_config import read_config_value
from ownstream.api.routes.admin_stream import change_stream_title
from ownstream.api.routes.chat import unauthorized, update_visibility
from ownstream.api.state import services
from ownstream.domain.scopes import CAN_SEND_MESSAGES, CAN_SEND_SYSTEM_MESSAGES, HAS_ADMIN_ACCESS
from ownstream.domain.users import User
from ownstream.errors import Invalid

PREFIX = "/api/integrations"
HISTORY_LENGTH = 50
INVALID_MESSAGE = "invalid message"
CHAT_USER_GONE = "no longer supported. see /api/integrations/chat/send"
PREFLIGHT_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Headers": "Authorization, Content-Type",
    "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
}
AUTHORISED = web.RequestKey("integration_authorised", bool)
_CLIENT_ID = re.compile(r"[0-9]+")

IntegrationHandler = Callable[[web.Request, User], Awaitable[web.StreamResponse]]
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

routes = web.RouteTableDef()


def integration(scope: str) -> Callable[[IntegrationHandler], Handler]:
    """Guard a handler with Bearer auth for `scope`; the handler receives the API user."""

    def wrap(handler: IntegrationHandler) -> Handler:
        @functools.wraps(handler)
        async def guarded(request: web.Request) -> web.StreamResponse:
            if request.method == "OPTIONS":
                return web.Response(status=204, headers=PREFLIGHT_HEADERS)
            user = await services(request).tokens.authorise(request.headers.get("Authorization"), scope)
            if user is None:
                return unauthorized()
            request[AUTHORISED] = True
            return await handler(request, user)

        return guarded

    return wrap


async def allow_any_origin(request: web.Request, response: web.StreamResponse) -> None:
    """`on_response_prepare` hook: authorised integration responses may be read from any origin."""
    if request.get(AUTHORISED):
        response.headers["Access-Control-Allow-Origin"] = "*"


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
@integration(CAN_SEND_SYSTEM_MESSAGES)
async def send_system_message(request: web.Request, _user: User) -> web.Response:
    message = await read_body(request, MessageBody)
    await services(request).chat.send_system_message(message.body)
    return simple_response(True, "sent")


@routes.route("*", PREFIX + "/chat/system/client/{clientId}")
@error_shape("error")
@integration(CAN_SEND_SYSTEM_MESSAGES)
async def send_system_message_to_client(request: web.Request, _user: User) -> web.Response:
    text = request.match_info["clientId"]
    if not _CLIENT_ID.fullmatch(text):
        raise Invalid(f"clientId must be a number, not {text!r}")
    message = await read_body(request, MessageBody)
    await services(request).chat.send_system_message_to_client(int(text), message.body)
    return simple_response(True, "sent")


@routes.route("*", PREFIX + "/chat/send")
@error_shape("error")
@integration(CAN_SEND_MESSAGES)
async def send_user_message(request: web.Request, user: User) -> web.Response:
    message = await read_body(request, UserMessageBody)
    if not isinstance(message.body, str) or not message.body.strip():
        raise Invalid(INVALID_MESSAGE)
    await services(request).chat.send_integration_message(user, message.body)
    return simple_response(True, "sent")


@routes.route("*", PREFIX + "/chat/action")
@error_shape("error")
@integration(CAN_SEND_SYSTEM_MESSAGES)
async def send_action(request: web.Request, _user: User) -> web.Response:
    action = await read_body(request, ActionBody)
    await services(request).chat.send_action(action.body, author=action.author or None)
    return simple_response(True, "sent")


@routes.route("*", PREFIX + "/chat/user")
@error_shape("error")
@integration(CAN_SEND_MESSAGES)
async def send_as_user(_request: web.Request, _user: User) -> web.Response:
    raise Invalid(CHAT_USER_GONE)


@routes.route("*", PREFIX + "/chat/updatemessagevisibility")
@routes.route("*", PREFIX + "/chat/messagevisibility")
@error_shape("simple")
@integration(HAS_ADMIN_ACCESS)
async def update_message_visibility(request: web.Request, _user: User) -> web.Response:
    return await update_visibility(request)


@routes.route("*", PREFIX + "/streamtitle")
@error_shape("simple")
@integration(HAS_ADMIN_ACCESS)
async def set_stream_title(request: web.Request, _user: User) -> web.Response:
    await change_stream_title(services(request), await read_config_value(request))
    return simple_response(True, "changed")


@routes.route("*", PREFIX + "/chat")
@integration(HAS_ADMIN_ACCESS)
async def chat_history(request: web.Request, _user: User) -> web.Response:
    return json_response(await services(request).chat.history(HISTORY_LENGTH))


@routes.route("*", PREFIX + "/clients")
@integration(HAS_ADMIN_ACCESS)
async def connected_clients(request: web.Request, _user: User) -> web.Response:
    return json_response(await services(request).chat.clients())
