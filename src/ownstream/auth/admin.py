"""The admin gate: HTTP Basic with user `admin` and the current stream key as password (reference §2).

Also the admin CORS rules: echo the Origin, allow credentials, and answer every OPTIONS with 204
before any auth check. A request whose only credentials are the dashboard's session cookie is handed to
`AdminAccess.serve_with_session` (auth/admin_access.py). The dashboard's pages under `/admin/` have
rules of their own (api/routes/admin_pages.py).
"""

from __future__ import annotations

import base64
import binascii
import hmac
from collections.abc import Awaitable, Callable

from aiohttp import web
from aiohttp.typedefs import Middleware

from ownstream.auth.admin_access import AdminAccess
from ownstream.config.service import ConfigService

ADMIN_USER = "admin"
REALM = 'Basic realm="Owncast Authenticated Request"'
ADMIN_PREFIXES = ("/api/admin/",)
ALLOWED_HEADERS = "Origin, X-Requested-With, Content-Type, Accept, Authorization"

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def is_admin_path(path: str) -> bool:
    return path.startswith(ADMIN_PREFIXES)


def credentials_valid(header: str | None, stream_key: str) -> bool:
    """Constant-time check of a `Basic` Authorization header against admin / stream key."""
    if not header or header[:6].lower() != "basic ":
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


def _cors_headers(request: web.Request) -> dict[str, str]:
    headers = {
        "Access-Control-Allow-Credentials": "true",
        "Access-Control-Allow-Headers": ALLOWED_HEADERS,
        "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
    }
    origin = request.headers.get("Origin")
    if origin:
        headers["Access-Control-Allow-Origin"] = origin
    return headers


def admin_middleware(config: ConfigService, access: AdminAccess | None = None) -> Middleware:
    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        if not is_admin_path(request.path):
            return await handler(request)
        cors = _cors_headers(request)
        if request.method == "OPTIONS":
            return web.Response(status=204, headers=cors)
        if access is not None and "Authorization" not in request.headers and access.wants_session(request):
            response = await access.serve_with_session(request, handler)
            response.headers.update(cors)
            return response
        if not credentials_valid(request.headers.get("Authorization"), config.current.stream_key):
            return web.Response(
                status=401, text="Unauthorized\n", headers={**cors, "WWW-Authenticate": REALM}
            )
        response = await handler(request)
        response.headers.update(cors)
        return response

    return middleware
