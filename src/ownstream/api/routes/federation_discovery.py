"""How fediverse servers find us (reference §8.2, §8.5, newer §13): WebFinger, host-meta, NodeInfo 2.0
and its well-known, x-nodeinfo2, and Mastodon's `/api/v1/instance`.

While federation is off (or has no server URL) every one answers 405, except host-meta: 404.
"""

from __future__ import annotations

from aiohttp import web

from ownstream.api.responses import json_response
from ownstream.api.state import services
from ownstream.auth.requirements import public
from ownstream.federation.documents import (
    WebfingerRefused,
    host_meta,
    instance_info,
    nodeinfo,
    nodeinfo_links,
    webfinger_account,
    webfinger_document,
    x_nodeinfo2,
)

routes = web.RouteTableDef()

CORS_ANY = {"Access-Control-Allow-Origin": "*"}
NODEINFO_TYPE = 'application/json; profile="http://nodeinfo.diaspora.software/ns/schema/2.0#"'


def not_allowed() -> web.Response:
    """Owncast's answer while federation is off: 405, empty body."""
    return web.Response(status=405)


def _typed(document: object, content_type: str, status: int = 200) -> web.Response:
    response = json_response(document, status=status, headers=CORS_ANY)
    response.headers["Content-Type"] = content_type
    return response


@routes.get("/.well-known/webfinger")
@public
async def webfinger(request: web.Request) -> web.Response:
    federation = services(request).federation
    if not federation.active:
        return not_allowed()
    site = await federation.site()
    try:
        account = webfinger_account(request.query.get("resource"), site)
    except WebfingerRefused as refused:
        return json_response({"error": refused.reason}, status=refused.status, headers=CORS_ANY)
    return _typed(webfinger_document(site, account), "application/jrd+json; charset=utf-8")


@routes.get("/.well-known/host-meta")
@public
async def get_host_meta(request: web.Request) -> web.Response:
    federation = services(request).federation
    if not federation.active:
        raise web.HTTPNotFound()
    server_url = services(request).config.current.server_url
    return web.Response(
        text=host_meta(server_url), content_type="application/xrd+xml", charset="utf-8", headers=CORS_ANY
    )


@routes.get("/.well-known/nodeinfo")
@public
async def get_nodeinfo_links(request: web.Request) -> web.Response:
    svc = services(request)
    if not svc.federation.active:
        return not_allowed()
    return json_response(nodeinfo_links(svc.config.current.server_url), headers=CORS_ANY)


@routes.get("/nodeinfo/2.0")
@public
async def get_nodeinfo(request: web.Request) -> web.Response:
    federation = services(request).federation
    if not federation.active:
        return not_allowed()
    document = nodeinfo(await federation.site(), await federation.outbox.count())
    return _typed(document, NODEINFO_TYPE)


@routes.get("/.well-known/x-nodeinfo2")
@public
async def get_x_nodeinfo2(request: web.Request) -> web.Response:
    federation = services(request).federation
    if not federation.active:
        return not_allowed()
    return json_response(
        x_nodeinfo2(await federation.site(), await federation.outbox.count()), headers=CORS_ANY
    )


@routes.get("/api/v1/instance")
@public
async def get_instance(request: web.Request) -> web.Response:
    federation = services(request).federation
    if not federation.active:
        return not_allowed()
    return json_response(
        instance_info(await federation.site(), await federation.outbox.count()), headers=CORS_ANY
    )
