"""Serving `/hls/…` from local disk (reference §6.5): playlists uncached and counted as viewer activity,
segments cached for a year, CORS for any origin, byte ranges through sendfile."""

from __future__ import annotations

from pathlib import PurePosixPath

from aiohttp import web

from ownstream.api.responses import NO_CACHE_HEADERS
from ownstream.api.state import Services, services
from ownstream.net.client_address import client_address

routes = web.RouteTableDef()

PLAYLIST_TYPE = "application/x-mpegURL"
SEGMENT_TYPE = "video/mp2t"
SEGMENT_CACHE = "public, max-age=31557600"


def served_locally(svc: Services, relative: PurePosixPath) -> bool:
    """With S3 on, only the master playlist is served from here; viewers get the rest from the bucket."""
    storage = svc.lifecycle.segment_storage
    if storage is not None:
        return storage.serves_locally(relative)
    return not svc.config.current.s3.enabled


@routes.get("/hls/{tail:.+}")
async def get_hls(request: web.Request) -> web.StreamResponse:
    svc = services(request)
    relative = PurePosixPath(request.match_info["tail"])
    if relative.is_absolute() or any(part in ("", ".", "..") for part in relative.parts):
        raise web.HTTPNotFound()
    suffix = relative.suffix.lower()
    if suffix not in (".m3u8", ".ts"):
        raise web.HTTPNotFound()
    if not served_locally(svc, relative):
        raise web.HTTPNotFound(headers={"Access-Control-Allow-Origin": "*"})
    path = svc.settings.hls_path.joinpath(*relative.parts)
    if not path.is_file():
        raise web.HTTPNotFound(headers={"Access-Control-Allow-Origin": "*"})
    headers = {"Access-Control-Allow-Origin": "*"}
    if suffix == ".m3u8":
        svc.stats.viewer_seen(client_address(request), request.headers.get("User-Agent", ""))
        headers.update(NO_CACHE_HEADERS)
        headers["Content-Type"] = PLAYLIST_TYPE
    else:
        headers["Cache-Control"] = SEGMENT_CACHE
        headers["Content-Type"] = SEGMENT_TYPE
    return web.FileResponse(path, headers=headers)
