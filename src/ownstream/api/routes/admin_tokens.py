"""Admin endpoints for integration access tokens: list, create, delete (reference §2.3).

Beyond Owncast: a token needs a name and at least one scope, the created token's `id` is filled in,
and deleting an unknown token is a 400 rather than a 500.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web
from pydantic import BaseModel, ConfigDict, StrictStr

from ownstream.api.bodies import read_body, unsupported_method
from ownstream.api.errors import error_shape
from ownstream.api.responses import json_response, simple_response
from ownstream.api.state import services
from ownstream.auth.requirements import Admin, requires
from ownstream.clock import rfc3339
from ownstream.domain.users import User

routes = web.RouteTableDef()


class CreateToken(BaseModel):
    model_config = ConfigDict(extra="ignore")

    name: StrictStr
    scopes: Any = None
    """Checked by the token service, so any wrong value gets Owncast's invalid-scopes message."""


class DeleteToken(BaseModel):
    model_config = ConfigDict(extra="ignore")

    token: Any = None
    """Anything but a non-empty string is Owncast's "must provide a token"."""


def access_token_json(user: User, token: str) -> dict[str, Any]:
    document: dict[str, Any] = {
        "id": user.id,
        "accessToken": token,
        "displayName": user.display_name,
        "displayColor": user.display_color,
        "createdAt": rfc3339(user.created_at),
        "scopes": list(user.scopes),
    }
    if user.last_used is not None:
        document["lastUsedAt"] = rfc3339(user.last_used)
    return document


@routes.route("*", "/api/admin/accesstokens")
@requires(Admin())
async def list_tokens(request: web.Request) -> web.Response:
    tokens = await services(request).tokens.all()
    return json_response([access_token_json(user, user.access_token or "") for user in tokens])


@routes.route("*", "/api/admin/accesstokens/create")
@requires(Admin())
@error_shape("error")
async def create_token(request: web.Request) -> web.Response:
    body = await read_body(request, CreateToken)
    scopes = body.scopes if isinstance(body.scopes, list) else []
    user, token = await services(request).tokens.create(body.name, scopes)
    return json_response(access_token_json(user, token))


@routes.route("*", "/api/admin/accesstokens/delete")
@requires(Admin())
@error_shape("error")
async def delete_token(request: web.Request) -> web.Response:
    if refused := unsupported_method(request):
        return refused
    body = await read_body(request, DeleteToken)
    svc = services(request)
    user_id = await svc.tokens.delete(body.token if isinstance(body.token, str) else "")
    await svc.chat.close_sockets_of_deleted_token(user_id)
    return simple_response(True, "deleted token")
