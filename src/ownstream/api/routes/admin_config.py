"""Admin config setters, `POST /api/admin/config/<x>` with body `{"value": V}` (reference §2.3).

Each setter is a row of `SETTERS`: the path, Owncast's success message, and how the value is checked and
stored. Every wrong type or value is a 400 simple response and stores nothing; the config service
publishes `ConfigChanged` for what was stored, which is how the rest of the server hears about it.
The chat setters and `streamtitle` live with the chat and integration routes.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from ownstream.api.errors import error_shape, read_json
from ownstream.api.responses import simple_response
from ownstream.api.state import Services, services
from ownstream.auth.admin_password import store_admin_password, store_stream_keys
from ownstream.auth.requirements import Admin, requires
from ownstream.config import validation as v
from ownstream.config import video_validation as video
from ownstream.config.logo_upload import decode_logo, install_logo
from ownstream.config.stream_keys import parse_stream_keys, single_key_changes
from ownstream.errors import Invalid

log = logging.getLogger(__name__)

UNPARSEABLE = "unable to parse new value"
PREFIX = "/api/admin/config/"

Apply = Callable[[Services, Any], Awaitable[None]]


@dataclass(frozen=True)
class Setter:
    path: str
    """After `/api/admin/config/`."""
    message: str
    """Owncast's success message."""
    apply: Apply
    any_method: bool = False
    """Owncast did not check the method on a few setters; clients may rely on that."""


def stores(field: str, parse: Callable[[Any], Any]) -> Apply:
    """Check the value with `parse` and store the result as one config field."""

    async def apply(svc: Services, value: Any) -> None:
        await svc.config.update(**{field: parse(value)})

    return apply


async def read_config_value(request: web.Request) -> Any:
    """The `value` of a `{"value": …}` body. NaN and Infinity are not JSON and are refused too."""
    body = await read_json(request, UNPARSEABLE)
    if not isinstance(body, dict):
        raise Invalid(UNPARSEABLE)
    if "value" not in body:
        raise Invalid("the body must be a JSON object with a value field")
    return body["value"]


# Setters that need more than a pure check


async def set_logo(svc: Services, value: Any) -> None:
    image = decode_logo(value)
    file_name = await asyncio.to_thread(install_logo, svc.settings.data_dir, image)
    await svc.config.update(logo_path=file_name)


async def set_stream_key(svc: Services, value: Any) -> None:
    await svc.config.update(**single_key_changes(svc.config.current, v.parse_stream_key(value)))


async def set_stream_keys(svc: Services, value: Any) -> None:
    await store_stream_keys(svc.config, {"stream_keys": parse_stream_keys(value)})


async def set_admin_password(svc: Services, value: Any) -> None:
    await store_admin_password(svc.config, v.parse_admin_password(value))


async def set_ffmpeg_path(svc: Services, value: Any) -> None:
    await svc.ffmpeg.set_path(value)


async def set_video_codec(svc: Services, value: Any) -> None:
    await svc.ffmpeg.set_video_codec(value)


async def set_federation_enabled(svc: Services, value: Any) -> None:
    """Refused without a server URL (every IRI is built from it); an http:// or odd-port URL is
    accepted with a warning in the log."""
    enabled = v.bool_setting("federation enabled")(value)
    if enabled:
        warning = v.federation_url_warning(svc.config.current.server_url)
        if warning is not None:
            log.warning("%s", warning)
    await svc.config.update(federation_enabled=enabled)


async def set_replay_retention(svc: Services, value: Any) -> None:
    days, size = v.parse_replay_retention(value)
    await svc.config.update(replays_retention_days=days, replays_retention_bytes=size)


SETTERS: tuple[Setter, ...] = (
    # Server and page
    Setter("key", "changed", set_stream_key),
    # Newer Owncast's several keys and separate admin password (reference newer §3)
    Setter("streamkeys", "changed", set_stream_keys),
    Setter("adminpass", "changed", set_admin_password),
    Setter("pagecontent", "changed", stores("extra_page_content", v.parse_page_content)),
    Setter("name", "changed", stores("server_name", v.parse_server_name)),
    Setter("serversummary", "changed", stores("server_summary", v.parse_server_summary)),
    Setter("logo", "changed", set_logo),
    Setter("tags", "changed", stores("tags", v.parse_tags)),
    Setter("nsfw", "changed", stores("nsfw", v.bool_setting("nsfw"))),
    Setter(
        "directoryenabled",
        "directory state changed",
        stores("directory_enabled", v.bool_setting("directory enabled")),
    ),
    Setter("serverurl", "server url set", stores("server_url", v.parse_server_url)),
    Setter("socialhandles", "social handles updated", stores("social_handles", v.parse_social_handles)),
    Setter(
        "externalactions",
        "external actions update",
        stores("external_actions", v.parse_external_actions),
        any_method=True,
    ),
    Setter(
        "customstyles",
        "custom styles updated",
        stores("custom_styles", v.parse_custom_styles),
        any_method=True,
    ),
    # Newer Owncast's page settings (reference newer §4.1)
    Setter("offlinemessage", "changed", stores("offline_message", v.parse_offline_message)),
    Setter(
        "customjavascript",
        # Owncast's own message for this setter (sic).
        "custom styles updated",
        stores("custom_javascript", v.parse_custom_javascript),
        any_method=True,
    ),
    Setter(
        "hideviewercount",
        "hide viewer count setting updated",
        stores("hide_viewer_count", v.bool_setting("hide viewer count")),
    ),
    # Newer Owncast's chat settings (reference newer §4.1, §9)
    Setter(
        "chat/joinmessagesenabled",
        "chat join message status updated",
        stores("chat_join_messages_enabled", v.bool_setting("chat join messages enabled")),
    ),
    Setter(
        "chat/establishedusermode",
        "chat established users only mode updated",
        stores("chat_established_user_mode", v.bool_setting("chat established user mode")),
    ),
    Setter(
        "chat/spamprotectionenabled",
        "chat spam protection changed",
        stores("chat_spam_protection_enabled", v.bool_setting("chat spam protection enabled")),
    ),
    Setter(
        "chat/slurfilterenabled",
        "chat message slur filter changed",
        stores("chat_slur_filter_enabled", v.bool_setting("chat slur filter enabled")),
    ),
    Setter(
        "chat/requireauthentication",
        "chat authentication requirement changed",
        stores("chat_require_authentication", v.bool_setting("chat require authentication")),
    ),
    Setter(
        "disablesearchindexing",
        "search indexing support updated",
        stores("disable_search_indexing", v.bool_setting("disable search indexing")),
    ),
    Setter(
        "sockethostoverride",
        "websocket host override set",
        stores("socket_host_override", v.parse_socket_host_override),
    ),
    Setter(
        "videoservingendpoint",
        "custom video serving endpoint updated",
        stores("video_serving_endpoint", v.parse_video_serving_endpoint),
        any_method=True,
    ),
    Setter(
        "appearance",
        "custom appearance variables updated",
        stores("appearance_variables", v.parse_appearance_variables),
    ),
    # Network (used at the next start)
    Setter("webserverport", "HTTP port set", stores("web_server_port", v.parse_port)),
    Setter("webserverip", "HTTP listen address set", stores("web_server_ip", v.parse_listen_ip)),
    Setter("rtmpserverport", "rtmp port set", stores("rtmp_server_port", v.parse_port)),
    Setter("adminorigins", "admin origins saved", stores("admin_origins", v.parse_admin_origins)),
    # Video and storage (used from the next stream)
    Setter("ffmpegpath", "changed", set_ffmpeg_path),
    Setter(
        "video/streamlatencylevel",
        "set stream latency",
        stores("video_latency_level", video.parse_latency_level),
    ),
    Setter(
        "video/streamoutputvariants",
        "stream output variants updated",
        stores("video_variants", video.parse_variants),
    ),
    Setter("video/codec", "video codec updated", set_video_codec),
    Setter("s3", "storage configuration changed", stores("s3", video.parse_s3)),
    # Federation
    Setter("federation/enable", "federation features saved", set_federation_enabled),
    Setter(
        "federation/private",
        "federation private saved",
        stores("federation_private", v.bool_setting("federation private")),
    ),
    Setter(
        "federation/showengagement",
        "federation show engagement saved",
        stores("federation_show_engagement", v.bool_setting("federation show engagement")),
    ),
    Setter(
        "federation/username", "username saved", stores("federation_username", v.parse_federation_username)
    ),
    Setter(
        "federation/livemessage",
        "message saved",
        stores("federation_go_live_message", v.text_setting("go live message")),
    ),
    Setter("federation/blockdomains", "saved", stores("federation_blocked_domains", v.parse_blocked_domains)),
    # Go-live notifications (newer Owncast §8)
    Setter(
        "notifications/browser",
        "updated browser push config with provided values",
        stores("browser_push", v.parse_browser_push),
    ),
    Setter(
        "notifications/discord",
        "updated discord config with provided values",
        stores("discord", v.parse_discord),
    ),
    # Replays (issue 13; ours: Owncast 0.0.11 has none)
    Setter(
        "replays/enabled",
        "replays setting saved",
        stores("replays_enabled", v.bool_setting("replays enabled")),
    ),
    Setter(
        "replays/reconnectwindow",
        "replay reconnect window saved",
        stores("replays_reconnect_window", v.parse_reconnect_window),
    ),
    Setter("replays/retention", "replay retention saved", set_replay_retention),
    # Clips (issue 13; ours)
    Setter("clips/enabled", "clips setting saved", stores("clips_enabled", v.bool_setting("clips enabled"))),
    Setter(
        "clips/maxduration", "longest clip saved", stores("clips_max_duration", v.parse_clip_max_duration)
    ),
    Setter("clips/permission", "clip permission saved", stores("clips_permission", v.parse_clip_permission)),
    Setter("replays/dvrwindow", "DVR window saved", stores("replays_dvr_window", v.parse_dvr_window)),
)


def setter_handler(setter: Setter) -> Callable[[web.Request], Awaitable[web.Response]]:
    @requires(Admin())
    @error_shape("simple")
    async def handle(request: web.Request) -> web.Response:
        if not setter.any_method and request.method != "POST":
            return simple_response(False, f"{request.method} not supported")
        value = await read_config_value(request)
        await setter.apply(services(request), value)
        return simple_response(True, setter.message)

    handle.__name__ = f"set_{setter.path.replace('/', '_')}"
    return handle


routes: list[web.RouteDef] = [
    web.route("*", PREFIX + setter.path, setter_handler(setter)) for setter in SETTERS
]
