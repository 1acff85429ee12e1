"""CORS preflights on the admin and integration routes (reference §2; newer §1 and C10): each answers
`OPTIONS` with 204 and an empty body before any credential check, whatever methods it registered — the
admin's with our admin CORS headers (the request's own origin echoed, credentials allowed), the
integrations' with `*`. Read from the contract tables (the spec's operations and the differences table's
routes) and, so that no route is missed, from the server's router."""

from __future__ import annotations

import re

import pytest
import requests

from ownstream.auth.admin import ALLOWED_HEADERS, ALLOWED_METHODS
from ownstream.auth.route_security import effective_requirement, route_declarations
from ownstream.auth.token_gates import INTEGRATION_PREFLIGHT_HEADERS
from tests.contract.conftest import LiveServer
from tests.contract.differences import DEVIATIONS, EXTRA_PATHS, NEWER_OWNCAST, OUR_PATHS
from tests.contract.test_routes import operations

pytestmark = [pytest.mark.contract, pytest.mark.xdist_group("contract")]

ADMIN_PREFIX = "/api/admin/"
INTEGRATIONS_PREFIX = "/api/integrations/"
HTTP_METHODS = ("GET", "POST", "PUT", "DELETE", "PATCH")
_TEMPLATE_PART = re.compile(r"\{[^}]+\}")


def table_routes() -> list[tuple[str, str]]:
    """(method, path) of every admin and integration route the contract tables name."""
    found = {(method, path) for method, path, _ in operations()}
    for table in (NEWER_OWNCAST, OUR_PATHS, EXTRA_PATHS, DEVIATIONS):
        found |= set(table)
    return sorted(
        (method, path)
        for method, path in found
        if method in HTTP_METHODS
        and path.startswith((ADMIN_PREFIX, INTEGRATIONS_PREFIX))
        and " " not in path
        and "*" not in path
    )


TABLE_ROUTES = table_routes()


def concrete(path: str) -> str:
    return _TEMPLATE_PART.sub("x1", path)


def preflight(server: LiveServer, path: str, method: str, origin: str) -> requests.Response:
    return requests.options(
        server.base_url + concrete(path),
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": method,
            "Access-Control-Request-Headers": "authorization, content-type",
        },
        timeout=10,
    )


def listed(header: str) -> set[str]:
    return {item.strip().lower() for item in header.split(",")}


def problems(server: LiveServer, path: str, method: str) -> list[str]:
    """What is wrong with the preflight answer of `method path` (nothing: an empty list)."""
    response = preflight(server, path, method, server.base_url)
    if (response.status_code, response.content) != (204, b""):
        return [f"{method} {path}: {response.status_code} {response.text[:100]!r}"]
    headers = response.headers
    found: list[str] = []
    if path.startswith(INTEGRATIONS_PREFIX):
        if headers.get("Access-Control-Allow-Origin") != "*":
            found.append(f"{path}: Allow-Origin {headers.get('Access-Control-Allow-Origin')!r}")
    else:
        if headers.get("Access-Control-Allow-Origin") != server.base_url:
            found.append(f"{path}: Allow-Origin {headers.get('Access-Control-Allow-Origin')!r}")
        if headers.get("Access-Control-Allow-Credentials") != "true":
            found.append(f"{path}: no Allow-Credentials")
    if method.lower() not in listed(headers.get("Access-Control-Allow-Methods", "")):
        found.append(f"{method} {path}: Allow-Methods {headers.get('Access-Control-Allow-Methods')!r}")
    if not {"authorization", "content-type"} <= listed(headers.get("Access-Control-Allow-Headers", "")):
        found.append(f"{path}: Allow-Headers {headers.get('Access-Control-Allow-Headers')!r}")
    return found


def test_the_table_names_the_newer_and_the_0_0_11_routes() -> None:
    paths = {path for _, path in TABLE_ROUTES}
    assert len(TABLE_ROUTES) >= 100
    for path in (
        "/api/admin/status",  # 0.0.11's
        "/api/admin/prometheus",  # OPTIONS 204 in the reference (newer §11)
        "/api/admin/config/favicon",  # DELETE too
        "/api/admin/schedule",  # §14: "every admin route below also answers OPTIONS"
        "/api/integrations/status",  # GET only
        "/api/integrations/moderation/chat/user/{userId}",
        "/api/integrations/chat/send",
    ):
        assert path in paths, path


@pytest.mark.parametrize(("method", "path"), TABLE_ROUTES, ids=[f"{m} {p}" for m, p in TABLE_ROUTES])
def test_a_route_of_the_table_answers_a_preflight_without_credentials(
    live_server: LiveServer, method: str, path: str
) -> None:
    assert problems(live_server, path, method) == []


def test_every_admin_and_integration_route_of_the_router_answers_a_preflight(
    live_server: LiveServer,
) -> None:
    """The router's own list: every route held to a requirement whose gate answers preflights (the
    admin, the integrations), with each method it registered."""
    checked: set[tuple[str, str]] = set()
    found: list[str] = []
    for route, declared in route_declarations(live_server.app):
        resource = route.resource
        if resource is None or route.method in ("HEAD", "OPTIONS"):
            continue
        path = resource.canonical
        requirement = effective_requirement(path, declared)
        if requirement is None or not requirement.answers_preflight:
            continue
        method = "POST" if route.method == "*" else route.method
        if (method, path) in checked:
            continue
        checked.add((method, path))
        if path.startswith((ADMIN_PREFIX, INTEGRATIONS_PREFIX)):
            found += problems(live_server, path, method)
        else:  # e.g. the IndieAuth provider's admin approval, the dashboard's admin-only pages
            response = preflight(live_server, path, method, live_server.base_url)
            if response.status_code != 204:
                found.append(f"{method} {path}: {response.status_code}")
    assert len(checked) >= 100
    assert found == []


def test_the_headers_are_the_documented_ones(live_server: LiveServer) -> None:
    admin = preflight(live_server, "/api/admin/config/favicon", "DELETE", live_server.base_url)
    assert ALLOWED_METHODS == "GET, POST, PUT, DELETE, OPTIONS"
    assert admin.headers["Access-Control-Allow-Methods"] == ALLOWED_METHODS
    assert admin.headers["Access-Control-Allow-Headers"] == ALLOWED_HEADERS
    assert admin.headers["Vary"] == "Origin"
    integration = preflight(live_server, "/api/integrations/status", "GET", "https://bot.example")
    for name, value in INTEGRATION_PREFLIGHT_HEADERS.items():
        assert integration.headers[name] == value


def test_a_preflight_changes_nothing_and_a_foreign_origin_is_granted_nothing(live_server: LiveServer) -> None:
    before = requests.get(live_server.base_url + "/api/config", timeout=10).json()["name"]
    response = requests.options(
        live_server.base_url + "/api/admin/config/name",
        json={"value": "changed by a preflight"},
        headers={"Origin": "https://elsewhere.example", "Access-Control-Request-Method": "POST"},
        timeout=10,
    )
    assert (response.status_code, response.content) == (204, b"")
    assert "Access-Control-Allow-Origin" not in response.headers
    assert "Access-Control-Allow-Credentials" not in response.headers
    assert requests.get(live_server.base_url + "/api/config", timeout=10).json()["name"] == before


def test_other_routes_keep_their_answers_to_options(live_server: LiveServer) -> None:
    """Only the admin's and the integrations' gates answer preflights: a moderator's route registered for
    GET only still answers aiohttp's 405 (nothing is added there)."""
    response = requests.options(live_server.base_url + "/api/moderation/chat/user/someone", timeout=10)
    assert response.status_code == 405
