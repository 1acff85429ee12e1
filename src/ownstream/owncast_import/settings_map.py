"""Owncast's datastore settings (decoded gob values, reference §4 and newer-api §15) as Ownstream's
runtime configuration. Pure: values in, config values and notes out.

Each setting is checked on its own against `RuntimeConfig`, so one value Ownstream cannot take (a port
out of range, say) is reported and left at its default instead of spoiling the rest.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from pydantic import ValidationError

from ownstream.auth.admin_password import hash_password
from ownstream.config.model import RuntimeConfig
from ownstream.config.validation import parse_appearance_variables
from ownstream.errors import Invalid
from ownstream.owncast_import.gob import GobError, Opaque, go_time
from ownstream.owncast_import.source import parse_timestamp

TEXT = {
    "stream_title": "stream_title",
    "server_name": "server_name",
    "server_summary": "server_summary",
    "server_welcome_message": "welcome_message",
    "extra_page_content": "extra_page_content",
    "logo_path": "logo_path",
    "server_url": "server_url",
    "custom_styles": "custom_styles",
    "ffmpeg_path": "ffmpeg_path",
    "video_codec": "video_codec",
    "directory_registration_key": "directory_registration_key",
    "federation_username": "federation_username",
    "federation_go_live_message": "federation_go_live_message",
    "http_listen_address": "web_server_ip",
    "custom_offline_message": "offline_message",
    "custom_javascript": "custom_javascript",
    # Newer Owncast's (reference newer §15), which Ownstream has settings for now.
    "websocket_host_override": "socket_host_override",
    "video_serving_endpoint": "video_serving_endpoint",
}
FLAGS = {
    "nsfw": "nsfw",
    "directory_enabled": "directory_enabled",
    "chat_disabled": "chat_disabled",
    "federation_enabled": "federation_enabled",
    "federation_private": "federation_private",
    "federation_show_engagement": "federation_show_engagement",
    "hide_viewer_count": "hide_viewer_count",
    "chat_join_messages_enabled": "chat_join_messages_enabled",
    "chat_established_users_only_mode": "chat_established_user_mode",
    "chat_spam_protection_enabled": "chat_spam_protection_enabled",
    "chat_slur_filter_enabled": "chat_slur_filter_enabled",
    "disable_search_indexing": "disable_search_indexing",
}
NUMBERS = {
    "http_port_number": "web_server_port",
    "rtmp_port_number": "rtmp_server_port",
    "video_latency_level": "video_latency_level",
}
LISTS = {
    "server_metadata_tags": "tags",
    "blocked_usernames": "forbidden_usernames",
    "suggested_usernames": "suggested_usernames",
    "federation_blocked_domains": "federation_blocked_domains",
}

FEDERATION_KEY_SETTING = "federation_private_key"
"""Where the federation feature keeps the actor's private key (PKCS#8 PEM), outside `RuntimeConfig`."""
VAPID_KEY_SETTING = "browser_push_private_key"
"""Where the Web Push key is kept (notifications/vapid_keys.py): importing Owncast's keeps every browser
subscription working."""
BCRYPT_HASH = re.compile(r"\$2[abxy]\$\d\d\$[./A-Za-z0-9]{53}")
"""How Owncast 0.2 stores the admin password (Go's bcrypt, `$2a$10$…`); 0.1 stored it as typed."""

KNOWN_ELSEWHERE = frozenset(
    {
        "stream_key",
        "stream_keys",
        "admin_password_key",
        "public_key",
        "private_key",
        "browser_push_public_key",
        "browser_push_private_key",
        "has_configured_initial_notifications",
        "peak_viewers_session",
        "peak_viewers_overall",
        "last_disconnect_time",
        "server_init_date",
        "social_handles",
        "external_actions",
        "video_stream_output_variants",
        "s3_storage_config",
        "HAS_POPULATED_DEFAULTS",
        "HAS_POPULATED_FEDERATION_DEFAULTS",
        "DATA_STORE_VERSION",
        "directory_enabled",
    }
)


@dataclass
class MappedSettings:
    config: dict[str, Any] = field(default_factory=dict)
    """`RuntimeConfig` fields, in their JSON form."""
    extra: dict[str, Any] = field(default_factory=dict)
    """Config-table keys outside `RuntimeConfig` (federation key, Web Push key)."""
    admin_password: str | None = None
    """Owncast 0.1's admin password as stored there (a bcrypt hash from 0.2, as typed before); the
    importer makes it `admin_password_hash` (`imported_password_hash`, in a thread: bcrypt is slow)."""
    overall_peak_viewers: int | None = None
    last_disconnect_time: datetime | None = None
    skipped: list[str] = field(default_factory=list)
    """`key: why` for each setting not taken."""


def _go(value: dict[str, Any], *names: str, default: Any = None) -> Any:
    """A Go struct field by any of its names (field names changed between Owncast versions)."""
    for name in names:
        if name in value:
            return value[name]
    return default


def _as_list(value: Any) -> list[str]:
    if isinstance(value, str):
        return [item.strip() for item in value.split(",") if item.strip()]
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return list(value)
    raise TypeError("not a list of names")


def _social(value: Any) -> list[dict[str, str]]:
    return [
        {"platform": _go(item, "Platform", default=""), "url": _go(item, "URL", default="")} for item in value
    ]


def _actions(value: Any) -> list[dict[str, Any]]:
    return [
        {
            "url": _go(item, "URL", default=""),
            "title": _go(item, "Title", default=""),
            "description": _go(item, "Description", default=""),
            "icon": _go(item, "Icon", default=""),
            "color": _go(item, "Color", default=""),
            "openExternally": _go(item, "OpenExternally", default=False),
        }
        for item in value
    ]


def _variants(value: Any) -> list[dict[str, Any]]:
    return [
        {
            "name": _go(item, "Name", default=""),
            "videoPassthrough": _go(item, "IsVideoPassthrough", "VideoPassthrough", default=False),
            "audioPassthrough": _go(item, "IsAudioPassthrough", "AudioPassthrough", default=False),
            "videoBitrate": int(_go(item, "VideoBitrate", default=0)),
            "audioBitrate": int(_go(item, "AudioBitrate", default=0)),
            "scaledWidth": int(_go(item, "ScaledWidth", default=0)),
            "scaledHeight": int(_go(item, "ScaledHeight", default=0)),
            "framerate": int(_go(item, "Framerate", default=0)),
            "cpuUsageLevel": int(_go(item, "CPUUsageLevel", default=0)),
        }
        for item in value
    ]


def _s3(value: Any) -> dict[str, Any]:
    return {
        "enabled": _go(value, "Enabled", default=False),
        "endpoint": _go(value, "Endpoint", default=""),
        "servingEndpoint": _go(value, "ServingEndpoint", default=""),
        "accessKey": _go(value, "AccessKey", default=""),
        "secret": _go(value, "Secret", default=""),
        "bucket": _go(value, "Bucket", default=""),
        "region": _go(value, "Region", default=""),
        "acl": _go(value, "ACL", default=""),
        "forcePathStyle": _go(value, "ForcePathStyle", default=False),
    }


def _browser_push(value: Any) -> dict[str, Any]:
    return {
        "enabled": _go(value, "Enabled", default=False),
        "goLiveMessage": _go(value, "GoLiveMessage", default=""),
    }


def _discord(value: Any) -> dict[str, Any]:
    return {
        "enabled": _go(value, "Enabled", default=False),
        "webhook": _go(value, "Webhook", default=""),
        "goLiveMessage": _go(value, "GoLiveMessage", default=""),
    }


def _appearance(value: Any) -> dict[str, str]:
    """Owncast's `map[string]string` of CSS variables, checked as the `appearance` setter checks them."""
    try:
        return parse_appearance_variables(value)
    except Invalid as error:
        raise ValueError(error.message) from None


STRUCTS: dict[str, tuple[str, Callable[[Any], Any]]] = {
    "browser_push_configuration": ("browser_push", _browser_push),
    "discord_configuration": ("discord", _discord),
    "social_handles": ("social_handles", _social),
    "external_actions": ("external_actions", _actions),
    "video_stream_output_variants": ("video_variants", _variants),
    "s3_storage_config": ("s3", _s3),
    "custom_color_variable_values": ("appearance_variables", _appearance),
}


def _moment(value: Any) -> datetime | None:
    """Owncast's `utils.NullTime` struct (`{Time, Valid}`) or a bare `time.Time`."""
    if isinstance(value, dict):
        if not value.get("Valid"):
            return None
        value = value.get("Time")
    if isinstance(value, Opaque):
        return go_time(value)
    if isinstance(value, str):
        return parse_timestamp(value)
    return None


def _pkcs8(pem: str) -> str:
    key = serialization.load_pem_private_key(pem.encode("ascii"), password=None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise TypeError("not an RSA key")
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode("ascii")


def _vapid_pem(text: str) -> str:
    """webpush-go's VAPID private key (base64url of the 32-byte P-256 scalar) as PKCS#8 PEM."""
    raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    if len(raw) != 32:
        raise ValueError("not a P-256 private key")
    key = ec.derive_private_key(int.from_bytes(raw, "big"), ec.SECP256R1())
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode("ascii")


def _accepts(name: str, value: Any) -> Any:
    """`value` as `RuntimeConfig` stores it, or raise `ValueError`."""
    try:
        checked = RuntimeConfig.model_validate({name: value})
    except ValidationError as error:
        raise ValueError(error.errors()[0]["msg"]) from None
    return checked.model_dump(mode="json")[name]


def map_settings(datastore: dict[str, Any]) -> MappedSettings:
    mapped = MappedSettings()

    def take(key: str, name: str, convert: Callable[[Any], Any]) -> None:
        if key not in datastore:
            return
        try:
            mapped.config[name] = _accepts(name, convert(datastore[key]))
        except (ValueError, TypeError, KeyError, GobError) as error:
            mapped.skipped.append(f"{key}: {error}")

    for key, name in TEXT.items():
        take(key, name, lambda value: value if isinstance(value, str) else _raise("not text"))
    for key, name in FLAGS.items():
        take(key, name, lambda value: value if isinstance(value, bool) else _raise("not true/false"))
    for key, name in NUMBERS.items():
        take(key, name, _whole_number)
    for key, name in LISTS.items():
        take(key, name, _as_list)
    for key, (name, convert) in STRUCTS.items():
        take(key, name, convert)

    _stream_keys(datastore, mapped)
    if isinstance(datastore.get("admin_password_key"), str) and datastore["admin_password_key"]:
        mapped.admin_password = datastore["admin_password_key"]
    if isinstance(datastore.get("private_key"), str) and datastore["private_key"]:
        try:
            mapped.extra[FEDERATION_KEY_SETTING] = _pkcs8(datastore["private_key"])
        except (ValueError, TypeError) as error:
            mapped.skipped.append(f"private_key: {error}")
    vapid = datastore.get("browser_push_private_key")
    if isinstance(vapid, str) and vapid:
        try:
            mapped.extra[VAPID_KEY_SETTING] = _vapid_pem(vapid)
        except ValueError as error:
            mapped.skipped.append(f"browser_push_private_key: {error}")
    try:
        init = _moment(datastore.get("server_init_date"))
        if init is not None:
            mapped.config["server_init_date"] = _accepts("server_init_date", init)
        mapped.last_disconnect_time = _moment(datastore.get("last_disconnect_time"))
    except (GobError, ValueError) as error:
        mapped.skipped.append(f"server_init_date/last_disconnect_time: {error}")
    peak = datastore.get("peak_viewers_overall")
    if isinstance(peak, int | float) and peak >= 0:
        mapped.overall_peak_viewers = int(peak)
    return mapped


def _stream_keys(datastore: dict[str, Any], mapped: MappedSettings) -> None:
    """0.0.11 has one `stream_key`; 0.1 and later a `stream_keys` list (and the old key became the admin
    password). The list becomes `stream_keys` (any of them publishes); its first key is also the single
    `stream_key` that `config/key` shows."""
    keys = datastore.get("stream_keys")
    if isinstance(keys, list) and keys:
        listed = [
            {"key": str(_go(item, "Key", default="")), "comment": str(_go(item, "Comment", default=""))}
            for item in keys
            if isinstance(item, dict) and _go(item, "Key")
        ]
        if listed:
            try:
                mapped.config["stream_keys"] = _accepts("stream_keys", listed)
            except ValueError as error:
                mapped.skipped.append(f"stream_keys: {error}")
            else:
                mapped.config["stream_key"] = listed[0]["key"]
                return
    key = datastore.get("stream_key")
    if isinstance(key, str) and key:
        mapped.config["stream_key"] = key


def imported_password_hash(password: str) -> str:
    """`admin_password_hash` for Owncast's stored admin password: a bcrypt hash (0.2) is kept, so the same
    password keeps working; a plain one (0.1) is hashed as `config/adminpass` would (slow: in a thread)."""
    return password if BCRYPT_HASH.fullmatch(password) else hash_password(password)


def _whole_number(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float) or value != int(value):
        raise TypeError("not a whole number")
    return int(value)


def _raise(message: str) -> Any:
    raise TypeError(message)


def unmapped_keys(datastore: dict[str, Any]) -> list[str]:
    """Datastore keys this importer does not read (reported so nothing goes missing unseen)."""
    known = set(TEXT) | set(FLAGS) | set(NUMBERS) | set(LISTS) | set(STRUCTS) | KNOWN_ELSEWHERE
    return sorted(key for key in datastore if key not in known)
