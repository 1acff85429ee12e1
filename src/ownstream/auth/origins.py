"""Cross-site requests: which web origins may use credentials a browser attaches on its own.

A page on another site can make the admin's browser send the cached HTTP Basic credentials (or, later, the
admin session cookie) along with a request it writes itself, even a no-cors `text/plain` POST it cannot
read the answer of. Browsers name the page that asked in `Origin` (and, on plain navigations and some
GETs, only in `Referer`), so such a request is refused when that origin is foreign: neither the request's
own origin (its scheme and `Host`), nor the server URL's origin, nor one on the admin's allow-list
(`adminOrigins`). A request without either header (curl, bots, Owncast's tools) is not a browser's and
passes; so do Bearer tokens and `?accessToken=`, which a browser never attaches by itself.

`refuses_credentialed` is the rule for credential-authenticated requests (the admin gate, a session
cookie); `refuses_socket` is the chat socket's (Origin only, as Owncast 0.0.11's WebSocket upgrader).
"""

from __future__ import annotations

from aiohttp import web

from ownstream.config.model import RuntimeConfig
from ownstream.net.client_address import from_trusted_proxy
from ownstream.net.web_origin import origin_of


def own_origin(request: web.BaseRequest) -> str | None:
    """The origin the request was sent to: its scheme (`X-Forwarded-Proto` when a trusted proxy says
    so) and its `Host` header."""
    host = request.headers.get("Host")
    if not host:
        return None
    scheme = request.scheme
    if from_trusted_proxy(request):
        forwarded = request.headers.get("X-Forwarded-Proto", "").split(",")[0].strip().lower()
        if forwarded in ("http", "https"):
            scheme = forwarded
    return origin_of(f"{scheme}://{host}")


def allowed_origins(config: RuntimeConfig) -> set[str]:
    """The server URL's origin and the admin's allow-list."""
    allowed = set(config.admin_origins)
    server = origin_of(config.server_url) if config.server_url else None
    if server is not None:
        allowed.add(server)
    return allowed


def is_foreign(origin: str, request: web.BaseRequest, config: RuntimeConfig) -> bool:
    """Whether `origin` (an `Origin` value or a `Referer` URL) is none of the origins trusted here."""
    normalised = origin_of(origin)
    if normalised is None:
        return True
    return normalised != own_origin(request) and normalised not in allowed_origins(config)


def cross_site_source(request: web.BaseRequest) -> str | None:
    """The page that asked: `Origin`, else `Referer`; None when the request names neither."""
    for header in ("Origin", "Referer"):
        value = request.headers.get(header, "").strip()
        if value:
            return value
    return None


def refuses_credentialed(request: web.BaseRequest, config: RuntimeConfig) -> bool:
    """The rule for a request authenticated by credentials a browser attaches on its own."""
    source = cross_site_source(request)
    return source is not None and is_foreign(source, request, config)


def refuses_socket(request: web.BaseRequest, config: RuntimeConfig) -> bool:
    """The chat socket's rule: a foreign `Origin` is refused; no `Origin` (bots, scripts) passes."""
    origin = request.headers.get("Origin", "").strip()
    return bool(origin) and is_foreign(origin, request, config)


def socket_origin_refusal(request: web.BaseRequest, config: RuntimeConfig) -> web.Response | None:
    """What `/ws` answers a foreign origin before the upgrade (403 `Forbidden`, as 0.0.11), or None."""
    if not refuses_socket(request, config):
        return None
    return web.Response(status=403, text="Forbidden\n")
