"""Admin simulcast (restream) endpoints: the destinations and their live state. Ours; Owncast has none.

Destinations are `{id, name, url, displayUrl, enabled, variant, createdAt, updatedAt}`: `url` whole, stream
key included (only the admin reaches these routes), `displayUrl` with the key masked for lists and
screenshots. `variant` is null for the source as received (copied), else a video variant's index.
Errors are simple responses `{"success": false, "message"}` with 400; a rejected write stores nothing.

The destinations' forwarders live in the process with the stream: a web process (`--role web`,
`--workers`) admits the admin and then asks the media process, whose answer it passes back
(`MediaForwarder.relay`, cluster/media_forward.py), so a write starts or stops the forwarder at once
and the statuses are the live ones.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web
from pydantic import BaseModel, ConfigDict, StrictBool, StrictInt

from ownstream.api.bodies import read_body, unsupported_method
from ownstream.api.errors import error_shape
from ownstream.api.responses import json_response, simple_response
from ownstream.api.state import services
from ownstream.auth.requirements import Admin, requires
from ownstream.clock import rfc3339
from ownstream.net.client_address import client_address
from ownstream.simulcast.destinations import Destination
from ownstream.simulcast.service import DestinationChanges
from ownstream.simulcast.supervisor import DestinationStatus

routes = web.RouteTableDef()


class CreateDestination(BaseModel):
    model_config = ConfigDict(extra="ignore")

    name: object
    url: object
    enabled: StrictBool = True
    variant: object = None


class UpdateDestination(BaseModel):
    model_config = ConfigDict(extra="ignore")

    id: StrictInt
    name: object = None
    url: object = None
    enabled: StrictBool | None = None
    variant: object = None


class DeleteDestination(BaseModel):
    model_config = ConfigDict(extra="ignore")

    id: StrictInt


def destination_json(destination: Destination) -> dict[str, Any]:
    return {
        "id": destination.id,
        "name": destination.name,
        "url": destination.url.full,
        "displayUrl": destination.url.display,
        "enabled": destination.enabled,
        "variant": destination.variant,
        "createdAt": rfc3339(destination.created_at),
        "updatedAt": rfc3339(destination.updated_at),
    }


def status_json(status: DestinationStatus) -> dict[str, Any]:
    destination = status.destination
    return {
        "id": destination.id,
        "name": destination.name,
        "displayUrl": destination.url.display,
        "enabled": destination.enabled,
        "variant": destination.variant,
        "state": status.state.value,
        "bitrate": round(status.bitrate / 1000),
        "uptime": round(status.uptime) if status.uptime is not None else None,
        "retryIn": round(status.retry_in, 1) if status.retry_in is not None else None,
        "lastError": status.last_error,
        "restarts": status.restarts,
        "bytesSent": status.bytes_sent,
    }


async def media_process_answer(request: web.Request) -> web.Response | None:
    """In a web process, the media process's answer to the request; None where the stream is here."""
    forward = services(request).media_forward
    if forward is None:
        return None
    answer = await forward.relay(request, client_address(request))
    if request.method == "POST" and answer.status == 200:
        # This process's copy is not the one that acts, but its stream keys feed the log filter.
        await services(request).simulcast.reload()
    return answer


@routes.route("*", "/api/admin/restream/destinations")
@requires(Admin())
async def list_destinations(request: web.Request) -> web.Response:
    if (relayed := await media_process_answer(request)) is not None:
        return relayed
    return json_response([destination_json(d) for d in services(request).simulcast.destinations()])


@routes.route("*", "/api/admin/restream/status")
@requires(Admin())
async def restream_status(request: web.Request) -> web.Response:
    if (relayed := await media_process_answer(request)) is not None:
        return relayed
    return json_response([status_json(status) for status in services(request).simulcast.statuses()])


@routes.route("*", "/api/admin/restream/destinations/create")
@requires(Admin())
@error_shape("simple")
async def create_destination(request: web.Request) -> web.Response:
    if (relayed := await media_process_answer(request)) is not None:
        return relayed
    if refused := unsupported_method(request):
        return refused
    body = await read_body(request, CreateDestination)
    created = await services(request).simulcast.create(body.name, body.url, body.enabled, body.variant)
    return json_response(destination_json(created))


@routes.route("*", "/api/admin/restream/destinations/update")
@requires(Admin())
@error_shape("simple")
async def update_destination(request: web.Request) -> web.Response:
    if (relayed := await media_process_answer(request)) is not None:
        return relayed
    if refused := unsupported_method(request):
        return refused
    body = await read_body(request, UpdateDestination)
    changes = DestinationChanges(
        name=body.name,
        url=body.url,
        enabled=body.enabled,
        variant=body.variant,
        variant_given="variant" in body.model_fields_set,
    )
    updated = await services(request).simulcast.update(body.id, changes)
    return json_response(destination_json(updated))


@routes.route("*", "/api/admin/restream/destinations/delete")
@requires(Admin())
@error_shape("simple")
async def delete_destination(request: web.Request) -> web.Response:
    if (relayed := await media_process_answer(request)) is not None:
        return relayed
    if refused := unsupported_method(request):
        return refused
    body = await read_body(request, DeleteDestination)
    await services(request).simulcast.delete(body.id)
    return simple_response(True, "deleted simulcast destination")
