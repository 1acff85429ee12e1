"""The admin dashboard in the route security (auth/route_security.py): its session cookie as an admin
credential, and the gate of its pages.

- `SessionCookie`: an `AdminCredential` for the admin gate (auth/admin.py), beside Basic. A request
  carries it when it has no `Authorization` header and has the cookie or the dashboard's CSRF header;
  the gate's cross-site rule applies to it as to Basic. A session that has ended is refused 401 without
  `WWW-Authenticate`, a state-changing request without its CSRF token 403. The cookie is re-signed when
  the request changed the stream key (`AdminAccess.renew_after_key_change`, a response hook).
- `DashboardPageGate`: the `DashboardPage` requirement (`/admin/…`). A session cookie or Basic admits
  (the same checks as the login form: cross-site rule, back-off); anything else gets the login page,
  401 without `WWW-Authenticate`, so the browser shows our form rather than its own prompt.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import web

from ownstream.auth.admin_access import ADMIN_IDENTITY, AdminAccess
from ownstream.auth.requirements import Requirement

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
LoginPage = Callable[[web.Request], web.StreamResponse]


class SessionCookie:
    """The dashboard's session cookie on the admin API (`/api/admin/…`)."""

    def __init__(self, access: AdminAccess) -> None:
        self._access = access

    def presented(self, request: web.Request) -> bool:
        return "Authorization" not in request.headers and self._access.wants_session(request)

    async def verify(self, request: web.Request) -> bool:
        return self._access.admit_with_cookie(request)

    def refused(self, request: web.Request, cors: dict[str, str]) -> web.Response:
        response = self._access.cookie_refusal(request)
        response.headers.update(cors)
        return response


class DashboardPageGate:
    """`DashboardPage`: the admin by session cookie or Basic, else `login_page` for the request."""

    def __init__(self, access: AdminAccess, login_page: LoginPage) -> None:
        self._access = access
        self._login_page = login_page

    async def serve(
        self, request: web.Request, _requirement: Requirement, handler: Handler
    ) -> web.StreamResponse:
        identity = await self._access.identify(request)
        if identity is None:
            return self._login_page(request)
        request[ADMIN_IDENTITY] = identity
        return await handler(request)
