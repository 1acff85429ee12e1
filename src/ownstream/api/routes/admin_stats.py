"""Admin charts: viewers over time and hardware use (reference §2.3, §7). The admin gate is a middleware.

Read endpoints answer any method, as Owncast's do.
"""

from __future__ import annotations

from datetime import UTC, datetime

from aiohttp import web

from ownstream.api.errors import error_shape
from ownstream.api.responses import json_response
from ownstream.api.state import services
from ownstream.auth.requirements import Admin, requires
from ownstream.errors import Invalid

routes = web.RouteTableDef()


@routes.route("*", "/api/admin/viewersOverTime")
@requires(Admin())
@error_shape("simple")
async def viewers_over_time(request: web.Request) -> web.Response:
    """0.0.11: every sample. Newer Owncast's `?windowStart=<unix seconds>` keeps the samples from then on
    (0.0.12 requires it; without it we answer as 0.0.11 did)."""
    samples = services(request).viewer_history.samples
    window_start = request.query.get("windowStart")
    if window_start is None:
        return json_response(samples.to_json())
    try:
        since = datetime.fromtimestamp(int(window_start), UTC)
    except (ValueError, OverflowError, OSError):
        raise Invalid(f'strconv.ParseInt: parsing "{window_start}": invalid syntax') from None
    return json_response([sample.to_json() for sample in samples if sample.time >= since])


@routes.route("*", "/api/admin/hardwarestats")
@requires(Admin())
async def hardware_stats(request: web.Request) -> web.Response:
    return json_response(services(request).hardware.to_json())
