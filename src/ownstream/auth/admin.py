"""The admin gate: HTTP Basic with user `admin` and the current stream key as password (reference §2).

In order: CORS headers (the request's `Origin` echoed with credentials allowed, unless it is foreign,
see auth/origins.py), `OPTIONS` answered 204 before any auth check, a cross-site request carrying Basic
credentials refused 403, then the password check, braked per client address by the login throttle.

A request whose only credentials are the dashboard's session cookie is handed to
`AdminAccess.serve_with_session` (auth/admin_access.py), which applies the same cross-site rule and
wants a CSRF token on anything that changes state. The dashboard's pages under `/admin/` have rules of
their own (api/routes/admin_pages.py).
"""

from __future__ import annotations

import base64
import binascii
import hmac
import logging
from collections.abc import Awaitable, Callable

from aiohttp import web
from aiohttp.typedefs import Middleware

from ownstream.auth.admin_access import AdminAccess
from ownstream.auth.login_throttle import LoginThrottle
from ownstream.auth.origins import cross_site_source, is_foreign, refuses_credentialed
from ownstream.config.model import RuntimeConfig
from ownstream.config.service import ConfigService
from ownstream.errors import Forbidden
from ownstream.net.client_address import client_address
from ownstream.net.rate_limited_log import RateLimitedLog
from ownstream.net.web_origin import origin_of

log = logging.getLogger(__name__)

ADMIN_USER = "admin"
REALM = 'Basic realm="Owncast Authenticated Request"'
ADMIN_PREFIXES = ("/api/admin/",)
ALLOWED_HEADERS = "Origin, X-Requested-With, Content-Type, Accept, Authorization"
CROSS_SITE_REFUSED = (
    "cross-site request refused: {origin} is not this server's origin, its server URL or an allowed "
    "admin origin (POST /api/admin/config/adminorigins)"
)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def is_admin_path(path: str) -> bool:
    return path.startswith(ADMIN_PREFIXES)


def presents_basic(header: str | None) -> bool:
    """Whether the request offers Basic credentials at all (right or wrong)."""
    return header is not None and header[:6].lower() == "basic "


def credentials_valid(header: str | None, stream_key: str) -> bool:
    """Constant-time check of a `Basic` Authorization header against admin / stream key."""
    if header is None or not presents_basic(header):
        return False
    try:
        decoded = base64.b64decode(header[6:].strip(), validate=True)
    except (binascii.Error, ValueError):
        return False
    user, sep, password = decoded.partition(b":")
    if not sep:
        return False
    user_ok = hmac.compare_digest(user, ADMIN_USER.encode())
    password_ok = hmac.compare_digest(password, stream_key.encode("utf-8"))
    return user_ok & password_ok and bool(stream_key)


def cors_headers(request: web.Request, config: RuntimeConfig) -> dict[str, str]:
    headers = {
        "Access-Control-Allow-Headers": ALLOWED_HEADERS,
        "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
        "Vary": "Origin",
    }
    origin = request.headers.get("Origin")
    if origin and is_foreign(origin, request, config):
        return headers
    headers["Access-Control-Allow-Credentials"] = "true"
    if origin:
        headers["Access-Control-Allow-Origin"] = origin
    return headers


def admin_middleware(
    config: ConfigService, throttle: LoginThrottle, access: AdminAccess | None = None
) -> Middleware:
    refusals = RateLimitedLog(log, logging.WARNING)

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        if not is_admin_path(request.path):
            return await handler(request)
        cors = cors_headers(request, config.current)
        if request.method == "OPTIONS":
            return web.Response(status=204, headers=cors)
        header = request.headers.get("Authorization")
        if access is not None and header is None and access.wants_session(request):
            response = await access.serve_with_session(request, handler)
            response.headers.update(cors)
            return response
        if not presents_basic(header):
            return _unauthorized(cors)
        if refuses_credentialed(request, config.current):
            # Only the origin of a Referer: its path and query are the other site's business.
            origin = origin_of(cross_site_source(request) or "") or "null"
            refusals.log(
                "refused a cross-site admin request from %s (page %s)", client_address(request), origin
            )
            raise Forbidden(CROSS_SITE_REFUSED.format(origin=origin))
        address = client_address(request)
        await throttle.wait_turn(address)
        if not credentials_valid(header, config.current.stream_key):
            throttle.failed(address)
            return _unauthorized(cors)
        throttle.succeeded(address)
        response = await handler(request)
        response.headers.update(cors)
        return response

    return middleware


def _unauthorized(cors: dict[str, str]) -> web.Response:
    return web.Response(status=401, text="Unauthorized\n", headers={**cors, "WWW-Authenticate": REALM})
