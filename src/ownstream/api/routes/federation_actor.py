"""The local actor and what hangs off it (reference §8.1, §8.3, §8.4, §8.6): the actor document, its
followers and outbox collections, each published object at its IRI, each announced scheduled stream as an
`Event` at `/federation/events/<id>` (newer §14.1), and the inboxes (the actor's own and the shared
`/federation/inbox`).

Everything answers 405 while federation is off. Reads are content-negotiated: ActivityStreams JSON to
`Accept` (or `Content-Type`) naming `application/activity+json`, `application/ld+json` (with or without
the ActivityStreams profile) or `application/json`; anything else (a browser) is sent to `/` with 307.
The inboxes take only POSTs signed by the activity's actor (auth/signature_gate.py): 202 once handled.
"""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from ownstream.api.routes.federation_discovery import not_allowed
from ownstream.api.state import services
from ownstream.auth.requirements import HttpSignature, public, requires
from ownstream.auth.signature_gate import SIGNED_BODY, SIGNER
from ownstream.errors import Unauthorized
from ownstream.federation.activities import create
from ownstream.federation.documents import PAGE_SIZE, actor_document, collection, collection_page
from ownstream.federation.notes import actor_iri, object_iri
from ownstream.federation.remote_actors import RemoteActor

routes = web.RouteTableDef()

AS2_CONTENT_TYPE = "application/activity+json"
AS2_MEDIA_TYPES = frozenset(
    {"application/activity+json", "application/ld+json", "application/json", "application/json+ld"}
)


def wants_activity_json(accept: str, content_type: str) -> bool:
    """Any comma-separated media type in `Accept` or `Content-Type` is an ActivityStreams one."""
    for header in (accept, content_type):
        for item in header.split(","):
            if item.split(";", 1)[0].strip().lower() in AS2_MEDIA_TYPES:
                return True
    return False


def activity_json(document: Any, status: int = 200) -> web.Response:
    body = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
    return web.Response(
        text=body,
        status=status,
        content_type=AS2_CONTENT_TYPE,
        charset="utf-8",
        headers={"Access-Control-Allow-Origin": "*", "Vary": "Accept"},
    )


def _negotiated(request: web.Request) -> web.Response | None:
    """None for an ActivityStreams client; the 307 to `/` otherwise."""
    if wants_activity_json(request.headers.get("Accept", ""), request.headers.get("Content-Type", "")):
        return None
    return web.Response(status=307, headers={"Location": "/", "Vary": "Accept"})


def _refusal(request: web.Request, *, method: str = "GET") -> web.Response | None:
    """405 while off or for another method, 404 for another actor name."""
    svc = services(request)
    if not svc.federation.active or request.method not in (method, "HEAD" if method == "GET" else method):
        return not_allowed()
    name = request.match_info.get("name")
    if name is not None and name.lower() != svc.config.current.federation_username.lower():
        raise web.HTTPNotFound()
    return None


def _page(request: web.Request) -> int | None:
    text = request.query.get("page")
    if text is None:
        return None
    try:
        page = int(text)
    except ValueError:
        page = 0
    if page < 1:
        raise web.HTTPBadRequest(text="page must be a positive whole number")
    return page


@routes.route("*", "/federation/user/{name}")
@public
async def get_actor(request: web.Request) -> web.Response:
    if (refused := _refusal(request) or _negotiated(request)) is not None:
        return refused
    return activity_json(actor_document(await services(request).federation.site()))


@routes.route("*", "/federation/user/{name}/followers")
@public
async def get_followers(request: web.Request) -> web.Response:
    if (refused := _refusal(request) or _negotiated(request)) is not None:
        return refused
    svc = services(request)
    config = svc.config.current
    iri = actor_iri(config.server_url, config.federation_username) + "/followers"
    page = _page(request)
    followers = await svc.federation.followers.approved()
    if page is None:
        return activity_json(collection(iri, len(followers)))
    chosen = followers[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    return activity_json(collection_page(iri, page, len(followers), [f.iri for f in chosen]))


@routes.route("*", "/federation/user/{name}/outbox")
@public
async def get_outbox(request: web.Request) -> web.Response:
    if (refused := _refusal(request) or _negotiated(request)) is not None:
        return refused
    svc = services(request)
    config = svc.config.current
    iri = actor_iri(config.server_url, config.federation_username) + "/outbox"
    outbox = svc.federation.outbox
    total = 0 if config.federation_private else await outbox.count()
    page = _page(request)
    if page is None:
        return activity_json(collection(iri, total))
    posts = await outbox.newest(PAGE_SIZE, (page - 1) * PAGE_SIZE) if total else []
    items = [{k: v for k, v in create(post.value, public=True).items() if k != "@context"} for post in posts]
    return activity_json(collection_page(iri, page, total, items))


@routes.route("*", "/federation/user/{name}/following")
@public
async def get_following(request: web.Request) -> web.Response:
    if (refused := _refusal(request)) is not None:
        return refused
    raise web.HTTPNotFound()


async def _receive(request: web.Request) -> web.Response:
    signer = request.get(SIGNER)
    if not isinstance(signer, RemoteActor):
        raise Unauthorized("the request is not signed")
    await services(request).inbox.receive(signer, request[SIGNED_BODY])
    return web.Response(status=202)


@routes.route("*", "/federation/user/{name}/inbox")
@requires(HttpSignature())
async def post_to_inbox(request: web.Request) -> web.Response:
    if (refused := _refusal(request, method="POST")) is not None:
        return refused
    return await _receive(request)


@routes.route("*", "/federation/inbox")
@requires(HttpSignature())
async def post_to_shared_inbox(request: web.Request) -> web.Response:
    if (refused := _refusal(request, method="POST")) is not None:
        return refused
    return await _receive(request)


@routes.route("*", "/federation/events/{id}")
@public
async def get_scheduled_event(request: web.Request) -> web.Response:
    """An announced scheduled occurrence as an `Event`, as the objects above: 404 in private mode, for an
    unknown or never announced one, and once it is deleted."""
    if (refused := _refusal(request) or _negotiated(request)) is not None:
        return refused
    svc = services(request)
    if svc.config.current.federation_private or svc.schedule_fediverse is None:
        raise web.HTTPNotFound()
    event = await svc.schedule.occurrence(request.match_info["id"])
    document = svc.schedule_fediverse.document(event) if event is not None else None
    if document is None:
        raise web.HTTPNotFound()
    return activity_json(document)


@routes.route("*", "/federation/{id}")
@public
async def get_object(request: web.Request) -> web.Response:
    """A published Note at its IRI; 404 in private mode (objects are hidden) or when unknown."""
    if (refused := _refusal(request) or _negotiated(request)) is not None:
        return refused
    svc = services(request)
    config = svc.config.current
    if config.federation_private:
        raise web.HTTPNotFound()
    post = await svc.federation.outbox.get(object_iri(config.server_url, request.match_info["id"]))
    if post is None:
        raise web.HTTPNotFound()
    return activity_json(post.value)
