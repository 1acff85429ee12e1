"""Security declared per route, enforced by one middleware, with a default-deny under the admin prefixes.

The server's own application is built from a real running server's services; the routes a test adds
after it is built stand for a route someone forgot to declare (or declared wrongly).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient

from ownstream.api.app import create_web_app, security_gates
from ownstream.api.state import Services
from ownstream.auth.admin import REALM, AdminGate, BasicPassword
from ownstream.auth.admin_password import AdminPassword
from ownstream.auth.requirements import (
    Admin,
    ChatUser,
    DashboardEntry,
    DashboardPage,
    Integration,
    Requirement,
    declared_requirement,
    public,
    requires,
)
from ownstream.auth.route_security import RouteNotDeclared, check_declarations, route_declarations
from tests.harness import admin_auth, running_server

Client = TestClient[web.Request, web.Application]
ClientFactory = Callable[[web.Application], Awaitable[Client]]
ADMIN = admin_auth()


@pytest.fixture
async def services(tmp_path: Path) -> AsyncIterator[Services]:
    async with running_server(tmp_path / "data") as running:
        assert running.server.services is not None
        yield running.server.services


async def served(request: web.Request) -> web.Response:
    return web.Response(text="served")


@public
async def declared_public(request: web.Request) -> web.Response:
    return web.Response(text="served")


@pytest.mark.parametrize("path", ["/api/admin/forgotten", "/admin/forgotten", "/administrator"])
async def test_a_forgotten_route_under_the_admin_prefixes_needs_the_admin(
    services: Services, aiohttp_client: ClientFactory, path: str
) -> None:
    app = create_web_app(services)
    app.router.add_get(path, served)
    client = await aiohttp_client(app)
    response = await client.get(path)
    assert response.status == 401
    assert response.headers["WWW-Authenticate"] == REALM
    assert await response.text() == "Unauthorized\n"
    response = await client.get(path, headers=ADMIN)
    assert response.status == 200
    assert await response.text() == "served"


@pytest.mark.parametrize("path", ["/api/admin/opened", "/admin/opened"])
async def test_a_public_declaration_under_the_admin_prefixes_is_held_to_admin(
    services: Services, aiohttp_client: ClientFactory, path: str
) -> None:
    app = create_web_app(services)
    app.router.add_get(path, declared_public)
    client = await aiohttp_client(app)
    assert (await client.get(path)).status == 401
    assert (await client.get(path, headers=ADMIN)).status == 200


@requires(DashboardEntry())
async def declared_dashboard_entry(request: web.Request) -> web.Response:
    return web.Response(text="served")


async def test_the_dashboards_entry_is_open_under_the_admin_prefix(
    services: Services, aiohttp_client: ClientFactory
) -> None:
    """What a visitor needs to log in (the login form, the app's files) declares `DashboardEntry`, an
    admin-grade requirement open to anyone; only such a declaration gets past the default-deny."""
    app = create_web_app(services)
    app.router.add_get("/admin/entry", declared_dashboard_entry)
    client = await aiohttp_client(app)
    response = await client.get("/admin/entry")
    assert response.status == 200
    assert await response.text() == "served"


async def test_paths_no_route_matches_under_the_admin_prefix_are_denied_before_404(
    services: Services, aiohttp_client: ClientFactory
) -> None:
    client = await aiohttp_client(create_web_app(services))
    assert (await client.get("/api/admin/no-such-thing")).status == 401
    assert (await client.get("/api/admin/no-such-thing", headers=ADMIN)).status == 404
    assert (await client.get("/no-such-thing")).status == 404


async def test_an_undeclared_route_elsewhere_is_refused_not_served(
    services: Services, aiohttp_client: ClientFactory, caplog: pytest.LogCaptureFixture
) -> None:
    app = create_web_app(services)
    app.router.add_get("/forgotten", served)
    client = await aiohttp_client(app)
    with caplog.at_level(logging.ERROR):
        response = await client.get("/forgotten", headers=ADMIN)
    assert response.status == 500
    assert await response.json() == {"error": "internal server error"}
    assert "/forgotten has no security declaration" in caplog.text


def test_an_app_with_an_undeclared_route_is_not_built(services: Services) -> None:
    app = create_web_app(services)
    app.router.add_post("/api/forgotten", served)
    app.router.add_get("/api/admin/covered-by-the-default-deny", served)
    with pytest.raises(RouteNotDeclared, match="POST /api/forgotten") as raised:
        check_declarations(app)
    assert "covered-by-the-default-deny" not in str(raised.value)


def test_every_route_of_the_server_declares_its_security(services: Services) -> None:
    app = create_web_app(services)
    routes = list(route_declarations(app))
    assert len(routes) > 100
    undeclared = [str(route.resource) for route, declared in routes if declared is None]
    assert undeclared == []
    dashboard: dict[str, set[Requirement | None]] = {}
    for route, declared in routes:
        assert route.resource is not None
        path = route.resource.canonical
        if path.startswith("/api/admin/"):
            assert declared == Admin(), path
        elif path.startswith("/admin"):
            dashboard.setdefault(path, set()).add(declared)
    # The dashboard's pages want the admin (a login page instead of a challenge); only what it takes to
    # log in is open.
    assert dashboard == {
        "/admin/{tail}": {DashboardPage()},
        "/admin": {DashboardEntry()},
        "/admin/assets/{name}": {DashboardEntry()},
        "/admin/login": {DashboardEntry()},
        "/admin/logout": {DashboardEntry()},
    }


class HeaderSession:
    """A second admin credential, as the dashboard's session cookie will be: presented by a header of its
    own, valid with one value, refused with a 401 of its own (no Basic challenge)."""

    def __init__(self, valid: str) -> None:
        self._valid = valid

    def presented(self, request: web.Request) -> bool:
        return "X-Test-Session" in request.headers

    async def verify(self, request: web.Request) -> bool:
        return request.headers["X-Test-Session"] == self._valid

    def refused(self, request: web.Request, cors: dict[str, str]) -> web.Response:
        return web.Response(status=401, text="session ended\n", headers=cors)


async def test_a_second_admin_credential_plugs_into_the_admin_gate(
    services: Services, aiohttp_client: ClientFactory
) -> None:
    gates = security_gates(services)
    gates[Admin] = AdminGate(
        services.config,
        [BasicPassword(AdminPassword(services.config), services.login_throttle), HeaderSession("s3cret")],
    )
    app = create_web_app(services, gates)
    client = await aiohttp_client(app)
    response = await client.get("/api/admin/status", headers={"X-Test-Session": "s3cret"})
    assert response.status == 200
    response = await client.get("/api/admin/status", headers={"X-Test-Session": "stale"})
    assert response.status == 401
    assert await response.text() == "session ended\n"
    assert "WWW-Authenticate" not in response.headers
    assert (await client.get("/api/admin/status", headers=ADMIN)).status == 200
    assert (await client.get("/api/admin/status")).headers["WWW-Authenticate"] == REALM
    # The cross-site rule holds for every credential a browser attaches on its own.
    foreign = {"X-Test-Session": "s3cret", "Origin": "https://evil.example"}
    response = await client.post("/api/admin/config/name", headers=foreign, json={"value": "pwned"})
    assert response.status == 403
    assert services.config.current.server_name != "pwned"


def test_declarations_are_read_through_bound_methods() -> None:
    class Pages:
        @public
        async def page(self, request: web.Request) -> web.Response:
            return web.Response()

    assert declared_requirement(Pages().page) == declared_requirement(declared_public)
    assert declared_requirement(served) is None


@requires(Integration("HAS_ADMIN_ACCESS"))
async def declared_integration(request: web.Request) -> web.Response:
    return web.Response(text="served")


@requires(ChatUser())
async def declared_chat_user(request: web.Request) -> web.Response:
    return web.Response(text="served")


async def test_a_preflight_to_a_get_only_route_goes_to_a_gate_that_answers_preflights(
    services: Services, aiohttp_client: ClientFactory
) -> None:
    """The router refuses `OPTIONS` on a route registered for GET only (405); the integration gate
    answers it (204, `*`) as it does on routes registered for any method. Gates that do not answer
    preflights (a chat user's, the public's) leave aiohttp's 405."""
    app = create_web_app(services)
    app.router.add_get("/integrated", declared_integration)
    app.router.add_get("/chatting", declared_chat_user)
    app.router.add_get("/open", declared_public)
    client = await aiohttp_client(app)
    response = await client.options("/integrated")
    assert response.status == 204 and response.headers["Access-Control-Allow-Origin"] == "*"
    assert (await client.get("/integrated")).status == 401, "the GET itself still needs the token"
    for path in ("/chatting", "/open"):
        assert (await client.options(path)).status == 405, path
    assert (await client.options("/no-such-thing")).status == 404
