"""Newer Owncast's viewer and playback routes (reference newer §11):

- `POST /api/metrics/playback` (anyone): a player's report; 200 with an empty body.
- `GET /api/admin/metrics/video` (admin): the playback and stream-health series.
- `GET /api/admin/viewers/playback` (admin, newer Owncast's development branch §14.3): each active
  viewer's players with their latest playback figures (from their reports or from timing the segments
  sent to them), `playback` null for a viewer nothing is known of.
- `GET /api/admin/viewers` (admin): the active viewers (seen by `/api/ping` or a playlist request within
  15 s), `[{firstSeen, geo, userAgent, ipAddress, clientID}]`; `geo` is null (no geo database).
"""

from __future__ import annotations

import math
from typing import Any

from aiohttp import web

from ownstream.api.bodies import method_not_supported
from ownstream.api.errors import error_shape, read_json
from ownstream.api.responses import json_response
from ownstream.api.state import services
from ownstream.auth.requirements import Admin, public, requires
from ownstream.clock import rfc3339
from ownstream.errors import Invalid
from ownstream.net.client_address import client_address
from ownstream.stream.playback import PlaybackReport
from ownstream.stream.viewers import viewer_id
from ownstream.transcode.latency import LATENCY_LEVELS

routes = web.RouteTableDef()

MAX_REPORT_BYTES = 64 * 1024


def _number(document: dict[str, Any], name: str, *, required: bool) -> float | None:
    value = document.get(name)
    if value is None:
        if required:
            raise Invalid(f"{name} field is required")
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise Invalid(f"{name} must be a number")
    return float(value)


@routes.route("*", "/api/metrics/playback")
@public
@error_shape("simple")
async def playback_report(request: web.Request) -> web.Response:
    if request.method != "POST":
        return method_not_supported(request)
    if request.content_length is not None and request.content_length > MAX_REPORT_BYTES:
        raise Invalid("http: request body too large")
    document = await read_json(request, "unable to parse the playback report")
    if not isinstance(document, dict):
        raise Invalid("the playback report must be a JSON object")
    report = PlaybackReport(
        errors=_number(document, "errors", required=True) or 0.0,
        quality_variant_changes=_number(document, "qualityVariantChanges", required=True) or 0.0,
        bandwidth=_number(document, "bandwidth", required=False),
        latency=_number(document, "latency", required=False),
        download_duration=_number(document, "downloadDuration", required=False),
    )
    sender = viewer_id(client_address(request), request.headers.get("User-Agent", ""))
    playback = services(request).playback
    playback.report(sender, report)
    playback.clients.playback(
        sender,
        bandwidth=report.bandwidth,
        latency=report.latency,
        download=report.download_duration,
        errors=int(report.errors),
        variant_changes=int(report.quality_variant_changes),
    )
    return web.Response(status=200)


@routes.get("/api/admin/metrics/video")
@requires(Admin())
async def video_metrics(request: web.Request) -> web.Response:
    svc = services(request)
    config = svc.config.current
    # What the live stream runs with, else what the next one will.
    broadcast = svc.lifecycle.current_broadcast
    variants = broadcast.variants if broadcast is not None else config.video_variants
    latency = broadcast.latency_level if broadcast is not None else config.video_latency_level
    bitrates = [variant.effective_video_bitrate for variant in variants]
    segment_length = LATENCY_LEVELS[latency].segment_seconds
    return json_response(svc.playback.video_document(bitrates, segment_length), no_cache=True)


@routes.get("/api/admin/viewers")
@requires(Admin())
async def active_viewers(request: web.Request) -> web.Response:
    svc = services(request)
    return json_response(
        [
            {
                "firstSeen": rfc3339(viewer.first_seen),
                "geo": None,
                "userAgent": viewer.user_agent,
                "ipAddress": viewer.ip_address,
                "clientID": viewer.client_id,
            }
            for viewer in svc.stats.viewers.active()
        ],
        no_cache=True,
    )


@routes.get("/api/admin/viewers/playback")
@requires(Admin())
async def viewers_playback(request: web.Request) -> web.Response:
    svc = services(request)
    return json_response(svc.playback.clients.document(svc.stats.viewers.active()), no_cache=True)
