"""Who is asking for an admin page or admin API call: a dashboard session (cookie) or HTTP Basic.

`AdminAccess` is the one place that checks admin credentials for the dashboard: the Basic header on
`/admin/…` pages, the password of `POST /admin/login`, and the session cookie on pages and on
`/api/admin/…` (where it also wants a CSRF token on anything that changes state, and hands out a fresh
cookie when the request changed the admin password). The gates that use it are in auth/dashboard_gates.py.
The brute-force back-off and the cross-site (Origin / Referer) rule of the defects issue plug in as a
`CredentialGuard` (auth/dashboard_guard.py); `OpenGuard` applies neither.
"""

from __future__ import annotations

import base64
import binascii
import hmac
from dataclasses import dataclass
from typing import Literal, Protocol

from aiohttp import hdrs, web

from ownstream.auth.admin_password import AdminPassword
from ownstream.auth.session import COOKIE_NAME, AdminSessions, IssuedSession, Session
from ownstream.config.service import ConfigService

ADMIN_USER = "admin"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_REFUSED = "missing or wrong CSRF token: reload the admin page and try again"
SESSION_ENDED = "your admin session has ended: log in again"


class CredentialGuard(Protocol):
    """The defects issue's rules for credentials a browser attaches on its own.

    `refuses`: the request comes from a foreign page (Origin, else Referer) and must not be served
    with such credentials. `wait_turn` / `failed` / `succeeded`: the per-address back-off for wrong
    passwords. `is_https`: the request reached us over HTTPS, directly or through a trusted proxy's
    `X-Forwarded-Proto`.
    """

    def refuses(self, request: web.Request) -> bool: ...

    async def wait_turn(self, request: web.Request) -> None: ...

    def failed(self, request: web.Request) -> None: ...

    def succeeded(self, request: web.Request) -> None: ...

    def is_https(self, request: web.Request) -> bool: ...


class OpenGuard:
    """No back-off and no cross-site rule (the seam the defects issue fills); HTTPS only when direct."""

    def refuses(self, request: web.Request) -> bool:
        return False

    async def wait_turn(self, request: web.Request) -> None:
        return None

    def failed(self, request: web.Request) -> None:
        return None

    def succeeded(self, request: web.Request) -> None:
        return None

    def is_https(self, request: web.Request) -> bool:
        return request.scheme == "https"


@dataclass(frozen=True)
class AdminIdentity:
    method: Literal["basic", "cookie"]
    session: Session | None = None


ADMIN_IDENTITY = web.RequestKey("admin_identity", AdminIdentity)
"""Who the dashboard page gate admitted, for the page handler."""


@dataclass(frozen=True)
class CookieAdmission:
    """A request to the admin API admitted by its session cookie, and the password it was signed for."""

    session: Session
    password: str


_COOKIE_ADMISSION = web.RequestKey("admin_cookie_admission", CookieAdmission)


def basic_password(header: str | None) -> str | None:
    """The password of a `Basic` Authorization header for user `admin`; None if absent or malformed.

    A wrong user name yields "" (a wrong password, counted as such), so the user check stays
    constant-time with the password check.
    """
    if not header or header[:6].lower() != "basic ":
        return None
    try:
        decoded = base64.b64decode(header[6:].strip(), validate=True)
    except (binascii.Error, ValueError):
        return None
    user, sep, password = decoded.partition(b":")
    if not sep:
        return None
    user_ok = hmac.compare_digest(user, ADMIN_USER.encode())
    text = password.decode("utf-8", errors="replace")
    return text if user_ok else ""


class AdminAccess:
    def __init__(self, config: ConfigService, sessions: AdminSessions, guard: CredentialGuard) -> None:
        self._config = config
        self.sessions = sessions
        self.guard = guard
        self.password = AdminPassword(config)

    @property
    def _password(self) -> str:
        """What sessions are signed for (changes with the admin password)."""
        return self.password.fingerprint

    async def check_password(self, request: web.Request, password: str) -> bool:
        """The admin password check, with the back-off per client address around it."""
        await self.guard.wait_turn(request)
        if await self.password.matches(password):
            self.guard.succeeded(request)
            return True
        self.guard.failed(request)
        return False

    def session(self, request: web.Request) -> Session | None:
        return self.sessions.verify(request.cookies.get(COOKIE_NAME), self._password)

    async def identify(self, request: web.Request) -> AdminIdentity | None:
        """Basic credentials when the request offers them (right or wrong), else the session cookie.

        A request from a foreign page (the guard's cross-site rule) is treated as carrying neither.
        """
        if self.guard.refuses(request):
            return None
        password = basic_password(request.headers.get("Authorization"))
        if password is not None:
            return AdminIdentity("basic") if await self.check_password(request, password) else None
        session = self.session(request)
        return AdminIdentity("cookie", session) if session is not None else None

    def csrf_ok(self, request: web.Request, session: Session, form_token: str | None = None) -> bool:
        if request.method in SAFE_METHODS:
            return True
        token = request.headers.get(CSRF_HEADER) or form_token
        return self.sessions.csrf_valid(session, token)

    # --- cookies -------------------------------------------------------------------------------------
    def set_cookie(self, request: web.Request, response: web.StreamResponse, issued: IssuedSession) -> None:
        response.set_cookie(
            COOKIE_NAME,
            issued.cookie_value,
            max_age=issued.max_age,
            path="/",
            httponly=True,
            samesite="Strict",
            secure=self.guard.is_https(request),
        )

    def clear_cookie(self, request: web.Request, response: web.StreamResponse) -> None:
        response.del_cookie(
            COOKIE_NAME, path="/", httponly=True, samesite="Strict", secure=self.guard.is_https(request)
        )

    # --- the admin API with a session cookie ----------------------------------------------------------
    def wants_session(self, request: web.Request) -> bool:
        """The request relies on a dashboard session: it has the cookie, or the dashboard sent it (the
        CSRF header) and must get no Basic challenge once its session is gone."""
        return COOKIE_NAME in request.cookies or CSRF_HEADER in request.headers

    def admit_with_cookie(self, request: web.Request) -> bool:
        """Whether the request's session cookie is valid and, on a state-changing method, its CSRF token
        too; remembers the admission so that the answer can re-sign the cookie after a key change."""
        session = self.session(request)
        if session is None or not self.csrf_ok(request, session):
            return False
        request[_COOKIE_ADMISSION] = CookieAdmission(session, self._password)
        return True

    def cookie_refusal(self, request: web.Request) -> web.Response:
        """Why `admit_with_cookie` said no: 401 without `WWW-Authenticate` when the session is gone (so a
        browser shows no Basic prompt; the dashboard reloads into its login form), 403 without the CSRF
        token on a state-changing method."""
        if self.session(request) is None:
            return _simple(401, SESSION_ENDED)
        return _simple(403, CSRF_REFUSED)

    async def renew_after_key_change(self, request: web.Request, response: web.StreamResponse) -> None:
        """`on_response_prepare` hook: a request admitted by its cookie that changed the password (the
        stream key) gets its session re-signed for the new one, so the dashboard that made the change
        stays logged in while every other session ends."""
        admission = request.get(_COOKIE_ADMISSION)
        if admission is None or response.status >= 400:
            return
        password = self._password
        if password != admission.password:
            # The response's own cookies became headers before this hook runs: add the header itself,
            # made by `set_cookie` on a response that is never sent.
            carrier = web.StreamResponse()
            self.set_cookie(request, carrier, self.sessions.renew_for(admission.session, password))
            for morsel in carrier.cookies.values():
                response.headers.add(hdrs.SET_COOKIE, morsel.output(header="")[1:])


def _simple(status: int, message: str) -> web.Response:
    return web.json_response({"success": False, "message": message}, status=status)
