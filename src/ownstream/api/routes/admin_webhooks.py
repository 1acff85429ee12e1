"""Admin webhook endpoints: list, create, delete (reference §2.3, §5). The admin gate is a middleware.

Beyond Owncast: the URL must be an absolute http(s) URL, and an unknown or mistyped id is a 400.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web
from pydantic import BaseModel, ConfigDict, StrictInt, StrictStr

from ownstream.api.bodies import read_body, unsupported_method
from ownstream.api.errors import error_shape
from ownstream.api.responses import json_response, simple_response
from ownstream.api.state import services
from ownstream.auth.requirements import Admin, requires
from ownstream.clock import rfc3339
from ownstream.database.repos.webhooks import Webhook

routes = web.RouteTableDef()


class CreateWebhook(BaseModel):
    model_config = ConfigDict(extra="ignore")

    url: StrictStr
    events: list[StrictStr]


class DeleteWebhook(BaseModel):
    model_config = ConfigDict(extra="ignore")

    id: StrictInt


def webhook_json(hook: Webhook) -> dict[str, Any]:
    return {
        "id": hook.id,
        "url": hook.url,
        "events": list(hook.events),
        "timestamp": rfc3339(hook.timestamp),
        "lastUsed": rfc3339(hook.last_used) if hook.last_used is not None else None,
    }


@routes.route("*", "/api/admin/webhooks")
@requires(Admin())
async def list_webhooks(request: web.Request) -> web.Response:
    return json_response([webhook_json(hook) for hook in services(request).webhooks.all()])


@routes.route("*", "/api/admin/webhooks/create")
@requires(Admin())
@error_shape("error")
async def create_webhook(request: web.Request) -> web.Response:
    svc = services(request)
    body = await read_body(request, CreateWebhook)
    hook = await svc.webhooks.create(body.url, body.events, svc.clock.now())
    return json_response(webhook_json(hook))


@routes.route("*", "/api/admin/webhooks/delete")
@requires(Admin())
@error_shape("error")
async def delete_webhook(request: web.Request) -> web.Response:
    if refused := unsupported_method(request):
        return refused
    body = await read_body(request, DeleteWebhook)
    await services(request).webhooks.delete(body.id)
    return simple_response(True, "deleted webhook")
