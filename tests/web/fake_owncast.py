"""A stand-in for the Ownstream API the viewer page talks to, plus a live HLS stream made of pre-encoded
segments that "appear" one per second, as a live transcoder would write them, and a scriptable chat
(`fake_chat.FakeChat`).

Front-end tests only: the real API and pipeline are tested elsewhere (and end to end by the lead's suite).
"""

from __future__ import annotations

import asyncio
import re
import subprocess
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import imageio_ffmpeg
from aiohttp import web

from ownstream.web.bundle import DEFAULT_LOGO
from ownstream.web.context import PageContext
from ownstream.web.logo_images import favicon_ico, square_png
from ownstream.web.pages import setup_pages

from .fake_chat import FakeChat

SEGMENT_SECONDS = 1.0
LIVE_WINDOW = 15
"""Segments listed in each live playlist (Ownstream lists 15–25, transcode/latency.py)."""
SEGMENTS_AT_START = 3
"""Segments already written when the server starts calling the stream "online"."""


@dataclass(frozen=True)
class HlsSource:
    """Pre-encoded 1 s MPEG-TS segments (320x180, 10 fps, H.264 + AAC) and a thumbnail."""

    directory: Path
    segments: tuple[str, ...]
    thumbnail: Path


def encode_hls_source(directory: Path, seconds: int = 40) -> HlsSource:
    ffmpeg = imageio_ffmpeg.get_ffmpeg_exe()
    directory.mkdir(parents=True, exist_ok=True)
    # fmt: off
    subprocess.run(
        [
            ffmpeg, "-hide_banner", "-loglevel", "error", "-y",
            "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=10",
            "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
            "-t", str(seconds), "-map", "0:v", "-map", "1:a",
            "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
            "-g", "10", "-keyint_min", "10", "-sc_threshold", "0",
            "-c:a", "aac", "-b:a", "64k", "-ac", "2",
            "-f", "hls", "-hls_time", str(SEGMENT_SECONDS), "-hls_list_size", "0",
            "-hls_segment_filename", str(directory / "seg%03d.ts"),
            str(directory / "index.m3u8"),
        ],
        check=True,
        timeout=120,
    )
    thumbnail = directory / "thumbnail.jpg"
    subprocess.run(
        [
            ffmpeg, "-hide_banner", "-loglevel", "error", "-y",
            "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=1", "-frames:v", "1", str(thumbnail),
        ],
        check=True,
        timeout=60,
    )
    # fmt: on
    playlist = (directory / "index.m3u8").read_text()
    segments = tuple(line for line in playlist.splitlines() if line.endswith(".ts"))
    return HlsSource(directory=directory, segments=segments, thumbnail=thumbnail)


def _now_rfc3339() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


@dataclass
class FakeOwncast:
    """Mutable server state the tests flip: online/offline, the config, and request logs."""

    source: HlsSource
    config: dict[str, Any] = field(default_factory=dict)
    variants: list[dict[str, Any]] = field(
        default_factory=lambda: [{"index": 0, "name": "High"}, {"index": 1, "name": "Low"}]
    )
    stream_title: str = "Testing the pipes"
    online: bool = False
    viewer_count: int = 1
    last_connect: str | None = None
    last_disconnect: str | None = "2022-03-01T20:00:00Z"
    end_after_segments: int | None = None
    """When set, the live playlist gets #EXT-X-ENDLIST once this many segments exist."""
    live_since: float = 0.0
    pings: int = 0
    segment_requests: list[tuple[float, str]] = field(default_factory=list)
    playlist_requests: int = 0
    segments_flowing: asyncio.Event = field(default_factory=asyncio.Event)
    """Cleared: segment requests hang (the player stalls) until it is set again (see `stall`)."""
    fail_playlists: bool = False
    """Playlists answer 500 (the player gives up: its error state) while set."""
    hide_viewer_count: bool = False
    followers: list[dict[str, Any]] = field(default_factory=list)
    session_number: int = 0
    chat: FakeChat = field(default_factory=FakeChat)

    def __post_init__(self) -> None:
        self.segments_flowing.set()

    def stall(self, stalled: bool) -> None:
        if stalled:
            self.segments_flowing.clear()
        else:
            self.segments_flowing.set()

    def go_live(self) -> None:
        self.online = True
        self.session_number += 1
        self.live_since = time.monotonic()
        self.last_connect = _now_rfc3339()

    def go_offline(self) -> None:
        self.online = False
        self.last_disconnect = _now_rfc3339()

    def page_context(self) -> PageContext:
        return PageContext(
            server_name=str(self.config.get("name", "")),
            summary="A test server",
            tags=tuple(self.config.get("tags", ())),
            online=self.online,
        )

    # -- API ---------------------------------------------------------------------------------------------

    async def status(self, request: web.Request) -> web.Response:
        document: dict[str, Any] = {
            "online": self.online,
            "viewerCount": self.viewer_count if self.online else 0,
            "lastConnectTime": self.last_connect,
            "lastDisconnectTime": self.last_disconnect,
            "versionNumber": "0.0.11",
            "streamTitle": self.stream_title,
        }
        if self.hide_viewer_count:
            del document["viewerCount"]
        return web.json_response(document, headers={"Cache-Control": "no-cache, no-store, must-revalidate"})

    async def api_followers(self, request: web.Request) -> web.Response:
        return web.json_response(self.followers)

    async def api_config(self, request: web.Request) -> web.Response:
        return web.json_response(self.config)

    async def ping(self, request: web.Request) -> web.Response:
        self.pings += 1
        return web.Response()

    async def api_variants(self, request: web.Request) -> web.Response:
        return web.json_response(self.variants)

    async def api_replays(self, request: web.Request) -> web.Response:
        """No past streams (the real list is tested in tests/e2e/test_replay_browser.py)."""
        return web.json_response([])

    async def api_dvr(self, request: web.Request) -> web.Response:
        """DVR off (the scrubber is tested against the real server in tests/e2e/test_dvr_browser.py)."""
        off = {"window": 0, "recording": False, "playlist": None, "start": None, "now": None}
        return web.json_response(off)

    async def logo(self, request: web.Request) -> web.FileResponse:
        return web.FileResponse(DEFAULT_LOGO, headers={"Content-Type": "image/svg+xml"})

    async def external_logo(self, request: web.Request) -> web.Response:
        return web.Response(
            body=square_png(DEFAULT_LOGO.read_bytes(), is_svg=True, size=64), content_type="image/png"
        )

    async def favicon(self, request: web.Request) -> web.Response:
        png = square_png(DEFAULT_LOGO.read_bytes(), is_svg=True, size=64)
        return web.Response(body=favicon_ico(png), content_type="image/x-icon")

    async def thumbnail(self, request: web.Request) -> web.StreamResponse:
        if not self.online:
            raise web.HTTPNotFound()
        return web.FileResponse(self.source.thumbnail)

    # -- HLS ---------------------------------------------------------------------------------------------

    def live_edge_seconds(self) -> float:
        """The end of the newest segment written, on the media timeline (segment n covers n…n+1 s)."""
        return self._available() * SEGMENT_SECONDS

    def _available(self) -> int:
        elapsed = time.monotonic() - self.live_since
        count = SEGMENTS_AT_START + int(elapsed / SEGMENT_SECONDS)
        if self.end_after_segments is not None:
            count = min(count, self.end_after_segments)
        return min(count, len(self.source.segments))

    async def master_playlist(self, request: web.Request) -> web.Response:
        if not self.online:
            raise web.HTTPNotFound()
        if self.fail_playlists:
            raise web.HTTPInternalServerError()
        # Config order (folder 0 = the higher bitrate); hls.js re-sorts levels by bitrate, so a client
        # that maps the variant menu by position instead of by URL picks the wrong level.
        text = (
            "#EXTM3U\n#EXT-X-VERSION:3\n"
            "#EXT-X-STREAM-INF:BANDWIDTH=1200000,RESOLUTION=320x180\n0/stream.m3u8\n"
            "#EXT-X-STREAM-INF:BANDWIDTH=400000,RESOLUTION=320x180\n1/stream.m3u8\n"
        )
        return web.Response(
            text=text, content_type="application/x-mpegURL", headers={"Cache-Control": "no-cache"}
        )

    async def media_playlist(self, request: web.Request) -> web.Response:
        if not self.online or request.match_info["variant"] not in ("0", "1"):
            raise web.HTTPNotFound()
        if self.fail_playlists:
            raise web.HTTPInternalServerError()
        available = self._available()
        self.playlist_requests += 1
        first = max(0, available - LIVE_WINDOW)
        lines = [
            "#EXTM3U",
            "#EXT-X-VERSION:3",
            f"#EXT-X-TARGETDURATION:{int(SEGMENT_SECONDS)}",
            f"#EXT-X-MEDIA-SEQUENCE:{first}",
        ]
        for name in self.source.segments[first:available]:
            lines += [f"#EXTINF:{SEGMENT_SECONDS:.6f},", f"s{self.session_number}-{name}"]
        if self.end_after_segments is not None and available >= self.end_after_segments:
            lines.append("#EXT-X-ENDLIST")
        return web.Response(
            text="\n".join(lines) + "\n",
            content_type="application/x-mpegURL",
            headers={"Cache-Control": "no-cache"},
        )

    async def segment(self, request: web.Request) -> web.StreamResponse:
        variant = request.match_info["variant"]
        match = re.fullmatch(r"s\d+-(seg\d+\.ts)", request.match_info["name"])
        if variant not in ("0", "1") or match is None or match.group(1) not in self.source.segments:
            raise web.HTTPNotFound()
        self.segment_requests.append((time.monotonic(), variant))
        await self.segments_flowing.wait()
        # Read whole (segments are a few KB): a FileResponse cut off by a page that navigates away
        # mid-send leaves its file open, which pytest reports as an unraisable ResourceWarning.
        body = await asyncio.to_thread((self.source.directory / match.group(1)).read_bytes)
        return web.Response(body=body, headers={"Content-Type": "video/mp2t"})

    def build_app(self) -> web.Application:
        app = web.Application()

        async def context() -> PageContext:
            return self.page_context()

        setup_pages(app, context)
        app.router.add_get("/api/status", self.status)
        app.router.add_get("/api/config", self.api_config)
        app.router.add_get("/api/ping", self.ping)
        app.router.add_get("/api/video/variants", self.api_variants)
        app.router.add_get("/api/followers", self.api_followers)
        app.router.add_get("/api/replays", self.api_replays)
        app.router.add_get("/api/dvr", self.api_dvr)
        app.router.add_get("/logo", self.logo)
        app.router.add_get("/logo/external", self.external_logo)
        app.router.add_get("/favicon.ico", self.favicon)
        app.router.add_get("/thumbnail.jpg", self.thumbnail)
        app.router.add_get("/hls/stream.m3u8", self.master_playlist)
        app.router.add_get("/hls/{variant}/stream.m3u8", self.media_playlist)
        app.router.add_get("/hls/{variant}/{name}", self.segment)
        self.chat.add_routes(app)
        return app
