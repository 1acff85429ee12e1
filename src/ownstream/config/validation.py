"""Checks for the values the admin API stores: raw JSON in, typed settings out, or `Invalid` with a reason.

Pure code, no I/O. Owncast 0.0.11 checked almost nothing here and crashed or stored junk on a wrong type
(reference §2.3); where it had a message we keep its words, elsewhere the message says what was expected.

JSON has one number type, so an integer setting takes `8080` or `8080.0` but never `8080.5` or `true`.
Inside objects a `null` field counts as absent (Go's decoder did the same), so clients that send
`"scaledWidth": null` keep working.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from ownstream.config.model import BrowserPushConfig, DiscordConfig, ExternalAction, SocialHandle
from ownstream.errors import Invalid
from ownstream.net.web_origin import origin_of

PORT_NOT_A_NUMBER = "Invalid type or value, port must be a number"
PORT_OUT_OF_RANGE = "Port number must be between 1 and 65535"
IP_NOT_A_STRING = "Invalid type or value, IP address must be a string"
IP_INVALID = "Invalid IP address"
SERVER_URL_NOT_A_STRING = "server url value invalid"
SOCIAL_HANDLES_INVALID = "unable to update social handles with provided values"

MAX_PORT = 65535

# Length caps on the admin's texts: a deliberate deviation (0.0.11 had none). Every viewer's page loads
# these, and a megabyte of summary stalled the server (tests/contract/differences.py, LENGTH_CAPS).
MAX_SERVER_NAME_CHARS = 255
MAX_STREAM_TITLE_CHARS = 1000
MAX_TAG_CHARS = 64
MAX_TAGS = 100
MAX_MESSAGE_BYTES = 16 * 1024
"""Server summary, chat welcome message, offline message."""
MAX_PAGE_BYTES = 256 * 1024
"""Page content, custom CSS and custom JavaScript."""
MAX_FEDERATION_USERNAME = 30
_FEDERATION_USERNAME = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?")
_CSS_COLOR = re.compile(r"[#A-Za-z0-9(),.%/ -]*")


# Primitives


def expect_string(value: Any, what: str) -> str:
    """`value` if it is a string that can be sent back as UTF-8 (no lone surrogates)."""
    if not isinstance(value, str):
        raise Invalid(f"{what} must be a string")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise Invalid(f"{what} must be valid Unicode text") from None
    return value


def expect_bool(value: Any, what: str) -> bool:
    if not isinstance(value, bool):
        raise Invalid(f"{what} must be true or false")
    return value


def as_integer(value: Any) -> int | None:
    """A JSON number without a fraction as an int; None for anything else (booleans included)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def expect_integer(value: Any, what: str, low: int, high: int) -> int:
    number = as_integer(value)
    if number is None or not low <= number <= high:
        raise Invalid(f"{what} must be a whole number from {low} to {high}")
    return number


def expect_string_list(value: Any, what: str) -> list[str]:
    items = value if isinstance(value, list) else None
    if items is None or not all(isinstance(item, str) for item in items):
        raise Invalid(f"{what} must be an array of strings")
    return [expect_string(item, what) for item in items]


class ObjectFields:
    """Typed access to the fields of one JSON object; `null` fields count as absent."""

    def __init__(self, value: Any, what: str) -> None:
        if not isinstance(value, dict):
            raise Invalid(f"{what} must be an object")
        self._fields = {key: item for key, item in value.items() if item is not None}
        self.what = what

    def string(self, key: str, *, required: bool = False) -> str:
        if key not in self._fields:
            if required:
                raise Invalid(f"{self.what}: {key} is required")
            return ""
        text = expect_string(self._fields[key], f"{self.what}: {key}")
        if required and not text.strip():
            raise Invalid(f"{self.what}: {key} is required")
        return text

    def boolean(self, key: str, default: bool = False) -> bool:
        if key not in self._fields:
            return default
        return expect_bool(self._fields[key], f"{self.what}: {key}")

    def integer(self, key: str, default: int, low: int, high: int) -> int:
        if key not in self._fields:
            return default
        return expect_integer(self._fields[key], f"{self.what}: {key}", low, high)


def objects(value: Any, what: str, message: str | None = None) -> list[ObjectFields]:
    """An array of JSON objects, each wrapped as `<what> <n>` (1-based) for messages."""
    items = value if isinstance(value, list) else None
    if items is None or not all(isinstance(item, dict) for item in items):
        raise Invalid(message or f"{what}s must be an array of objects")
    return [ObjectFields(item, f"{what} {index}") for index, item in enumerate(items, start=1)]


def is_http_url(text: str) -> bool:
    """An absolute http(s) URL with a host, no whitespace or control characters, and a valid port."""
    if not text or any(char.isspace() or ord(char) < 32 or char == "\x7f" for char in text):
        return False
    try:
        parts = urlsplit(text)
        _ = parts.port
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def text_setting(
    what: str, *, max_chars: int | None = None, max_bytes: int | None = None
) -> Callable[[Any], str]:
    """A parser for a free-text setting (names, Markdown, CSS): any string up to the given length, in
    characters or in bytes of UTF-8."""

    def parse(value: Any) -> str:
        text = expect_string(value, what)
        if max_chars is not None and len(text) > max_chars:
            raise Invalid(f"{what} is too long: at most {max_chars} characters, got {len(text)}")
        if max_bytes is not None:
            size = len(text.encode("utf-8"))
            if size > max_bytes:
                raise Invalid(
                    f"{what} is too long: at most {max_bytes // 1024} KiB ({max_bytes} bytes as UTF-8), "
                    f"got {size} bytes"
                )
        return text

    return parse


parse_server_name = text_setting("server name", max_chars=MAX_SERVER_NAME_CHARS)
parse_stream_title = text_setting("stream title", max_chars=MAX_STREAM_TITLE_CHARS)
parse_server_summary = text_setting("server summary", max_bytes=MAX_MESSAGE_BYTES)
parse_welcome_message = text_setting("welcome message", max_bytes=MAX_MESSAGE_BYTES)
parse_page_content = text_setting("page content", max_bytes=MAX_PAGE_BYTES)
parse_custom_styles = text_setting("custom styles", max_bytes=MAX_PAGE_BYTES)
parse_custom_javascript = text_setting("custom javascript", max_bytes=MAX_PAGE_BYTES)
_parse_offline_message = text_setting("offline message", max_bytes=MAX_MESSAGE_BYTES)


def parse_offline_message(value: Any) -> str:
    """Markdown, trimmed (as newer Owncast stores it)."""
    return _parse_offline_message(value).strip()


def bool_setting(what: str) -> Callable[[Any], bool]:
    def parse(value: Any) -> bool:
        return expect_bool(value, what)

    return parse


# Server and page


def parse_stream_key(value: Any) -> str:
    """The stream key is also the admin password: an empty one would lock everyone out at next start."""
    key = expect_string(value, "stream key")
    if not key:
        raise Invalid("stream key can not be empty")
    if any(ord(char) < 32 or char == "\x7f" for char in key):
        raise Invalid("stream key can not contain control characters")
    return key


def parse_admin_password(value: Any) -> str:
    """Owncast takes any string; an empty one would let anyone in, so it is refused (a listed difference)."""
    password = expect_string(value, "admin password")
    if not password:
        raise Invalid("admin password can not be empty")
    return password


SOCKET_HOST_SCHEMES = ("ws", "wss", "http", "https")
MAX_APPEARANCE_VARIABLES = 200
MAX_APPEARANCE_TEXT = 500
_CSS_NAME = re.compile(r"^-{0,2}[A-Za-z0-9_][A-Za-z0-9_-]*$")
APPEARANCE_REFUSED = "unable to update appearance variable values"


VIDEO_ENDPOINT_REFUSED = "unable to update custom video serving endpoint"


def parse_video_serving_endpoint(value: Any) -> str:
    """Empty, or an absolute http(s) URL without query or fragment (Owncast stored any string)."""
    if not isinstance(value, str):
        raise Invalid(VIDEO_ENDPOINT_REFUSED)
    text = value.strip().rstrip("/")
    if not text:
        return ""
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise Invalid(f"{VIDEO_ENDPOINT_REFUSED}: it must be an http:// or https:// address")
    return text


def parse_socket_host_override(value: Any) -> str:
    """Empty, or an absolute ws(s)/http(s) address with a host (a path is ignored by the page)."""
    text = expect_string(value, "websocket host override").strip().rstrip("/")
    if not text:
        return ""
    parts = urlsplit(text)
    if parts.scheme not in SOCKET_HOST_SCHEMES or not parts.hostname or parts.query or parts.fragment:
        raise Invalid("websocket host override must be a ws://, wss://, http:// or https:// address")
    return text


def parse_appearance_variables(value: Any) -> dict[str, str]:
    """`{name: value}`, all strings: CSS custom property names (with or without `--`), values without
    the characters that end a declaration; Owncast's failure message for anything else."""
    if not isinstance(value, dict) or len(value) > MAX_APPEARANCE_VARIABLES:
        raise Invalid(APPEARANCE_REFUSED)
    variables: dict[str, str] = {}
    for name, text in value.items():
        if not isinstance(text, str) or not _CSS_NAME.match(name) or len(text) > MAX_APPEARANCE_TEXT:
            raise Invalid(APPEARANCE_REFUSED)
        if any(char in text for char in ";{}<>\\") or any(ord(char) < 32 for char in text):
            raise Invalid(APPEARANCE_REFUSED)
        variables[name.lstrip("-")] = text.strip()
    return variables


def parse_tags(value: Any) -> tuple[str, ...]:
    """Leading `#` and surrounding spaces removed, empty entries dropped, duplicates dropped.

    A comma inside a tag splits it in two, which is what Owncast's comma-joined storage did.
    """
    tags: list[str] = []
    for item in expect_string_list(value, "tags"):
        for piece in item.split(","):
            tag = piece.strip().lstrip("#").strip()
            if len(tag) > MAX_TAG_CHARS:
                raise Invalid(f"a tag is too long: at most {MAX_TAG_CHARS} characters, got {len(tag)}")
            if tag and tag not in tags:
                tags.append(tag)
    if len(tags) > MAX_TAGS:
        raise Invalid(f"too many tags: at most {MAX_TAGS}, got {len(tags)}")
    return tuple(tags)


def parse_server_url(value: Any) -> str:
    """Trailing slashes removed; empty, or an absolute http(s) URL without query or fragment."""
    if not isinstance(value, str):
        raise Invalid(SERVER_URL_NOT_A_STRING)
    url = expect_string(value, "server url").strip().rstrip("/")
    if not url:
        return ""
    parts = urlsplit(url) if is_http_url(url) else None
    if parts is None or parts.query or parts.fragment or "?" in url or "#" in url:
        raise Invalid("server url must be an absolute http or https URL, like https://live.example.com")
    return url


def parse_social_handles(value: Any) -> tuple[SocialHandle, ...]:
    handles: list[SocialHandle] = []
    for fields in objects(value, "social handle", SOCIAL_HANDLES_INVALID):
        platform = fields.string("platform", required=True).strip()
        url = fields.string("url", required=True).strip()
        if not is_http_url(url):
            raise Invalid(f"{fields.what}: url must be an http or https URL")
        handles.append(SocialHandle(platform=platform, url=url))
    return tuple(handles)


def parse_external_actions(value: Any) -> tuple[ExternalAction, ...]:
    actions: list[ExternalAction] = []
    for fields in objects(value, "external action"):
        url = fields.string("url", required=True).strip()
        if not is_http_url(url):
            raise Invalid(f"{fields.what}: url must be an http or https URL")
        icon = fields.string("icon").strip()
        if icon and not (is_http_url(icon) or (icon.startswith("/") and not icon.startswith("//"))):
            raise Invalid(f"{fields.what}: icon must be an http or https URL or a path on this server")
        color = fields.string("color").strip()
        if not _CSS_COLOR.fullmatch(color):
            raise Invalid(f"{fields.what}: color must be a CSS color such as #ff8800")
        actions.append(
            ExternalAction(
                url=url,
                title=fields.string("title", required=True).strip(),
                description=fields.string("description"),
                icon=icon,
                color=color,
                openExternally=fields.boolean("openExternally"),
            )
        )
    return tuple(actions)


# Network


def parse_port(value: Any) -> int:
    number = as_integer(value)
    if number is None:
        raise Invalid(PORT_NOT_A_NUMBER)
    if not 1 <= number <= MAX_PORT:
        raise Invalid(PORT_OUT_OF_RANGE)
    return number


def parse_listen_ip(value: Any) -> str:
    if not isinstance(value, str):
        raise Invalid(IP_NOT_A_STRING)
    try:
        ipaddress.ip_address(value)
    except ValueError:
        raise Invalid(IP_INVALID) from None
    return value


def parse_admin_origins(value: Any) -> tuple[str, ...]:
    """Web origins, `scheme://host[:port]` with scheme http or https, normalised; empty entries dropped."""
    origins: list[str] = []
    for item in expect_string_list(value, "admin origins"):
        text = item.strip()
        if not text:
            continue
        origin = origin_of(text) if is_http_url(text) else None
        parts = urlsplit(text)
        if origin is None or parts.path not in ("", "/") or parts.query or parts.fragment or "@" in text:
            raise Invalid(f"admin origin {text!r} must be an origin such as https://admin.example.com")
        if origin not in origins:
            origins.append(origin)
    return tuple(origins)


# Federation


def parse_federation_username(value: Any) -> str:
    """An ActivityPub actor name as Mastodon accepts it: letters, digits, `_`; `.`/`-` only inside."""
    name = expect_string(value, "federation username")
    if len(name) > MAX_FEDERATION_USERNAME or not _FEDERATION_USERNAME.fullmatch(name):
        raise Invalid(
            f"federation username must be 1 to {MAX_FEDERATION_USERNAME} letters, digits or underscores "
            "('.' and '-' are allowed between them)"
        )
    return name


FEDERATION_NEEDS_SERVER_URL = (
    "federation needs this server's public URL: set the server URL (e.g. https://live.example.com) first"
)


def federation_url_warning(server_url: str) -> str | None:
    """Whether federation can be turned on with this server URL: `Invalid` without one; a warning (to
    log) when fediverse servers will not reach it, None when it looks right."""
    if not server_url:
        raise Invalid(FEDERATION_NEEDS_SERVER_URL)
    parts = urlsplit(server_url)
    if parts.scheme != "https":
        return (
            f"federation is on with the server URL {server_url}: fediverse servers such as Mastodon only "
            "speak to https:// addresses on port 443 (fine for tests and closed networks; see "
            "docs/federation.md for a TLS front)"
        )
    if parts.port not in (None, 443):
        return (
            f"federation is on with the server URL {server_url}: Mastodon drops the port from account "
            "addresses, so only port 443 works with it (see docs/federation.md)"
        )
    return None


def parse_blocked_domains(value: Any) -> tuple[str, ...]:
    """Host names, trimmed; empty entries dropped."""
    domains: list[str] = []
    for item in expect_string_list(value, "blocked domains"):
        domain = item.strip()
        if not domain:
            continue
        if any(char.isspace() or char in "/@" for char in domain):
            raise Invalid(f"blocked domain {domain!r} must be a host name such as bad.example")
        if domain not in domains:
            domains.append(domain)
    return tuple(domains)


# Notifications (newer Owncast §8): any wrong shape answers Owncast's one failure message.

BROWSER_PUSH_FAILED = "unable to update browser push config with provided values"
DISCORD_FAILED = "unable to update discord config with provided values"
_parse_go_live_message = text_setting("go live message", max_bytes=MAX_MESSAGE_BYTES)


def parse_browser_push(value: Any) -> BrowserPushConfig:
    if not isinstance(value, dict) or not isinstance(value.get("enabled", False), bool):
        raise Invalid(BROWSER_PUSH_FAILED)
    try:
        message = _parse_go_live_message(value.get("goLiveMessage", ""))
    except Invalid:
        raise Invalid(BROWSER_PUSH_FAILED) from None
    return BrowserPushConfig(enabled=value.get("enabled", False), go_live_message=message)


def parse_discord(value: Any) -> DiscordConfig:
    if not isinstance(value, dict) or not isinstance(value.get("enabled", False), bool):
        raise Invalid(DISCORD_FAILED)
    try:
        message = _parse_go_live_message(value.get("goLiveMessage", ""))
        webhook = expect_string(value.get("webhook", ""), "webhook")
    except Invalid:
        raise Invalid(DISCORD_FAILED) from None
    enabled = value.get("enabled", False)
    if (webhook and not is_http_url(webhook)) or (enabled and not webhook):
        raise Invalid(DISCORD_FAILED)
    return DiscordConfig(enabled=enabled, webhook=webhook, go_live_message=message)


# Replays


MAX_RECONNECT_WINDOW = 600


def parse_reconnect_window(value: Any) -> int:
    """Seconds (0 = a replay ends as soon as its stream does)."""
    return expect_integer(value, "the reconnect window", 0, MAX_RECONNECT_WINDOW)


MAX_DVR_WINDOW = 43200
"""12 hours: a longer DVR playlist is reloaded by every rewinding viewer; older parts are the replay's."""


def parse_dvr_window(value: Any) -> int:
    """Seconds a live viewer can rewind (0 = DVR off)."""
    return expect_integer(value, "the DVR window", 0, MAX_DVR_WINDOW)


MAX_RETENTION_DAYS = 36500
MAX_RETENTION_BYTES = 2**62


def parse_replay_retention(value: Any) -> tuple[int, int]:
    """`{"days": N, "bytes": N}` (either may be left out: 0, unlimited) as (days, bytes)."""
    if not isinstance(value, dict):
        raise Invalid('the retention must be an object: {"days": N, "bytes": N}')
    unknown = set(value) - {"days", "bytes"}
    if unknown:
        raise Invalid(f"unknown retention field: {sorted(unknown)[0]}")
    days = expect_integer(value.get("days", 0), "days", 0, MAX_RETENTION_DAYS)
    size = expect_integer(value.get("bytes", 0), "bytes", 0, MAX_RETENTION_BYTES)
    return days, size


# Clips

MAX_CLIP_SECONDS = 3600
CLIP_PERMISSIONS = ("admin", "moderators", "everyone")


def parse_clip_max_duration(value: Any) -> int:
    """Seconds a clip may ask for."""
    return expect_integer(value, "the longest clip", 1, MAX_CLIP_SECONDS)


def parse_clip_permission(value: Any) -> str:
    """Who may cut clips besides the admin."""
    if value not in CLIP_PERMISSIONS:
        raise Invalid(f"who may clip must be one of {', '.join(CLIP_PERMISSIONS)}")
    return str(value)
