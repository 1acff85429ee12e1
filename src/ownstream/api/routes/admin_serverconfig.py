"""`/api/admin/serverconfig`: every stored setting, raw (not rendered), in Owncast's shape (reference §2.3).

Any method, no-cache headers. `ffmpegPath` is the binary actually used (the configured one when usable,
else the bundled one), and `supportedCodecs` is what that binary offers from our codec table, both from
config/ffmpeg_settings.py.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from ownstream.api.responses import json_response
from ownstream.api.state import services
from ownstream.auth.requirements import Admin, requires
from ownstream.config.model import RuntimeConfig
from ownstream.config.stream_keys import listed_keys

routes = web.RouteTableDef()


@routes.route("*", "/api/admin/serverconfig")
@requires(Admin())
async def get_server_config(request: web.Request) -> web.Response:
    svc = services(request)
    ffmpeg = await svc.ffmpeg.in_use()
    key_overridden = svc.settings.overrides.stream_key is not None
    document = server_config_document(
        svc.config.current, ffmpeg.path, ffmpeg.supported_codecs, key_overridden=key_overridden
    )
    return json_response(document, no_cache=True)


def notifications_document(config: RuntimeConfig) -> dict[str, Any]:
    """Newer Owncast's go-live notification settings (empty strings left out, as Owncast does)."""
    browser: dict[str, Any] = {"enabled": config.browser_push.enabled}
    if config.browser_push.go_live_message:
        browser["goLiveMessage"] = config.browser_push.go_live_message
    discord: dict[str, Any] = {"enabled": config.discord.enabled}
    if config.discord.webhook:
        discord["webhook"] = config.discord.webhook
    if config.discord.go_live_message:
        discord["goLiveMessage"] = config.discord.go_live_message
    return {"browser": browser, "discord": discord}


def server_config_document(
    config: RuntimeConfig, ffmpeg_path: str, codecs: list[str], *, key_overridden: bool = False
) -> dict[str, Any]:
    return {
        "instanceDetails": {
            "name": config.server_name,
            "summary": config.server_summary,
            "welcomeMessage": config.welcome_message,
            "logo": config.logo_path,
            "tags": list(config.tags),
            "version": "",
            "nsfw": config.nsfw,
            "extraPageContent": config.extra_page_content,
            "streamTitle": config.stream_title,
            "socialHandles": [handle.model_dump() for handle in config.social_handles],
            "customStyles": config.custom_styles,
            "offlineMessage": config.offline_message,
            "customJavascript": config.custom_javascript,
            "appearanceVariables": config.appearance_variables,
        },
        "ffmpegPath": ffmpeg_path,
        "streamKey": config.stream_key,
        # Newer Owncast (reference newer §3): the stored bcrypt hash, "" while the stream key is the password.
        "adminPassword": config.admin_password_hash,
        "streamKeys": listed_keys(config),
        "streamKeyOverridden": key_overridden,
        "webServerPort": config.web_server_port,
        "webServerIP": config.web_server_ip,
        "rtmpServerPort": config.rtmp_server_port,
        "adminOrigins": list(config.admin_origins),
        "s3": config.s3.to_json(),
        "videoSettings": {
            "videoQualityVariants": [variant.to_owncast() for variant in config.video_variants],
            "latencyLevel": config.video_latency_level,
        },
        "yp": {"enabled": config.directory_enabled, "instanceUrl": config.server_url},
        "chatDisabled": config.chat_disabled,
        "hideViewerCount": config.hide_viewer_count,
        "disableSearchIndexing": config.disable_search_indexing,
        "videoServingEndpoint": config.video_serving_endpoint,
        "chatJoinMessagesEnabled": config.chat_join_messages_enabled,
        "chatEstablishedUserMode": config.chat_established_user_mode,
        "chatSpamProtectionEnabled": config.chat_spam_protection_enabled,
        "chatSlurFilterEnabled": config.chat_slur_filter_enabled,
        "chatRequireAuthentication": config.chat_require_authentication,
        "externalActions": [action.to_json() for action in config.external_actions],
        "supportedCodecs": codecs,
        "videoCodec": config.video_codec,
        "forbiddenUsernames": list(config.forbidden_usernames),
        "suggestedUsernames": list(config.suggested_usernames),
        "federation": {
            "enabled": config.federation_enabled,
            "isPrivate": config.federation_private,
            "username": config.federation_username,
            "goLiveMessage": config.federation_go_live_message,
            "showEngagement": config.federation_show_engagement,
            "blockedDomains": list(config.federation_blocked_domains),
        },
        "notifications": notifications_document(config),
        "replays": {
            "enabled": config.replays_enabled,
            "reconnectWindow": config.replays_reconnect_window,
            "retention": {"days": config.replays_retention_days, "bytes": config.replays_retention_bytes},
            "dvrWindow": config.replays_dvr_window,
        },
        "clips": {
            "enabled": config.clips_enabled,
            "maxDuration": config.clips_max_duration,
            "permission": config.clips_permission,
        },
        "schedule": {
            "enabled": config.schedule_enabled,
            "showCountdown": config.schedule_show_countdown,
            "chatOpenMinutesBefore": config.schedule_chat_open_minutes,
            "reminderMessage": config.schedule_reminder_message,
            "firstReminderMinutes": config.schedule_first_reminder_minutes,
            "secondReminderMinutes": config.schedule_second_reminder_minutes,
        },
    } | ({"socketHostOverride": config.socket_host_override} if config.socket_host_override else {})
