"""The admin gate: what the `Admin` requirement means (reference §2). HTTP Basic with user `admin` and
the admin password (the stream key until one is set, auth/admin_password.py), or the admin dashboard's
session cookie.

In order: CORS headers (the request's `Origin` echoed with credentials allowed, unless it is foreign,
see auth/origins.py), `OPTIONS` answered 204 before any auth check (on every admin route, whatever
methods it registered: auth/route_security.py), no credentials at all 401 with the
Basic challenge, a cross-site request carrying credentials refused 403, then the credential's own check
(for Basic: the password, braked per client address by the login throttle).

The credentials are pluggable: the gate asks each `AdminCredential` in turn whether the request carries
it, and the first that does decides. `api/app.py` gives it Basic and then the dashboard's session cookie
(`SessionCookie`, auth/dashboard_gates.py: no Basic challenge when the session has ended, a CSRF token on
anything that changes state). The dashboard's pages under `/admin/` are the `AdminPage` requirement's,
with a login page instead of a challenge (auth/dashboard_gates.py).
"""

from __future__ import annotations

import base64
import binascii
import hmac
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Protocol

from aiohttp import web

from ownstream.auth.admin_password import AdminPassword
from ownstream.auth.login_throttle import LoginThrottle
from ownstream.auth.origins import cross_site_source, is_foreign, refuses_credentialed
from ownstream.auth.requirements import Requirement
from ownstream.config.model import RuntimeConfig
from ownstream.config.service import ConfigService
from ownstream.errors import Forbidden
from ownstream.net.client_address import client_address
from ownstream.net.rate_limited_log import RateLimitedLog
from ownstream.net.web_origin import origin_of

log = logging.getLogger(__name__)

ADMIN_USER = "admin"
REALM = 'Basic realm="Owncast Authenticated Request"'
ADMIN_PREFIXES = ("/api/admin/", "/admin")
ALLOWED_HEADERS = "Origin, X-Requested-With, Content-Type, Accept, Authorization"
ALLOWED_METHODS = "GET, POST, PUT, DELETE, OPTIONS"
"""Newer Owncast's list (its admin routes use DELETE and PUT too: the favicon, the Prometheus text)."""
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


async def credentials_valid(header: str | None, password: AdminPassword) -> bool:
    """Constant-time check of a `Basic` Authorization header against `admin` / the admin password."""
    if header is None or not presents_basic(header):
        return False
    try:
        decoded = base64.b64decode(header[6:].strip(), validate=True)
    except (binascii.Error, ValueError):
        return False
    user, sep, offered = decoded.partition(b":")
    if not sep:
        return False
    user_ok = hmac.compare_digest(user, ADMIN_USER.encode())
    password_ok = await password.matches(offered)
    return user_ok & password_ok


def cors_headers(request: web.Request, config: RuntimeConfig) -> dict[str, str]:
    headers = {
        "Access-Control-Allow-Headers": ALLOWED_HEADERS,
        "Access-Control-Allow-Methods": ALLOWED_METHODS,
        "Vary": "Origin",
    }
    origin = request.headers.get("Origin")
    if origin and is_foreign(origin, request, config):
        return headers
    headers["Access-Control-Allow-Credentials"] = "true"
    if origin:
        headers["Access-Control-Allow-Origin"] = origin
    return headers


def basic_challenge(cors: dict[str, str]) -> web.Response:
    """401 asking for Basic credentials (the browser shows its login prompt)."""
    return web.Response(status=401, text="Unauthorized\n", headers={**cors, "WWW-Authenticate": REALM})


class AdminCredential(Protocol):
    """One way for the admin to prove who they are."""

    def presented(self, request: web.Request) -> bool:
        """The request carries this credential at all, right or wrong."""

    async def verify(self, request: web.Request) -> bool:
        """The credential is right. Only called when `presented`, and after the cross-site rule."""

    def refused(self, request: web.Request, cors: dict[str, str]) -> web.Response:
        """The answer to a credential `verify` did not accept."""


class BasicPassword:
    """HTTP Basic `admin` / the admin password; wrong passwords braked per client address."""

    def __init__(self, password: AdminPassword, throttle: LoginThrottle) -> None:
        self._password = password
        self._throttle = throttle

    def presented(self, request: web.Request) -> bool:
        return presents_basic(request.headers.get("Authorization"))

    async def verify(self, request: web.Request) -> bool:
        address = client_address(request)
        await self._throttle.wait_turn(address)
        if not await credentials_valid(request.headers.get("Authorization"), self._password):
            self._throttle.failed(address)
            return False
        self._throttle.succeeded(address)
        return True

    def refused(self, request: web.Request, cors: dict[str, str]) -> web.Response:
        return basic_challenge(cors)


class AdminGate:
    def __init__(self, config: ConfigService, credentials: Sequence[AdminCredential]) -> None:
        self._config = config
        self._credentials = tuple(credentials)
        self._refusals = RateLimitedLog(log, logging.WARNING)

    async def serve(
        self, request: web.Request, _requirement: Requirement, handler: Handler
    ) -> web.StreamResponse:
        config = self._config.current
        cors = cors_headers(request, config)
        if request.method == "OPTIONS":
            return web.Response(status=204, headers=cors)
        credential = next((each for each in self._credentials if each.presented(request)), None)
        if credential is None:
            return basic_challenge(cors)
        if refuses_credentialed(request, config):
            # Only the origin of a Referer: its path and query are the other site's business.
            origin = origin_of(cross_site_source(request) or "") or "null"
            self._refusals.log(
                "refused a cross-site admin request from %s (page %s)", client_address(request), origin
            )
            raise Forbidden(CROSS_SITE_REFUSED.format(origin=origin))
        if not await credential.verify(request):
            return credential.refused(request, cors)
        response = await handler(request)
        response.headers.update(cors)
        return response
