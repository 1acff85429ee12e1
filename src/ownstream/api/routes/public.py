"""Public read endpoints: status, config, ping, variants, logo (reference §2.1), and newer Owncast's
`/customjavascript`. The brand icons at `/img/platformlogos/` come with the front end (web/pages.py)."""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web

from ownstream import OWNCAST_API_VERSION, __version__
from ownstream.api.responses import json_response
from ownstream.api.routes.notifications import browser_notifications_document
from ownstream.api.state import services
from ownstream.auth.requirements import public
from ownstream.clock import rfc3339, rfc3339_seconds
from ownstream.config.favicon import read_favicon
from ownstream.config.model import SocialHandle
from ownstream.net.client_address import client_address
from ownstream.social import platform_icon, social_platforms
from ownstream.stream.logo import logo_content_type
from ownstream.transcode.variants import variants_for_menu

MAX_SOCKET_PAYLOAD_SIZE = 2048
CORS_ANY = {"Access-Control-Allow-Origin": "*"}
VERSION_STRING = f"Ownstream {__version__} (Owncast API {OWNCAST_API_VERSION})"

routes = web.RouteTableDef()


def status_document(request: web.Request) -> dict[str, Any]:
    """0.0.11's document with newer Owncast's `serverTime`; `viewerCount` left out while the admin hides it
    (newer Owncast's setting)."""
    svc = services(request)
    stats = svc.stats
    document: dict[str, Any] = {
        "serverTime": rfc3339(svc.clock.now()),  # newer Owncast's (0.0.12): the server's clock
        "online": svc.lifecycle.online,
        "viewerCount": stats.viewer_count,
        "lastConnectTime": rfc3339_seconds(stats.last_connect_time),
        "lastDisconnectTime": rfc3339_seconds(stats.last_disconnect_time),
        "versionNumber": OWNCAST_API_VERSION,
        "streamTitle": svc.config.current.stream_title,
    }
    if svc.config.current.hide_viewer_count:
        del document["viewerCount"]
    scheduled = svc.schedule.status_document()
    if scheduled is not None:
        document["scheduledEvent"] = scheduled  # newer Owncast's development branch (§14.1)
    return document


@routes.get("/api/status")
@public
async def get_status(request: web.Request) -> web.Response:
    await services(request).schedule.refresh_if_stale()
    return json_response(status_document(request), headers=CORS_ANY, no_cache=True)


async def federation_document(request: web.Request) -> dict[str, Any]:
    """`{"enabled": false}` while off; else the account and, when non-zero, the follower count."""
    svc = services(request)
    config = svc.config.current
    if not config.federation_enabled:
        return {"enabled": False}
    host = urlsplit(config.server_url).netloc
    document: dict[str, Any] = {"enabled": True, "account": f"{config.federation_username}@{host}"}
    followers = await svc.federation.followers.approved_count()
    if followers:
        document["followerCount"] = followers
    return document


def social_handle_json(handle: SocialHandle) -> dict[str, str]:
    """`{platform, url, icon}`; `icon` only for a known platform (Owncast's Go `omitempty`)."""
    document = {"platform": handle.platform, "url": handle.url}
    icon = platform_icon(handle.platform)
    if icon:
        document["icon"] = icon
    return document


@routes.get("/api/config")
@public
async def get_config(request: web.Request) -> web.Response:
    svc = services(request)
    html = await svc.page_texts.current()
    config = svc.config.current
    document: dict[str, Any] = {
        "name": config.server_name,
        "summary": html.summary,
        "logo": "/logo",
        "tags": list(config.tags),
        "version": VERSION_STRING,
        "nsfw": config.nsfw,
        "extraPageContent": html.extra_page_content,
        "socialHandles": [social_handle_json(handle) for handle in config.social_handles],
        "chatDisabled": config.chat_disabled,
        "externalActions": [action.to_json() for action in config.external_actions],
        "customStyles": config.custom_styles,
        "maxSocketPayloadSize": MAX_SOCKET_PAYLOAD_SIZE,
        "federation": await federation_document(request),
        # Newer Owncast's (reference newer §4.2): the offline message rendered, and the viewer count switch.
        "offlineMessage": html.offline_message,
        "hideViewerCount": config.hide_viewer_count,
        "notifications": browser_notifications_document(request),
        # Newer Owncast's (§4.2): IndieAuth sign-in needs the server URL (the redirect back).
        "authentication": {"indieAuthEnabled": bool(config.server_url.strip())},
        "chatRequireAuthentication": config.chat_require_authentication,
        # Holds spam protection *enabled*, under Owncast 0.2's (mis)name for it (reference newer §4.2).
        "chatSpamProtectionDisabled": config.chat_spam_protection_enabled,
        "appearanceVariables": config.appearance_variables,
        # Owncast's development branch (reference newer §14.1): always present.
        "schedule": {
            "enabled": config.schedule_enabled,
            "showCountdown": config.schedule_show_countdown,
            "chatOpenMinutesBefore": config.schedule_chat_open_minutes,
        },
    }
    if config.socket_host_override:
        document["socketHostOverride"] = config.socket_host_override
    if config.stream_title:
        document["streamTitle"] = config.stream_title
    return json_response(document, headers=CORS_ANY, no_cache=True)


@routes.get("/api/ping")
@public
async def ping(request: web.Request) -> web.Response:
    services(request).stats.viewer_seen(client_address(request), request.headers.get("User-Agent", ""))
    return web.Response(status=200)


@routes.get("/api/socialplatforms")
@public
async def get_social_platforms(request: web.Request) -> web.Response:
    return json_response(social_platforms(), headers=CORS_ANY)


@routes.get("/api/video/variants")
@public
async def get_variants(request: web.Request) -> web.Response:
    svc = services(request)
    broadcast = svc.lifecycle.current_broadcast
    variants = broadcast.variants if broadcast is not None else svc.config.current.video_variants
    return json_response(variants_for_menu(variants))


@routes.get("/logo")
@public
async def get_logo(request: web.Request) -> web.StreamResponse:
    path = services(request).logo.logo_path()
    max_age = 7200 if path.suffix.lower() == ".jpeg" else 604800
    headers = {"Content-Type": logo_content_type(path), "Cache-Control": f"public, max-age={max_age}"}
    # An uploaded SVG opened directly must not run anything on our origin.
    headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    return web.FileResponse(path, headers=headers)


@routes.get("/logo/external")
@public
async def get_external_logo(request: web.Request) -> web.Response:
    """The logo as a square PNG (web/logo_images.py): what link previews and fediverse servers show."""
    renditions = await services(request).logo_images.current()
    return web.Response(
        body=renditions.png,
        content_type="image/png",
        headers={"Cache-Control": "public, max-age=3600", **CORS_ANY},
    )


@routes.get("/favicon.ico")
@public
async def get_favicon(request: web.Request) -> web.Response:
    """The admin's favicon when one was uploaded (newer Owncast 0.2.5), else the logo as the site's icon
    (16 to 64 pixels in one ICO)."""
    svc = services(request)
    if name := svc.config.current.favicon_path:
        custom = await asyncio.to_thread(read_favicon, svc.settings.data_dir, name)
        if custom is not None:
            return web.Response(
                body=custom.data,
                content_type=custom.content_type,
                headers={"Cache-Control": "public, max-age=3600", "X-Content-Type-Options": "nosniff"},
            )
    renditions = await svc.logo_images.current()
    return web.Response(
        body=renditions.ico, content_type="image/x-icon", headers={"Cache-Control": "public, max-age=3600"}
    )


async def _image_or_logo(request: web.Request, path_name: str, content_type: str) -> web.StreamResponse:
    svc = services(request)
    path = svc.logo.thumbnail_path if path_name == "thumbnail" else svc.logo.preview_path
    headers = {"Cache-Control": "public, max-age=20", **CORS_ANY}
    if path.is_file():
        return web.FileResponse(path, headers={"Content-Type": content_type, **headers})
    if path_name == "preview":
        raise web.HTTPNotFound()
    logo = svc.logo.logo_path()
    return web.FileResponse(logo, headers={"Content-Type": logo_content_type(logo), **headers})


@routes.get("/thumbnail.jpg")
@public
async def get_thumbnail(request: web.Request) -> web.StreamResponse:
    return await _image_or_logo(request, "thumbnail", "image/jpeg")


@routes.get("/preview.gif")
@public
async def get_preview(request: web.Request) -> web.StreamResponse:
    return await _image_or_logo(request, "preview", "image/gif")


ROBOTS_ALWAYS = ("User-agent: *", "Disallow: /admin", "Disallow: /api")


@routes.get("/robots.txt")
@public
async def robots(request: web.Request) -> web.Response:
    """Newer Owncast's text exactly (0.1.1): no trailing newline; `Disallow: /` while the admin turned
    search indexing off."""
    lines = list(ROBOTS_ALWAYS)
    if services(request).config.current.disable_search_indexing:
        lines.append("Disallow: /")
    return web.Response(text="\n".join(lines), content_type="text/plain", charset="utf-8")


@routes.get("/customjavascript")
@public
async def get_custom_javascript(request: web.Request) -> web.Response:
    """The admin's script, as stored (newer Owncast, reference newer §4.2); empty when unset. Only the
    viewer page loads it (web/pages.py), never the embeds or the dashboard."""
    return web.Response(
        text=services(request).config.current.custom_javascript,
        content_type="text/javascript",
        charset="utf-8",
        headers={"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"},
    )
