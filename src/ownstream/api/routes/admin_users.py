"""Newer Owncast's admin user management (reference newer §14.2): every user, searched and paged, and
deleting one for good.

`GET /api/admin/users?offset=&limit=&search=&status=&sort=` → `{"total", "results": [User]}`;
`POST /api/admin/users/delete` `{"userId"}` → simple "user deleted".
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from ownstream.api.errors import error_shape, read_json
from ownstream.api.responses import json_response, simple_response
from ownstream.api.state import services
from ownstream.auth.requirements import Admin, requires
from ownstream.clock import rfc3339
from ownstream.domain.owncast_json import user_json
from ownstream.domain.users import User
from ownstream.errors import Invalid

routes = web.RouteTableDef()

DEFAULT_LIMIT = 50
ZERO_TIME = "0001-01-01T00:00:00Z"


PROVIDER_LABELS = {"indieauth": "IndieAuth", "fediverse": "Fediverse"}


def admin_user_json(user: User, providers: list[str] | None = None) -> dict[str, Any]:
    """Newer Owncast's User: `nameChangedAt` always (Go's zero time when never renamed), `scopes` left
    out when empty (`isBot` and `authenticated` as everywhere), `authProviders` when the user proved an
    identity."""
    document = user_json(user)
    document["nameChangedAt"] = rfc3339(user.name_changed_at) if user.name_changed_at else ZERO_TIME
    if not user.scopes:
        del document["scopes"]
    if providers:
        document["authProviders"] = [PROVIDER_LABELS.get(kind, kind) for kind in providers]
    return document


def _integer(request: web.Request, name: str) -> int | None:
    text = request.query.get(name, "")
    if text == "":
        return None
    try:
        return int(text)
    except ValueError:
        raise web.HTTPBadRequest(text=f"invalid {name} parameter: {text!r} is not an integer") from None


@routes.get("/api/admin/users")
@requires(Admin())
@error_shape("simple")
async def list_users(request: web.Request) -> web.Response:
    offset = max(_integer(request, "offset") or 0, 0)
    limit = _integer(request, "limit")
    if limit is None or limit <= 0:
        limit = DEFAULT_LIMIT
    total, users = await services(request).chat.search_users(
        offset=offset,
        limit=limit,
        search=request.query.get("search", ""),
        status=request.query.get("status", ""),
        ascending=request.query.get("sort", "desc") == "asc",
    )
    providers = await services(request).chat.auth_providers([user.id for user in users])
    results = [admin_user_json(user, providers.get(user.id)) for user in users]
    return json_response({"total": total, "results": results})


@routes.route("*", "/api/admin/users/delete")
@requires(Admin())
@error_shape("simple")
async def delete_user(request: web.Request) -> web.Response:
    if request.method != "POST":
        return simple_response(False, f"{request.method} not supported")
    body = await read_json(request, "unable to parse request")
    user_id = body.get("userId") if isinstance(body, dict) else None
    if not isinstance(user_id, str) or not user_id:
        raise Invalid("must provide userId")
    await services(request).chat.delete_user(user_id)
    return simple_response(True, "user deleted")
