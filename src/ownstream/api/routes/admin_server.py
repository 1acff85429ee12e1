"""Admin read endpoints about the running server (reference §2.3). The admin gate is a middleware."""

from __future__ import annotations

from aiohttp import web

from ownstream import OWNCAST_API_VERSION
from ownstream.api.errors import error_shape
from ownstream.api.responses import json_response, simple_response
from ownstream.api.state import services
from ownstream.auth.requirements import Admin, requires
from ownstream.auth.weak_key import weak_key_warning
from ownstream.logbuffer import LogEntry

routes = web.RouteTableDef()


@routes.get("/api/admin/status")
@requires(Admin())
async def admin_status(request: web.Request) -> web.Response:
    svc = services(request)
    lifecycle = svc.lifecycle
    broadcaster = lifecycle.broadcaster
    broadcast = lifecycle.current_broadcast
    return json_response(
        {
            "broadcaster": broadcaster.to_json() if broadcaster else None,
            "currentBroadcast": broadcast.to_json() if broadcast else None,
            "online": lifecycle.online,
            "viewerCount": svc.stats.viewer_count,
            "overallPeakViewerCount": svc.stats.overall_peak,
            "sessionPeakViewerCount": svc.stats.session_peak,
            "streamTitle": svc.config.current.stream_title,
            "versionNumber": OWNCAST_API_VERSION,
            # Newer Owncast (0.0.12): the players' health, null until a window with reports while online.
            "health": svc.playback.health.to_json() if svc.playback.health is not None else None,
        },
        no_cache=True,
    )


@routes.route("*", "/api/admin/disconnect")
@requires(Admin())
@error_shape("simple")
async def admin_disconnect(request: web.Request) -> web.Response:
    lifecycle = services(request).lifecycle
    if not lifecycle.online or not await lifecycle.disconnect():
        return simple_response(False, "no inbound stream connected")
    return simple_response(True, "inbound stream disconnected")


@routes.route("*", "/api/admin/logs")
@requires(Admin())
async def admin_logs(request: web.Request) -> web.Response:
    return json_response([entry.to_json() for entry in services(request).logs.all])


@routes.route("*", "/api/admin/logs/warnings")
@requires(Admin())
async def admin_log_warnings(request: web.Request) -> web.Response:
    """The buffered warnings, and a standing one at the end while the stream key is weak (logged copies
    of it are left out, so it shows once and goes away when the key is changed)."""
    svc = services(request)
    standing = weak_key_warning(svc.config.current)
    entries = [entry for entry in svc.logs.warnings if entry.message != standing]
    if standing is not None:
        entries.append(LogEntry(message=standing, level="warning", time=svc.clock.now()))
    return json_response([entry.to_json() for entry in entries])


@routes.route("*", "/api/admin/update/options")
@requires(Admin())
async def admin_update_options(request: web.Request) -> web.Response:
    """Owncast's self-updater is not part of Ownstream: update with your package manager, restart with
    your service manager. The admin page reads these flags to hide its update buttons."""
    return json_response({"supportsUpdate": False, "canRestart": False})


@routes.route("*", "/api/admin/update/start")
@requires(Admin())
@error_shape("simple")
async def admin_update_start(request: web.Request) -> web.Response:
    return simple_response(False, "this server does not update itself; upgrade the ownstream package instead")
