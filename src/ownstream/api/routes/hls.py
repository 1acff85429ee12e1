"""Serving `/hls/…` from local disk (reference §6.5): playlists uncached and counted as viewer activity,
segments cached for a year, CORS for any origin, byte ranges through sendfile.

A playlist is read whole and checked: an empty or cut one (ffmpeg on a full disk) is never served; the
last complete copy of the same stream stands in, or 503 when there is none.
"""

from __future__ import annotations

import asyncio
from pathlib import Path, PurePosixPath

from aiohttp import web

from ownstream.api.errors import error_body
from ownstream.api.responses import NO_CACHE_HEADERS, json_response
from ownstream.api.state import Services, services
from ownstream.auth.requirements import public
from ownstream.hls.last_good import is_complete_playlist
from ownstream.hls.serving_endpoint import rewrite_master_playlist
from ownstream.net.client_address import client_address

routes = web.RouteTableDef()

PLAYLIST_TYPE = "application/x-mpegURL"
SEGMENT_TYPE = "video/mp2t"
SEGMENT_CACHE = "public, max-age=31557600"
CORS = {"Access-Control-Allow-Origin": "*"}
MASTER_PLAYLIST = PurePosixPath("stream.m3u8")


def served_locally(svc: Services, relative: PurePosixPath) -> bool:
    """With S3 on, only the master playlist is served from here; viewers get the rest from the bucket."""
    storage = svc.lifecycle.segment_storage
    if storage is not None:
        return storage.serves_locally(relative)
    return not svc.config.current.s3.enabled


@routes.get("/hls/{tail:.+}")
@public
async def get_hls(request: web.Request) -> web.StreamResponse:
    svc = services(request)
    relative = PurePosixPath(request.match_info["tail"])
    if relative.is_absolute() or any(part in ("", ".", "..") for part in relative.parts):
        raise web.HTTPNotFound()
    suffix = relative.suffix.lower()
    if suffix not in (".m3u8", ".ts"):
        raise web.HTTPNotFound()
    if not served_locally(svc, relative):
        raise web.HTTPNotFound(headers=CORS)
    path = svc.settings.hls_path.joinpath(*relative.parts)
    if not path.is_file():
        raise web.HTTPNotFound(headers=CORS)
    headers = dict(CORS)
    if suffix == ".m3u8":
        svc.stats.viewer_seen(client_address(request), request.headers.get("User-Agent", ""))
        headers.update(NO_CACHE_HEADERS)
        body = await _playlist_body(svc, path, str(relative))
        if body is None:
            # Like a 404 here, it carries CORS so a player on another origin sees the status.
            unavailable = "the playlist is not available right now; try again"
            return json_response(error_body("error", unavailable), status=503, headers=CORS)
        headers["Content-Type"] = PLAYLIST_TYPE
        endpoint = svc.config.current.video_serving_endpoint
        if endpoint and relative == MASTER_PLAYLIST:
            body = rewrite_master_playlist(body, endpoint)
        return web.Response(body=body, headers=headers)
    headers["Cache-Control"] = SEGMENT_CACHE
    headers["Content-Type"] = SEGMENT_TYPE
    return web.FileResponse(path, headers=headers)


async def _playlist_body(svc: Services, path: Path, name: str) -> bytes | None:
    """The playlist if complete, else the last complete copy of this stream's, else None."""
    broadcast = svc.lifecycle.current_broadcast
    generation = broadcast.stream_id if broadcast is not None else ""
    try:
        body = await asyncio.to_thread(path.read_bytes)
    except FileNotFoundError:
        raise web.HTTPNotFound(headers=CORS) from None
    if is_complete_playlist(body):
        svc.playlists.remember(generation, name, body)
        return body
    return svc.playlists.recall(generation, name)
