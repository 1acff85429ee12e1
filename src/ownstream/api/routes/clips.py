"""Clips (ours; Owncast 0.0.11 has none, and its unreleased clip routes are not followed):
`POST /api/clips` (a chat user's `?accessToken=`, as the admin's permission setting allows) and
`POST /api/admin/clips` (the admin) cut one, `GET /api/clips` (newest first) and `/api/clips/{id}` list
them, `/clip/{id}/stream.m3u8` (VOD, `EXT-X-PROGRAM-DATE-TIME` on every segment), its files under
`/clip/{id}/media/…`, `/clip/{id}/download.mp4` (remuxed as it is sent) and the admin's
`DELETE /api/admin/clips/{id}`. The page `/clip/{id}` is served with the viewer's pages (web/pages.py).

A clip of a replay recorded to S3 is played from its bucket (clips/bucket.py): its playlist names the
objects' URLs, its `media/…` URLs redirect there, and `download.mp4` is remuxed from them.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

from aiohttp import web

from ownstream.api.errors import error_shape, read_json
from ownstream.api.mp4_download import send_remuxed_mp4
from ownstream.api.responses import json_response, simple_response
from ownstream.api.state import services
from ownstream.auth.requirements import Admin, ChatUser, public, requires
from ownstream.auth.token_gates import caller
from ownstream.clips.bucket import clip_media_base_url
from ownstream.clips.library import ADMIN, ClipAuthor
from ownstream.clips.permission import check_admin_may_clip, check_user_may_clip
from ownstream.clips.request import parse_clip_request
from ownstream.database.repos.clips import StoredClip
from ownstream.errors import NotFound
from ownstream.replays.download import MediaSource
from ownstream.replays.files import valid_name
from ownstream.transcode.ffmpeg_binary import resolve_ffmpeg_path

routes = web.RouteTableDef()

PLAYLIST_TYPE: Final = "application/x-mpegURL"
MEDIA_PREFIX: Final = "media/"
IMMUTABLE: Final = "public, max-age=31557600"
CORS: Final = {"Access-Control-Allow-Origin": "*"}


def _time(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def clip_json(clip: StoredClip) -> dict[str, Any]:
    return {
        "id": clip.id,
        "title": clip.title,
        "replayId": clip.replay_id,
        "startTime": _time(clip.started_at),
        "endTime": _time(clip.ended_at),
        "duration": round(clip.duration, 3),
        "size": clip.size,
        "createdAt": _time(clip.created_at),
        "clippedBy": clip.created_by_name,
        "url": f"/clip/{clip.id}",
    }


@routes.get("/api/clips")
@public
async def list_clips(request: web.Request) -> web.Response:
    clips = await services(request).clips.all()
    return json_response([clip_json(clip) for clip in clips], no_cache=True)


@routes.get("/api/clips/{id}")
@public
async def get_clip(request: web.Request) -> web.Response:
    clip = await services(request).clips.get(request.match_info["id"])
    return json_response(clip_json(clip), no_cache=True)


@routes.post("/api/clips")
@requires(ChatUser())
@error_shape("error")
async def create_clip(request: web.Request) -> web.Response:
    """A chat user cuts a clip: moderators, or anyone, as the admin allows."""
    svc = services(request)
    user = caller(request)
    check_user_may_clip(svc.config.current, user)
    author = ClipAuthor(user.id, user.display_name, limited=not user.is_moderator)
    return await _cut(request, author)


@routes.post("/api/admin/clips")
@requires(Admin())
@error_shape("error")
async def admin_create_clip(request: web.Request) -> web.Response:
    check_admin_may_clip(services(request).config.current)
    return await _cut(request, ClipAuthor(ADMIN, ADMIN, limited=False))


async def _cut(request: web.Request, author: ClipAuthor) -> web.Response:
    svc = services(request)
    wanted = parse_clip_request(await read_json(request))
    clip = await svc.clips.cut(wanted, svc.config.current.clips_max_duration, author)
    return json_response(clip_json(clip), status=201, no_cache=True)


def media_source(request: web.Request, clip: StoredClip) -> MediaSource:
    """The clip's folder, or the URL its objects are read under when it was copied in a bucket."""
    svc = services(request)
    if clip.location is None:
        return svc.clips.folder(clip.id)
    current = svc.config.current
    return clip_media_base_url(clip.location, clip.id, current.s3, current.video_serving_endpoint)


@routes.get("/clip/{id}/stream.m3u8")
@public
async def clip_playlist(request: web.Request) -> web.Response:
    library = services(request).clips
    clip = await library.get(request.match_info["id"])
    source = media_source(request, clip)
    text = await library.playlist(clip, MEDIA_PREFIX if isinstance(source, Path) else source)
    headers = {**CORS, "Cache-Control": "public, max-age=300"}  # a clip never changes
    return web.Response(text=text, content_type=PLAYLIST_TYPE, headers=headers)


@routes.get("/clip/{id}/media/{name}")
@public
async def clip_media(request: web.Request) -> web.StreamResponse:
    library = services(request).clips
    name = request.match_info["name"]
    if not valid_name(name):
        raise NotFound("no such file")
    try:
        path = library.file(request.match_info["id"], name)
    except ValueError:
        raise NotFound("no such file") from None
    if not await asyncio.to_thread(path.is_file):
        clip = await library.get(request.match_info["id"])
        if clip.location is None:
            raise NotFound("no such file")
        # Copied in a bucket: the file is there.
        raise web.HTTPFound(f"{media_source(request, clip)}{name}", headers=CORS)
    return web.FileResponse(path, headers={**CORS, "Cache-Control": IMMUTABLE, "Content-Type": "video/mp4"})


@routes.get("/clip/{id}/download.mp4")
@public
async def clip_download(request: web.Request) -> web.StreamResponse:
    svc = services(request)
    library = svc.clips
    clip = await library.get(request.match_info["id"])
    segments = await library.segments(clip.id)
    if not segments:
        raise NotFound("the clip has no video")
    ffmpeg_path = resolve_ffmpeg_path(svc.config.current.ffmpeg_path)
    return await send_remuxed_mp4(
        request, library.downloads, ffmpeg_path, media_source(request, clip), segments, f"clip-{clip.id}.mp4"
    )


@routes.delete("/api/admin/clips/{id}")
@requires(Admin())
@error_shape("simple")
async def delete_clip(request: web.Request) -> web.Response:
    await services(request).clips.delete(request.match_info["id"])
    return simple_response(True, "clip deleted")
