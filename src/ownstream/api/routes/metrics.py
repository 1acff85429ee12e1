"""Prometheus exposition and the health check.

- `GET /api/admin/prometheus`: newer Owncast's path, behind the admin gate like every `/api/admin/` route.
- `GET /metrics`: the same text for a scraper holding `OWNSTREAM_METRICS_TOKEN` (`Authorization: Bearer`,
  compared in constant time). Without that variable the route answers 404, as if it did not exist; with a
  missing or wrong token, 401.
- `GET /api/health`: 200 and a small JSON when the database, ffmpeg and the disk are fine, 503 with the
  same JSON when any is not. Public, like a load balancer expects.
"""

from __future__ import annotations

import hmac

from aiohttp import web

from ownstream.api.responses import json_response
from ownstream.api.state import services

routes = web.RouteTableDef()


async def _exposition(request: web.Request) -> web.Response:
    body, content_type = await services(request).metrics.exposition(request.headers.get("Accept"))
    return web.Response(body=body, headers={"Content-Type": content_type, "Cache-Control": "no-cache"})


@routes.get("/api/admin/prometheus")
async def admin_prometheus(request: web.Request) -> web.Response:
    return await _exposition(request)


def bearer_token_matches(header: str | None, expected: str) -> bool:
    if not header or header[:7].lower() != "bearer ":
        return False
    return hmac.compare_digest(header[7:].strip().encode("utf-8"), expected.encode("utf-8"))


@routes.get("/metrics")
async def metrics(request: web.Request) -> web.Response:
    token = services(request).settings.metrics_token
    if not token:
        raise web.HTTPNotFound()
    if not bearer_token_matches(request.headers.get("Authorization"), token):
        return web.Response(status=401, text="Unauthorized\n", headers={"WWW-Authenticate": "Bearer"})
    return await _exposition(request)


@routes.get("/api/health")
async def health(request: web.Request) -> web.Response:
    report = await services(request).health.check()
    return json_response(report.to_json(), status=200 if report.ok else 503, no_cache=True)
