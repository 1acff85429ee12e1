"""Serving `/hls/…` (reference §6.5): playlists uncached and counted as viewer activity, segments cached
for a year, CORS for any origin.

The live stream's variant playlists, init segments, segments and parts come from memory (the packager's
window, `hls.live_store`): a playlist request with `_HLS_msn` (and `_HLS_part`) waits until that part
exists (400 for bad or too-far-ahead directives, 503 after three target durations), `_HLS_skip` asks for
a delta update, and the hinted part is sent as its bytes arrive. Everything else — the master playlist,
the ended stream's playlists, older segments, the MPEG-TS output — comes from disk, through sendfile.
A playlist read from disk is checked: an empty or cut one (ffmpeg on a full disk) is never served; the
last complete copy of the same stream stands in, or 503 when there is none.

A web process (`--role web`) has no stream: it forwards `/hls/…` to the media process
(cluster/media_forward.py).
"""

from __future__ import annotations

import asyncio
from pathlib import Path, PurePosixPath
from typing import Final

from aiohttp import web

from ownstream.api.errors import error_body
from ownstream.api.responses import NO_CACHE_HEADERS, json_response
from ownstream.api.state import Services, services
from ownstream.auth.requirements import public
from ownstream.hls.blocking import BLOCK_TARGET_DURATIONS, BadDirectives, parse_directives
from ownstream.hls.last_good import is_complete_playlist
from ownstream.hls.live_store import LiveHls, Resource, first_bytes_of, part_chunks
from ownstream.hls.playlist import PLAYLIST_NAME
from ownstream.hls.serving_endpoint import rewrite_master_playlist
from ownstream.net.client_address import client_address
from ownstream.stream.cmcd import body_reports, header_report, parse_dictionary
from ownstream.stream.viewers import viewer_id
from ownstream.transcode.latency import LATENCY_LEVELS

routes = web.RouteTableDef()

PLAYLIST_TYPE = "application/x-mpegURL"
SEGMENT_TYPE = "video/mp2t"
MP4_TYPE = "video/mp4"
SEGMENT_CACHE = "public, max-age=31557600"
BLOCKED_PLAYLIST_CACHE = "public, max-age=1"
"""A playlist answering `_HLS_msn`/`_HLS_part` holds at least that part whenever it is fetched: a cache in
front may keep it briefly, which is what lets a proxy collapse the viewers' identical blocking requests."""
CORS = {"Access-Control-Allow-Origin": "*"}
_TYPES: Final = {".m3u8": PLAYLIST_TYPE, ".ts": SEGMENT_TYPE, ".m4s": MP4_TYPE, ".mp4": MP4_TYPE}
MASTER_PLAYLIST = PurePosixPath(PLAYLIST_NAME)


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
    if svc.media_forward is not None:  # a web process: the media process has the stream
        return await svc.media_forward.forward(request, client_address(request))
    started = svc.clock.monotonic()
    relative = PurePosixPath(request.match_info["tail"])
    if relative.is_absolute() or any(part in ("", ".", "..") for part in relative.parts):
        raise web.HTTPNotFound()
    suffix = relative.suffix.lower()
    if suffix not in _TYPES:
        raise web.HTTPNotFound()
    if not served_locally(svc, relative):
        raise web.HTTPNotFound(headers=CORS)
    ip, agent = client_address(request), request.headers.get("User-Agent", "")
    sender = viewer_id(ip, agent)
    if suffix == ".m3u8":
        svc.stats.viewer_seen(ip, agent)
    _harvest_cmcd(request, svc, sender)
    answer = await _answer(request, svc, relative, suffix)
    if request.method == "GET" and _is_segment(relative) and svc.lifecycle.online:
        await _time_segment(request, svc, answer, sender, started)
    return answer


async def _answer(
    request: web.Request, svc: Services, relative: PurePosixPath, suffix: str
) -> web.StreamResponse:
    live = _live_variant(relative)
    if live is not None:
        answer = await _from_memory(request, svc.live_hls, *live)
        if answer is not None:
            return answer
    return await _from_disk(svc, relative, suffix)


def _harvest_cmcd(request: web.Request, svc: Services, sender: str) -> None:
    """CMCD a player sends with its playlist and segment requests (request mode, newer §14.3)."""
    query = request.query.get("CMCD")
    from_headers = header_report(request.headers)
    if query is None and not from_headers:
        return
    reports = body_reports(parse_dictionary(query) if query is not None else None, from_headers)
    if reports:
        svc.playback.cmcd(sender, reports, from_request=True)


def _is_segment(relative: PurePosixPath) -> bool:
    """A whole media segment (parts and init segments are too small to time a download by)."""
    suffix = relative.suffix.lower()
    return suffix == ".ts" or (suffix == ".m4s" and relative.name.startswith("stream-"))


async def _time_segment(
    request: web.Request, svc: Services, answer: web.StreamResponse, sender: str, started: float
) -> None:
    """Send the segment here and time it, for a player that does not report its own figures."""
    clients = svc.playback.clients
    if clients.self_reporting(sender) or answer.status != 200:
        return
    if not answer.prepared:
        await answer.prepare(request)
        await answer.write_eof()
    level = svc.config.current.video_latency_level
    broadcast = svc.lifecycle.current_broadcast
    if broadcast is not None:
        level = broadcast.latency_level
    seconds = svc.clock.monotonic() - started
    clients.served_segment(sender, answer.content_length or 0, seconds, LATENCY_LEVELS[level].segment_seconds)


def _live_variant(relative: PurePosixPath) -> tuple[int, str] | None:
    """(variant index, file name) for `<index>/<name>`."""
    if len(relative.parts) != 2 or not relative.parts[0].isdigit() or len(relative.parts[0]) > 3:
        return None
    return int(relative.parts[0]), relative.parts[1]


async def _from_memory(
    request: web.Request, store: LiveHls, index: int, name: str
) -> web.StreamResponse | None:
    """The live stream's resource, or None when memory does not have it (then the disk may)."""
    if name == PLAYLIST_NAME:
        return await _live_playlist(request, store, index)
    resource = store.resource(index, name)
    if resource is None:
        return None
    headers = {**CORS, "Cache-Control": SEGMENT_CACHE, "Content-Type": MP4_TYPE}
    if resource.kind == "init":
        body = resource.init_bytes()
        return None if body is None else web.Response(body=body, headers=headers)
    if resource.kind == "stream":
        segment = resource.segment()
        if segment is None:
            return None  # not yet complete, or already gone from memory: the disk decides
        return await _send_chunks(request, headers, list(segment.chunks()), segment.size)
    part = resource.complete_part()
    if part is not None:
        return await _send_chunks(request, headers, list(part.chunks), part.size)
    if resource.hinted:
        return await _hinted_part(request, store, resource, headers)
    raise web.HTTPNotFound(headers=CORS)


async def _live_playlist(request: web.Request, store: LiveHls, index: int) -> web.StreamResponse | None:
    try:
        directives = parse_directives(request.query)
    except BadDirectives as error:
        return _playlist_error(400, str(error))
    answer = await store.playlist(index, directives)
    if answer is None:
        return None
    if answer.status != 200:
        return _playlist_error(answer.status, answer.body.decode())
    headers = {**CORS, "Content-Type": PLAYLIST_TYPE}
    if answer.blocked:
        headers["Cache-Control"] = BLOCKED_PLAYLIST_CACHE
    else:
        headers.update(NO_CACHE_HEADERS)
    return web.Response(body=answer.body, headers=headers)


def _playlist_error(status: int, message: str) -> web.Response:
    return json_response(
        error_body("error", message), status=status, headers={**CORS, "Cache-Control": "no-store"}
    )


async def _send_chunks(
    request: web.Request, headers: dict[str, str], chunks: list[bytes], size: int
) -> web.StreamResponse:
    if len(chunks) == 1:
        return web.Response(body=chunks[0], headers=headers)
    response = web.StreamResponse(headers=headers)
    response.content_length = size
    await response.prepare(request)
    for chunk in chunks:
        await response.write(chunk)
    await response.write_eof()
    return response


async def _hinted_part(
    request: web.Request, store: LiveHls, resource: Resource, headers: dict[str, str]
) -> web.StreamResponse:
    """The preload-hinted part: wait for its first bytes, then send each as it arrives."""
    timeout = BLOCK_TARGET_DURATIONS * float(resource.rendition.target_duration or 1)
    part = await first_bytes_of(store, resource, timeout)
    if part is None:
        if store.rendition(resource.rendition.index) is not resource.rendition:
            raise web.HTTPNotFound(headers=CORS)
        return _playlist_error(503, "the hinted part did not arrive in time")
    if part.complete:
        return await _send_chunks(request, headers, list(part.chunks), part.size)
    response = web.StreamResponse(headers=headers)
    await response.prepare(request)
    async for chunk in part_chunks(store, part, timeout):
        await response.write(chunk)
    if not part.complete:
        # Cut short: end the connection so no cache keeps a truncated part.
        if request.transport is not None:
            request.transport.close()
        return response
    await response.write_eof()
    return response


async def _from_disk(svc: Services, relative: PurePosixPath, suffix: str) -> web.StreamResponse:
    path = svc.settings.hls_path.joinpath(*relative.parts)
    if not path.is_file():
        raise web.HTTPNotFound(headers=CORS)
    headers = dict(CORS)
    if suffix == ".m3u8":
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
    headers["Content-Type"] = _TYPES[suffix]
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
