"""Prometheus exposition and the health check.

- `GET /api/admin/prometheus`: newer Owncast's path (POST, PUT and DELETE too, as 0.2's router), behind
  the admin gate like every `/api/admin/` route.
- `GET /metrics`: the same text for a scraper holding `OWNSTREAM_METRICS_TOKEN` (`Authorization: Bearer`,
  compared in constant time). Without that variable the route answers 404, as if it did not exist; with a
  missing or wrong token, 401 (the metrics-scraper gate in auth/token_gates.py).
- `GET /api/health`: 200 and a small JSON when the database, ffmpeg and the disk are fine, 503 with the
  same JSON when any is not. Public, like a load balancer expects.
"""

from __future__ import annotations

from aiohttp import web

from ownstream.api.responses import json_response
from ownstream.api.state import services
from ownstream.auth.requirements import Admin, MetricsScraper, public, requires

routes = web.RouteTableDef()


async def _exposition(request: web.Request) -> web.Response:
    body, content_type = await services(request).metrics.exposition(request.headers.get("Accept"))
    return web.Response(body=body, headers={"Content-Type": content_type, "Cache-Control": "no-cache"})


@routes.get("/api/admin/prometheus")
@routes.post("/api/admin/prometheus")
@routes.put("/api/admin/prometheus")
@routes.delete("/api/admin/prometheus")
@requires(Admin())
async def admin_prometheus(request: web.Request) -> web.Response:
    return await _exposition(request)


@routes.get("/metrics")
@requires(MetricsScraper())
async def metrics(request: web.Request) -> web.Response:
    return await _exposition(request)


@routes.get("/api/health")
@public
async def health(request: web.Request) -> web.Response:
    report = await services(request).health.check()
    return json_response(report.to_json(), status=200 if report.ok else 503, no_cache=True)
