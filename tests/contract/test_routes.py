"""Every operation of the spec is routed with its method and its security (generated from openapi.yaml)."""

from __future__ import annotations

from typing import Any

import pytest
import requests
import yaml
from aiohttp import web
from aiohttp.test_utils import make_mocked_request

from ownstream.auth.admin import REALM
from ownstream.auth.requirements import (
    Admin,
    DashboardEntry,
    DashboardPage,
    HttpSignature,
    Integration,
    Public,
    Requirement,
    declared_requirement,
)
from tests.contract.conftest import SCOPE_OF, SPEC, LiveServer
from tests.contract.differences import EXTRA_PATHS, OUR_PATHS, OUR_PUBLIC_PATHS, SECURITY
from tests.harness import admin_auth, basic_auth

pytestmark = [pytest.mark.contract, pytest.mark.xdist_group("contract")]

SAFE_BODIES: dict[str, Any] = {
    # Never change the admin password under the other tests' feet.
    "/api/admin/config/key": {"value": "abc123"},
}


def operations() -> list[tuple[str, str, str | None]]:
    spec = yaml.safe_load(SPEC.read_text())
    found = []
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method not in ("get", "post", "put", "delete", "patch"):
                continue
            security = operation.get("security") or []
            scheme = next(iter(security[0]), None) if security else None
            key = (method.upper(), path)
            if key in SECURITY:
                scheme = SECURITY[key][0]
            found.append((method.upper(), path, scheme))
    return found


OPERATIONS = operations()


def call(server: LiveServer, method: str, path: str, *, headers: dict[str, str] | None = None,
         params: dict[str, str] | None = None) -> requests.Response:  # fmt: skip
    url = server.base_url + path.replace("{clientId}", "1").replace("{id}", "abc")
    body = SAFE_BODIES.get(path, {})
    if method == "GET":
        return requests.get(url, headers=headers, params=params, timeout=10)
    return requests.request(method, url, headers=headers, params=params, json=body, timeout=10)


def test_the_spec_has_73_operations() -> None:
    assert len(OPERATIONS) == 73


def assert_answered(response: requests.Response, what: str) -> None:
    assert response.status_code not in (404, 405), f"{what}: not routed ({response.status_code})"
    assert response.status_code < 500, f"{what}: server error {response.status_code} {response.text[:200]}"


@pytest.mark.parametrize(("method", "path", "scheme"), OPERATIONS, ids=[f"{m} {p}" for m, p, _ in OPERATIONS])
def test_operation_is_routed_with_its_security(
    live_server: LiveServer, method: str, path: str, scheme: str | None
) -> None:
    what = f"{method} {path}"
    if path == "/api/yp":
        # The fuzz run shares this server and may have switched the directory off (then 404, as Owncast).
        live_server.post("/api/admin/config/directoryenabled", json={"value": True}, headers=admin_auth())
    if scheme is None:
        assert_answered(call(live_server, method, path), what)
        return
    if scheme == "AdminBasicAuth":
        for wrong in (None, basic_auth("admin", "wrong"), basic_auth("nobody", "abc123")):
            response = call(live_server, method, path, headers=wrong)
            assert response.status_code == 401, f"{what} without valid admin credentials"
            assert "WWW-Authenticate" in response.headers
        response = call(live_server, method, path, headers=admin_auth())
    elif scheme == "UserToken":
        for wrong in (None, {"accessToken": "not-a-token"}):
            assert call(live_server, method, path, params=wrong).status_code == 401, what
        response = call(live_server, method, path, params={"accessToken": live_server.user_token})
    elif scheme == "ModeratorUserToken":
        for wrong in (None, {"accessToken": "not-a-token"}, {"accessToken": live_server.user_token}):
            assert call(live_server, method, path, params=wrong).status_code == 401, what
        response = call(live_server, method, path, params={"accessToken": live_server.moderator_token})
    elif scheme == "AccessToken":
        scope = SCOPE_OF[path]
        other = next(token for name, token in live_server.integration_tokens.items() if name != scope)
        for wrong in (None, {"Authorization": "Bearer not-a-token"}, {"Authorization": f"Bearer {other}"}):
            response = call(live_server, method, path, headers=wrong)
            assert response.status_code == 401, f"{what} with a wrong token"
        headers = {"Authorization": f"Bearer {live_server.integration_tokens[scope]}"}
        response = call(live_server, method, path, headers=headers)
    else:
        raise AssertionError(f"unknown security scheme {scheme}")
    assert response.status_code != 401, f"{what}: right credentials refused"
    assert_answered(response, what)


@pytest.mark.parametrize(("method", "path"), list(EXTRA_PATHS), ids=[f"{m} {p}" for m, p in EXTRA_PATHS])
def test_real_server_paths_are_served_too(live_server: LiveServer, method: str, path: str) -> None:
    if path.startswith("/api/admin/"):
        response = call(live_server, method, path, headers=admin_auth())
    else:
        token = live_server.integration_tokens["HAS_ADMIN_ACCESS"]
        response = call(live_server, method, path, headers={"Authorization": f"Bearer {token}"})
    assert_answered(response, f"{method} {path}")


async def matched_declaration(app: web.Application, method: str, path: str) -> Requirement | None:
    """The declaration on the route the server's router picks for `method path`."""
    concrete = path.replace("{clientId}", "1").replace("{id}", "n0te1d")
    concrete = concrete.replace("{name}", "streamer" if concrete.startswith("/federation/") else "main.js")
    request = make_mocked_request(method, concrete, app=app)
    match = await app.router.resolve(request)
    assert match.http_exception is None, f"{method} {path}: not routed ({match.http_exception})"
    return declared_requirement(match.handler)


@pytest.mark.parametrize(("method", "path", "scheme"), OPERATIONS, ids=[f"{m} {p}" for m, p, _ in OPERATIONS])
async def test_each_route_declares_the_spec_security(
    live_server: LiveServer, method: str, path: str, scheme: str | None
) -> None:
    """Read back from the routes: the declaration each route carries is the spec's security scheme (and,
    for access tokens, the scope the real server asks for). The default-deny under /api/admin/ does not
    count here; every route says what it needs."""
    declared = await matched_declaration(live_server.app, method, path)
    assert declared is not None, f"{method} {path} has no security declaration"
    assert declared.scheme == scheme, f"{method} {path}: declares {declared!r}, the spec says {scheme}"
    if isinstance(declared, Integration):
        assert declared.scope == SCOPE_OF[path], f"{method} {path}: scope {declared.scope}"


@pytest.mark.parametrize(("method", "path"), list(EXTRA_PATHS), ids=[f"{m} {p}" for m, p in EXTRA_PATHS])
async def test_real_server_paths_declare_the_same_security(
    live_server: LiveServer, method: str, path: str
) -> None:
    declared = await matched_declaration(live_server.app, method, path)
    expected = Admin() if path.startswith("/api/admin/") else Integration("HAS_ADMIN_ACCESS")
    assert declared == expected


def our_declaration(path: str) -> Requirement:
    """What each of our own routes must declare: the admin API wants the admin, the dashboard's pages
    want the admin with a login page, and only the way in is open; the fediverse's inboxes want an HTTP
    signature and its documents are public."""
    if path.startswith("/api/admin/"):
        return Admin()
    if path.startswith("/federation/") and path.endswith("/inbox"):
        return HttpSignature()
    if path.startswith(("/federation/", "/.well-known/", "/nodeinfo/", "/api/v1/")):
        return Public()
    if path in ("/admin", "/admin/login", "/admin/logout") or path.startswith("/admin/assets/"):
        return DashboardEntry()
    return DashboardPage()


@pytest.mark.parametrize(("method", "path"), list(OUR_PATHS), ids=[f"{m} {p}" for m, p in OUR_PATHS])
async def test_our_paths_declare_their_security(live_server: LiveServer, method: str, path: str) -> None:
    """Routes beyond the spec are read back too (they are ours, so the expectation is ours)."""
    declared = await matched_declaration(live_server.app, method, path)
    assert declared == our_declaration(path), f"{method} {path}: declares {declared!r}"


@pytest.mark.parametrize(
    ("method", "path"),
    [key for key in OUR_PATHS if our_declaration(key[1]) in (Admin(), DashboardPage())],
    ids=[f"{m} {p}" for m, p in OUR_PATHS if our_declaration(p) in (Admin(), DashboardPage())],
)
def test_our_guarded_paths_refuse_without_credentials(
    live_server: LiveServer, method: str, path: str
) -> None:
    """Without credentials: the admin API challenges for Basic; the dashboard's pages show the login
    page instead (no challenge, so the browser shows our form)."""
    response = call(live_server, method, path)
    assert response.status_code == 401, f"{method} {path}"
    if path.startswith("/api/admin/"):
        assert response.headers["WWW-Authenticate"] == REALM
    else:
        assert "WWW-Authenticate" not in response.headers
        assert 'autocomplete="current-password"' in response.text
    assert call(live_server, method, path, headers=admin_auth()).status_code != 401


@pytest.mark.parametrize(
    ("method", "path"), list(OUR_PUBLIC_PATHS), ids=[f"{m} {p}" for m, p in OUR_PUBLIC_PATHS]
)
async def test_our_public_paths_are_declared_open(live_server: LiveServer, method: str, path: str) -> None:
    assert await matched_declaration(live_server.app, method, path) == Public()
