"""Routes for the browser-facing pages: the viewer page, the video and chat embeds, and the bundle's assets.

The API routes these pages call (`/api/status`, `/logo`, `/hls/…`, …) live elsewhere; this module only
serves HTML and static files, and decides what bots and media players get instead of the app.
"""

from __future__ import annotations

import logging
from html import escape
from pathlib import Path
from typing import Final

from aiohttp import web

from ownstream.auth.requirements import public

from .bundle import STATIC_DIR, Bundle, FrontEndNotBuilt, static_dir
from .context import PageContext, PageContextProvider
from .social_preview import preview_meta, render_social_preview
from .user_agents import is_bot, is_media_player

__all__ = [
    "CHAT_EMBED_PATHS",
    "CONTENT_SECURITY_POLICY",
    "STATIC_DIR",
    "STATIC_PREFIX",
    "FrontEndNotBuilt",
    "PageContext",
    "PageContextProvider",
    "setup_pages",
    "static_dir",
]

log = logging.getLogger(__name__)

STATIC_PREFIX: Final = "/static"
PLATFORM_LOGO_PREFIX: Final = "/img/platformlogos"
STREAM_PLAYLIST: Final = "/hls/stream.m3u8"
INDEX_PATHS: Final = ("/", "/recordings", "/schedule")
CHAT_EMBED_PATHS: Final = ("/embed/chat", "/embed/chat/readonly", "/embed/chat/readwrite")
"""One page for all three; the script picks read-only or read-write from the path."""

CONTENT_SECURITY_POLICY: Final = "; ".join(
    (
        "default-src 'self'",
        # Module scripts from /static only; no inline script anywhere.
        "script-src 'self'",
        # hls.js transmuxes in a worker loaded from /static (blob: kept for browsers' MSE helpers).
        "worker-src 'self' blob:",
        # The admin's custom CSS is injected in a <style> element.
        "style-src 'self' 'unsafe-inline'",
        # Logos, social and action icons, and images in the summary may live anywhere.
        "img-src 'self' data: blob: https: http:",
        # hls.js plays from MediaSource blobs; segments may later come from S3 or a CDN.
        "media-src 'self' blob: https: http:",
        # The chat WebSocket is same-origin, but `'self'` does not cover ws: in every browser.
        "connect-src 'self' https: http: ws: wss:",
        # External actions open in a sandboxed frame.
        "frame-src https: http:",
        "font-src 'self' data: https:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self' https: http:",
    )
)

_PAGE_HEADERS: Final = {
    "Cache-Control": "no-cache",
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "Permissions-Policy": "interest-cohort=()",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}

_CONTENT_TYPES: Final = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".map": "application/json",
    ".txt": "text/plain; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".woff2": "font/woff2",
}
_IMAGE_SUFFIXES: Final = frozenset({".svg", ".png", ".jpg", ".gif", ".webp", ".ico"})
_HTML_TITLE: Final = "<title>Ownstream</title>"
_META_MARKER: Final = "<!-- meta -->"
"""Where the viewer page's template takes the link-preview metadata (web/index.html)."""
_CUSTOM_SCRIPT_MARKER: Final = "<!-- custom-javascript -->"
"""Where the viewer page's template takes the admin's custom script (web/index.html only: the embeds
never run it)."""


def _asset_cache_control(path: Path) -> str:
    if path.suffix in (".js", ".css"):
        # build.mjs puts a content hash in every script and stylesheet name.
        return "public, max-age=31536000, immutable"
    if path.suffix in _IMAGE_SUFFIXES:
        return "public, max-age=604800"
    return "public, max-age=10800"


def _public_base(context: PageContext, request: web.Request) -> str:
    if context.base_url:
        return context.base_url.rstrip("/")
    return f"{request.scheme}://{request.host}"


class _Pages:
    def __init__(self, bundle: Bundle, context: PageContextProvider) -> None:
        self._bundle = bundle
        self._context = context

    def _page(self, name: str, server_name: str) -> web.Response:
        return self._html(self._titled(name, server_name))

    def _titled(self, name: str, server_name: str) -> str:
        html = self._bundle.pages[name]
        if server_name:
            html = html.replace(_HTML_TITLE, f"<title>{escape(server_name)}</title>", 1)
        return html

    @staticmethod
    def _html(html: str) -> web.Response:
        return web.Response(text=html, content_type="text/html", charset="utf-8", headers=_PAGE_HEADERS)

    @public
    async def index(self, request: web.Request) -> web.StreamResponse:
        user_agent = request.headers.get("User-Agent", "")
        if is_bot(user_agent):
            context = await self._context()
            html = render_social_preview(context, _public_base(context, request))
            return web.Response(text=html, content_type="text/html", charset="utf-8", headers=_PAGE_HEADERS)
        if is_media_player(user_agent):
            raise web.HTTPTemporaryRedirect(STREAM_PLAYLIST)
        context = await self._context()
        html = self._titled("index.html", context.server_name)
        meta = "\n    ".join(preview_meta(context, _public_base(context, request)))
        html = html.replace(_META_MARKER, meta, 1)
        if context.custom_javascript_url:
            script = f'<script src="{escape(context.custom_javascript_url)}" defer></script>'
            html = html.replace(_CUSTOM_SCRIPT_MARKER, script, 1)
        return self._html(html)

    @public
    async def embed_video(self, request: web.Request) -> web.StreamResponse:
        context = await self._context()
        return self._page("embed-video.html", context.server_name)

    @public
    async def embed_chat(self, request: web.Request) -> web.StreamResponse:
        context = await self._context()
        return self._page("embed-chat.html", context.server_name)

    @public
    async def replay(self, request: web.Request) -> web.StreamResponse:
        """A replay's page; the replay itself (and a 404 for an unknown one) comes from the API."""
        context = await self._context()
        return self._page("replay.html", context.server_name)

    @public
    async def clip(self, request: web.Request) -> web.StreamResponse:
        """A clip's page; the clip itself (and a 404 for an unknown one) comes from the API."""
        context = await self._context()
        return self._page("clip.html", context.server_name)

    @public
    async def asset(self, request: web.Request) -> web.StreamResponse:
        path = self._bundle.assets.get(request.match_info["name"])
        if path is None:
            raise web.HTTPNotFound()
        headers = {
            "Cache-Control": _asset_cache_control(path),
            "Access-Control-Allow-Origin": "*",
            "X-Content-Type-Options": "nosniff",
        }
        content_type = _CONTENT_TYPES.get(path.suffix)
        if content_type:
            headers["Content-Type"] = content_type
        return web.FileResponse(path, headers=headers)

    @public
    async def platform_logo(self, request: web.Request) -> web.StreamResponse:
        """`/img/platformlogos/<id>.svg`: the brand icons build.mjs takes from the icon sets on npm."""
        path = self._bundle.platform_logos.get(request.match_info["name"] + ".svg")
        if path is None:
            raise web.HTTPNotFound()
        headers = {
            "Content-Type": "image/svg+xml",
            "Cache-Control": "public, max-age=604800",
            "Access-Control-Allow-Origin": "*",
            "X-Content-Type-Options": "nosniff",
        }
        return web.FileResponse(path, headers=headers)


def setup_pages(
    app: web.Application,
    context: PageContextProvider,
    *,
    static_root: Path | None = None,
) -> None:
    """Registers `/`, `/recordings`, `/schedule`, `/embed/video`, `/embed/chat` (also `/readonly` and
    `/readwrite`), `/replay/{id}`, `/clip/{id}`, `/static/{name}` and `/img/platformlogos/{name}.svg`
    on `app`.

    `context` is awaited per page request for the server name and the bot preview's metadata.
    Raises `FrontEndNotBuilt` (with build instructions) when the bundle is missing.
    """
    bundle = Bundle.load(static_root if static_root is not None else STATIC_DIR)
    log.debug("serving the web front end from %s (%d assets)", bundle.root, len(bundle.assets))
    pages = _Pages(bundle, context)
    for path in INDEX_PATHS:
        app.router.add_get(path, pages.index)
    app.router.add_get("/embed/video", pages.embed_video)
    for path in CHAT_EMBED_PATHS:
        app.router.add_get(path, pages.embed_chat)
    app.router.add_get("/replay/{id}", pages.replay)
    app.router.add_get("/clip/{id}", pages.clip)
    app.router.add_get(STATIC_PREFIX + "/{name}", pages.asset)
    app.router.add_get(PLATFORM_LOGO_PREFIX + "/{name}.svg", pages.platform_logo)
