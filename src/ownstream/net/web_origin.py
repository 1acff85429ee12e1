"""Web origins (`scheme://host[:port]`) as browsers send them in `Origin`, compared in one normal form."""

from __future__ import annotations

from urllib.parse import urlsplit

DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443}


def origin_of(url: str) -> str | None:
    """`scheme://host[:port]` of a URL or origin, lower-cased, default port dropped; None when there is
    none (`null`, a relative or broken URL)."""
    text = url.strip()
    if not text or any(char.isspace() or ord(char) < 32 for char in text):
        return None
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    host = parts.hostname
    if not scheme or not host:
        return None
    if ":" in host:
        host = f"[{host}]"
    if port is not None and port != DEFAULT_PORTS.get(scheme):
        return f"{scheme}://{host}:{port}"
    return f"{scheme}://{host}"
