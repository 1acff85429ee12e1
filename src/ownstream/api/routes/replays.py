"""Replays (ours; Owncast 0.0.11 has none, and its unreleased replay routes are not followed):
`GET /api/replays` (newest first) and `/api/replays/{id}`, the replay's playlist
`/replay/{id}/stream.m3u8` (EVENT while it may still grow, VOD with `#EXT-X-ENDLIST` once finalised,
`EXT-X-PROGRAM-DATE-TIME` on every segment), its files under `/replay/{id}/media/…`, its thumbnail,
`/replay/{id}/download.mp4` (remuxed as it is sent), and for the admin's dashboard `GET /api/admin/replays`
(the list, the one being recorded marked), `GET /api/admin/replays/usage` (bytes used against the budget)
and `DELETE /api/admin/replays/{id}`.

A replay recorded to S3 is played from its bucket: its playlist names the objects' URLs, its
`media/…` URLs redirect there, and `download.mp4` is remuxed from them (replays/bucket.py).

DVR while live (replays/dvr.py): `/api/dvr` tells the viewer page how far it can rewind and where the
DVR playlist is, `/replay/{id}/dvr.m3u8?since=…` is that playlist (the replay being recorded only).
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Final

from aiohttp import web

from ownstream.api.errors import error_shape
from ownstream.api.mp4_download import send_remuxed_mp4
from ownstream.api.responses import NO_CACHE_HEADERS, json_response, simple_response
from ownstream.api.state import services
from ownstream.auth.requirements import Admin, public, requires
from ownstream.database.repos.replays import StoredReplay
from ownstream.errors import Invalid, NotFound
from ownstream.replays.bucket import media_base_url
from ownstream.replays.download import MediaSource
from ownstream.replays.dvr import window_since
from ownstream.replays.files import valid_name
from ownstream.replays.thumbnail import THUMBNAIL_NAME
from ownstream.transcode.ffmpeg_binary import resolve_ffmpeg_path

routes = web.RouteTableDef()

PLAYLIST_TYPE: Final = "application/x-mpegURL"
MEDIA_PREFIX: Final = "media/"
SEGMENT_CACHE: Final = "public, max-age=31557600"
CORS: Final = {"Access-Control-Allow-Origin": "*"}


def _time(moment: datetime | None) -> str | None:
    """RFC 3339 in UTC, as the rest of the API writes times."""
    return None if moment is None else moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def replay_json(replay: StoredReplay, has_thumbnail: bool) -> dict[str, Any]:
    return {
        "id": replay.id,
        "title": replay.title,
        "startTime": _time(replay.started_at),
        "endTime": _time(replay.ended_at),
        "duration": round(replay.duration, 3),
        "size": replay.size,
        "thumbnail": f"/replay/{replay.id}/{THUMBNAIL_NAME}" if has_thumbnail else None,
    }


async def describe_replays(request: web.Request, replays: list[StoredReplay]) -> list[dict[str, Any]]:
    library = services(request).replays

    def thumbnails() -> list[bool]:
        return [library.files.exists(replay.id, THUMBNAIL_NAME) for replay in replays]

    flags = await asyncio.to_thread(thumbnails)
    return [replay_json(replay, flag) for replay, flag in zip(replays, flags, strict=True)]


@routes.get("/api/replays")
@public
async def list_replays(request: web.Request) -> web.Response:
    replays = await services(request).replays.all()
    return json_response(await describe_replays(request, replays), no_cache=True)


@routes.get("/api/replays/{id}")
@public
async def get_replay(request: web.Request) -> web.Response:
    replay = await services(request).replays.get(request.match_info["id"])
    (described,) = await describe_replays(request, [replay])
    return json_response(described, no_cache=True)


REPLAY_CHAT_LIMIT: Final = 20_000
CHAT_MARGIN: Final = timedelta(seconds=5)
"""Messages this close before the first frame still belong to the replay (the video starts a moment
after the publisher connects)."""


@routes.get("/api/replays/{id}/chat")
@public
async def replay_chat(request: web.Request) -> web.Response:
    """The chat sent while the replay was recorded, oldest first, in `/api/chat`'s item shape; the
    replay page shows each message once the video reaches its `timestamp`."""
    svc = services(request)
    replay = await svc.replays.get(request.match_info["id"])
    end = replay.ended_at or svc.clock.now()
    items = await svc.chat.messages_between(replay.started_at - CHAT_MARGIN, end, REPLAY_CHAT_LIMIT)
    return json_response(items, no_cache=True)


def media_source(request: web.Request, replay: StoredReplay) -> MediaSource:
    """The replay's folder, or the URL its objects are read under when it was recorded to S3."""
    svc = services(request)
    if replay.location is None:
        return svc.replays.files.folder(replay.id)
    current = svc.config.current
    return media_base_url(replay.location, replay.id, current.s3, current.video_serving_endpoint)


@routes.get("/replay/{id}/stream.m3u8")
@public
async def replay_playlist(request: web.Request) -> web.Response:
    library = services(request).replays
    replay = await library.get(request.match_info["id"])
    source = media_source(request, replay)
    text = await library.playlist(replay, MEDIA_PREFIX if isinstance(source, Path) else source)
    if text is None:
        raise NotFound("the replay has no video yet")
    # A finished replay's playlist never changes; one still growing is fetched again and again.
    cache = {"Cache-Control": "public, max-age=300"} if replay.finished else NO_CACHE_HEADERS
    return web.Response(text=text, content_type=PLAYLIST_TYPE, headers={**CORS, **cache})


@routes.get("/api/dvr")
@public
async def dvr_status(request: web.Request) -> web.Response:
    """How far back a live viewer can go: `window` (the admin's setting, seconds; 0 = DVR off),
    `recording` (the live stream is being recorded: a playlist comes once a segment is kept),
    `playlist` (the DVR playlist of the replay being recorded; null while nothing is recorded: then
    only the live playlist's own window can be rewound), `start` (its first recorded moment) and `now`
    (the server's clock, which the playlists' dates are in). Cheap: the viewer page asks every half
    minute."""
    svc = services(request)
    window = svc.config.current.replays_dvr_window
    now = svc.clock.now()
    playlist: str | None = None
    start: datetime | None = None
    recording = svc.replays.recording()
    if window > 0 and recording is not None:
        start = await svc.replays.dvr.first_date(recording)
        if start is not None:
            playlist = f"/replay/{recording}/dvr.m3u8?since={window_since(now, window)}"
    body = {
        "window": window,
        "recording": window > 0 and recording is not None,
        "playlist": playlist,
        "start": _time(start),
        "now": _time(now),
    }
    return json_response(body, no_cache=True)


@routes.get("/replay/{id}/dvr.m3u8")
@public
async def dvr_playlist(request: web.Request) -> web.Response:
    """The DVR playlist: the replay being recorded from `since` (seconds since the epoch; default: the
    DVR window before now) on, EVENT, no ENDLIST. 404 for any other replay or with DVR off."""
    svc = services(request)
    replay_id = request.match_info["id"]
    window = svc.config.current.replays_dvr_window
    if window <= 0:
        raise NotFound("DVR is off")
    if replay_id != svc.replays.recording():
        raise NotFound("no such live recording; a finished replay's playlist is stream.m3u8")
    raw = request.query.get("since")
    if raw is None:
        since = window_since(svc.clock.now(), window)
    elif raw.isdigit() and len(raw) <= 12:
        since = int(raw)
    else:
        raise Invalid("since must be whole seconds since 1970")
    source = media_source(request, await svc.replays.get(replay_id))
    prefix = MEDIA_PREFIX if isinstance(source, Path) else source
    playlist = await svc.replays.dvr.playlist(replay_id, since, prefix)
    if playlist is None:
        raise NotFound("the recording has no video in the DVR window yet")
    headers = {**CORS, **NO_CACHE_HEADERS, "Content-Type": PLAYLIST_TYPE, "Vary": "Accept-Encoding"}
    if "gzip" in request.headers.get("Accept-Encoding", ""):
        return web.Response(body=playlist.gzipped, headers={**headers, "Content-Encoding": "gzip"})
    return web.Response(body=playlist.text.encode(), headers=headers)


@routes.get("/replay/{id}/media/{name}")
@public
async def replay_media(request: web.Request) -> web.StreamResponse:
    return await _file(request, request.match_info["name"], "video/mp4")


@routes.get("/replay/{id}/" + THUMBNAIL_NAME)
@public
async def replay_thumbnail(request: web.Request) -> web.StreamResponse:
    return await _file(request, THUMBNAIL_NAME, "image/jpeg")


async def _file(request: web.Request, name: str, content_type: str) -> web.StreamResponse:
    library = services(request).replays
    replay_id = request.match_info["id"]
    if not valid_name(name):
        raise NotFound("no such file")
    try:
        path = library.file(replay_id, name)
    except ValueError:
        raise NotFound("no such file") from None
    if not await asyncio.to_thread(path.is_file):
        replay = await library.get(replay_id)
        if replay.location is None or name == THUMBNAIL_NAME:
            raise NotFound("no such file")
        # Recorded to S3: the file is in the bucket.
        raise web.HTTPFound(f"{media_source(request, replay)}{name}", headers=CORS)
    headers = {**CORS, "Cache-Control": SEGMENT_CACHE, "Content-Type": content_type}
    return web.FileResponse(path, headers=headers)


@routes.get("/replay/{id}/download.mp4")
@public
async def replay_download(request: web.Request) -> web.StreamResponse:
    svc = services(request)
    library = svc.replays
    replay = await library.get(request.match_info["id"])
    segments = await library.segments(replay.id)
    if not segments:
        raise NotFound("the replay has no video yet")
    ffmpeg_path = resolve_ffmpeg_path(svc.config.current.ffmpeg_path)
    return await send_remuxed_mp4(
        request,
        library.downloads,
        ffmpeg_path,
        media_source(request, replay),
        segments,
        f"replay-{replay.id}.mp4",
    )


@routes.delete("/api/admin/replays/{id}")
@requires(Admin())
@error_shape("simple")
async def delete_replay(request: web.Request) -> web.Response:
    await services(request).replays.delete(request.match_info["id"])
    return simple_response(True, "replay deleted")


@routes.get("/api/admin/replays")
@requires(Admin())
@error_shape("simple")
async def admin_list_replays(request: web.Request) -> web.Response:
    """`/api/replays`'s items plus `recording`: true for the one being recorded (live, or waiting for
    its publisher to reconnect), which cannot be deleted."""
    library = services(request).replays
    recording = library.recording()
    items = await describe_replays(request, await library.all())
    for item in items:
        item["recording"] = item["id"] == recording
    return json_response(items, no_cache=True)


@routes.get("/api/admin/replays/usage")
@requires(Admin())
@error_shape("simple")
async def admin_replay_usage(request: web.Request) -> web.Response:
    library = services(request).replays
    usage = await library.usage()
    return json_response(
        {
            "usedBytes": usage.used,
            "diskBudgetBytes": usage.disk_budget,
            "limitBytes": usage.limit,
            "diskFreeBytes": usage.disk_free,
            "bucketBytes": usage.in_bucket,
            "share": round(usage.share, 4),
            "warning": usage.warning,
            "recording": library.recording(),
        },
        no_cache=True,
    )
