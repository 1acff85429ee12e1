"""The admin dashboard's pages: `/admin/…` (a single-page app), its login and logout.

Rules (issue "The admin dashboard"): `GET /admin` redirects to `/admin/` before any auth check. Every
path under `/admin/` answers 401 with the login page as its body, without `WWW-Authenticate` (so a
browser shows our form, not its own prompt), unless the request carries a valid session cookie or valid
HTTP Basic credentials; then the app (200), a redirect for Owncast 0.0.11's page URLs, or the app with
404 for a path the app does not have. The pages declare `DashboardPage`, whose gate
(auth/dashboard_gates.py) answers with `login_required`. The only exceptions, declared
`DashboardEntry`: the redirect, the static files in `/admin/assets/`, `POST /admin/login` and
`POST /admin/logout`.

The page URLs are Owncast's (reference §2.2), so bookmarks and docs written for Owncast keep working;
`web/src/admin/routes.tsx` has the same list for the browser.
"""

from __future__ import annotations

import json
import logging
from html import escape
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlsplit

from aiohttp import web

from ownstream import OWNCAST_API_VERSION, __version__
from ownstream.auth.admin_access import ADMIN_IDENTITY, ADMIN_USER, CSRF_FIELD, AdminAccess
from ownstream.auth.requirements import DashboardEntry, DashboardPage, requires
from ownstream.config.service import ConfigService
from ownstream.web.bundle import STATIC_DIR, Bundle

log = logging.getLogger(__name__)

ADMIN_PAGES: Final = (
    "/admin/",
    "/admin/viewer-info/",
    "/admin/chat/messages",
    "/admin/chat/users/",
    "/admin/federation/followers/",
    "/admin/config/general/",
    "/admin/config/appearance/",
    "/admin/config/server/",
    "/admin/config-video",
    "/admin/config-chat/",
    "/admin/config-federation/",
    "/admin/config-notify",
    "/admin/schedule/",
    "/admin/config/storage/",
    "/admin/hardware-info/",
    "/admin/stream-health",
    "/admin/logs/",
    "/admin/federation/actions/",
    "/admin/simulcast/",
    "/admin/webhooks/",
    "/admin/access-tokens/",
    "/admin/actions/",
    "/admin/help/",
    "/admin/clips/",
    "/admin/replays/",
)
"""Every page of the app, as linked from its menu (Owncast's URLs; S3 storage, simulcast, help and
replays: ours)."""

LEGACY_REDIRECTS: Final = {
    "/admin/config-public-details": "/admin/config/general/",
    "/admin/config-server-details": "/admin/config/server/",
    "/admin/config-storage": "/admin/config/storage/",
    "/admin/upgrade": "/admin/help/",
}
"""Owncast 0.0.11's page URLs that newer Owncast (and this app) moved."""

VERSION: Final = f"Ownstream {__version__} (Owncast API {OWNCAST_API_VERSION})"

CONTENT_SECURITY_POLICY: Final = "; ".join(
    (
        "default-src 'self'",
        # The app's own modules only: no inline script, no eval. What the admin writes as custom CSS
        # or page content never runs here (previews are sanitized HTML, and no inline style is allowed).
        "script-src 'self'",
        "style-src 'self'",
        # Logos being uploaded are previewed from data: URLs; avatars, icons and previews may be anywhere.
        "img-src 'self' data: blob: https: http:",
        "media-src 'self'",
        "connect-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "frame-src 'none'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "form-action 'self'",
    )
)

PAGE_HEADERS: Final = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
    "Permissions-Policy": "interest-cohort=()",
}

_ASSET_TYPES: Final = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".map": "application/json",
}

WRONG_PASSWORD: Final = "Wrong password. It is your stream key, unless you changed it."


def normalize(path: str) -> str:
    """`/admin/chat/users/` and `/admin/chat/users` are one page."""
    trimmed = path.rstrip("/")
    return trimmed + "/" if trimmed == "/admin" else trimmed


_KNOWN: Final = frozenset(normalize(page) for page in ADMIN_PAGES)
_LEGACY: Final = {normalize(old): new for old, new in LEGACY_REDIRECTS.items()}


def safe_next(raw: str | None) -> str:
    """Where to go after logging in: an admin page path on this server, else `/admin/`."""
    if not raw or not raw.startswith("/admin/") or raw.startswith("//") or "\\" in raw:
        return "/admin/"
    parts = urlsplit(raw)
    if parts.scheme or parts.netloc or any(ord(char) < 32 for char in raw):
        return "/admin/"
    if normalize(parts.path) in ("/admin/login", "/admin/logout"):
        return "/admin/"
    return raw


class AdminPages:
    def __init__(self, bundle: Bundle, access: AdminAccess, config: ConfigService) -> None:
        self._bundle = bundle
        self._access = access
        self._config = config

    @classmethod
    def load(
        cls, access: AdminAccess, config: ConfigService, *, static_root: Path | None = None
    ) -> AdminPages:
        """The pages over the built dashboard (`FrontEndNotBuilt` if it is missing)."""
        return cls(Bundle.load_admin(static_root if static_root is not None else STATIC_DIR), access, config)

    @property
    def access(self) -> AdminAccess:
        return self._access

    # --- pages ---------------------------------------------------------------------------------------
    def login_page(self, *, next_path: str, error: str = "", status: int = 401) -> web.Response:
        name = self._config.current.server_name or "Ownstream"
        html = (
            self._bundle.pages["admin-login.html"]
            .replace("{{server_name}}", escape(name))
            .replace("{{next}}", escape(next_path, quote=True))
            .replace(
                "{{error}}",
                f'<p class="login-error" role="alert" id="login-error">{escape(error)}</p>' if error else "",
            )
        )
        return web.Response(
            status=status, text=html, content_type="text/html", charset="utf-8", headers=PAGE_HEADERS
        )

    def _app(self, *, method: str, csrf: str, status: int = 200) -> web.Response:
        html = (
            self._bundle.pages["admin.html"]
            .replace("{{auth}}", method)
            .replace("{{csrf}}", escape(csrf, quote=True))
            .replace("{{version}}", escape(VERSION, quote=True))
        )
        return web.Response(
            status=status, text=html, content_type="text/html", charset="utf-8", headers=PAGE_HEADERS
        )

    def login_required(self, request: web.Request) -> web.Response:
        """The answer to a page request without valid credentials: the login page, back here after."""
        return self.login_page(next_path=safe_next(request.path_qs))

    @requires(DashboardEntry())
    async def redirect_root(self, request: web.Request) -> web.StreamResponse:
        raise web.HTTPMovedPermanently("/admin/")

    @requires(DashboardPage())
    async def page(self, request: web.Request) -> web.StreamResponse:
        identity = request[ADMIN_IDENTITY]
        if request.method not in ("GET", "HEAD"):
            raise web.HTTPMethodNotAllowed(request.method, ["GET", "HEAD"])
        path = normalize(request.path)
        if path in _LEGACY:
            raise web.HTTPMovedPermanently(_LEGACY[path])
        csrf = self._access.sessions.csrf_token(identity.session) if identity.session else ""
        return self._app(method=identity.method, csrf=csrf, status=200 if path in _KNOWN else 404)

    @requires(DashboardEntry())
    async def asset(self, request: web.Request) -> web.StreamResponse:
        path = self._bundle.assets.get(request.match_info["name"])
        if path is None:
            raise web.HTTPNotFound()
        headers = {
            # build.mjs puts a content hash in every name.
            "Cache-Control": "public, max-age=31536000, immutable",
            "X-Content-Type-Options": "nosniff",
        }
        content_type = _ASSET_TYPES.get(path.suffix)
        if content_type:
            headers["Content-Type"] = content_type
        return web.FileResponse(path, headers=headers)

    # --- login and logout ----------------------------------------------------------------------------
    @requires(DashboardEntry())
    async def login(self, request: web.Request) -> web.StreamResponse:
        """`{"password": …}` as JSON (answers JSON), or the login form (answers a redirect or the form)."""
        is_json = request.content_type == "application/json"
        fields = await _read_fields(request, is_json)
        if fields is None:
            return _answer_json(400, "the body must be a JSON object with a password, or the login form")
        next_path = safe_next(_text(fields.get("next")))
        if self._access.guard.refuses(request):
            return _answer_json(403, "cross-site request refused")
        password = _text(fields.get("password"))
        username = _text(fields.get("username"), ADMIN_USER)
        # A wrong user name counts as a wrong password (and costs the same time).
        ok = await self._access.check_password(request, password if username == ADMIN_USER else "")
        if not ok:
            if is_json:
                return _answer_json(401, WRONG_PASSWORD)
            return self.login_page(next_path=next_path, error=WRONG_PASSWORD)
        issued = self._access.sessions.issue(self._config.current.stream_key)
        response: web.StreamResponse
        if is_json:
            response = web.json_response({"success": True, "message": "logged in"})
        else:
            response = _see_other(next_path)
        response.headers["Cache-Control"] = "no-store"
        self._access.set_cookie(request, response, issued)
        return response

    @requires(DashboardEntry())
    async def logout(self, request: web.Request) -> web.StreamResponse:
        """Ends the session (revoked for good when the CSRF token matches) and clears the cookie."""
        is_json = request.content_type == "application/json"
        fields = await _read_fields(request, is_json) or {}
        session = self._access.session(request)
        if session is not None and self._access.csrf_ok(request, session, _text(fields.get(CSRF_FIELD))):
            await self._access.sessions.revoke(session)
        response: web.StreamResponse = (
            web.json_response({"success": True, "message": "logged out"})
            if is_json
            else _see_other("/admin/")
        )
        response.headers["Cache-Control"] = "no-store"
        self._access.clear_cookie(request, response)
        return response


def _text(value: Any, default: str = "") -> str:
    return value if isinstance(value, str) else default


async def _read_fields(request: web.Request, is_json: bool) -> dict[str, Any] | None:
    try:
        if is_json:
            document = json.loads(await request.read())
            return document if isinstance(document, dict) else None
        form = await request.post()
        return {key: value for key, value in form.items() if isinstance(value, str)}
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None


def _see_other(location: str) -> web.Response:
    return web.Response(status=303, headers={"Location": location})


def _answer_json(status: int, message: str) -> web.Response:
    return web.json_response({"success": status < 400, "message": message}, status=status)


def setup_admin_pages(app: web.Application, pages: AdminPages) -> None:
    app.router.add_get("/admin", pages.redirect_root)
    app.router.add_get("/admin/assets/{name}", pages.asset)
    app.router.add_post("/admin/login", pages.login)
    app.router.add_post("/admin/logout", pages.logout)
    app.router.add_route("*", "/admin/{tail:.*}", pages.page)
