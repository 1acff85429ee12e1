"""The Owncast directory ("YP") protocol, without I/O (reference §2.1 `/api/yp`, §9).

The server pings `<directory>/api/ping` with `{"key", "url"}`; the directory answers
`{key, success, error, errorCode}` and then fetches `<url>/api/yp`, the listing built here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from ownstream.clock import rfc3339_seconds
from ownstream.config.model import RuntimeConfig


@dataclass(frozen=True)
class LiveFacts:
    """What the listing says about the stream right now."""

    online: bool
    viewer_count: int
    overall_peak: int
    session_peak: int
    last_connect_time: datetime | None


def listing_document(config: RuntimeConfig, facts: LiveFacts) -> dict[str, Any]:
    """`/api/yp`: the summary is sent raw (the directory renders it); an empty title is left out."""
    document: dict[str, Any] = {
        "name": config.server_name,
        "description": config.server_summary,
    }
    if config.stream_title:
        document["streamTitle"] = config.stream_title
    document.update(
        {
            "logo": "/logo",
            "nsfw": config.nsfw,
            "tags": list(config.tags),
            "online": facts.online,
            "viewerCount": facts.viewer_count,
            "overallMaxViewerCount": facts.overall_peak,
            "sessionMaxViewerCount": facts.session_peak,
            "social": [{"platform": handle.platform, "url": handle.url} for handle in config.social_handles],
            "lastConnectTime": rfc3339_seconds(facts.last_connect_time),
        }
    )
    return document


def usable_server_url(url: str) -> bool:
    """The directory can only list a server it can reach: an absolute http(s) URL with a host."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def ping_url(directory_url: str) -> str:
    return directory_url.rstrip("/") + "/api/ping"


def ping_body(key: str, server_url: str) -> dict[str, str]:
    return {"key": key, "url": server_url}


@dataclass(frozen=True)
class PingReply:
    key: str
    success: bool
    error: str
    error_code: int


def parse_ping_reply(data: Any) -> PingReply:
    """The directory's answer; anything that is not a JSON object counts as a failed ping."""
    if not isinstance(data, dict):
        return PingReply(key="", success=False, error="the directory sent no JSON object", error_code=0)
    key = data.get("key")
    error = data.get("error")
    code = data.get("errorCode")
    return PingReply(
        key=key if isinstance(key, str) else "",
        success=data.get("success") is True,
        error=error if isinstance(error, str) else "",
        error_code=code if isinstance(code, int) and not isinstance(code, bool) else 0,
    )
