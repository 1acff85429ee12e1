"""Newer Owncast's routes (issue 15, reference newer §2) are routed with the security the reference gives,
read back from their declarations, and each is listed in the differences table (`NEWER_OWNCAST`)."""

from __future__ import annotations

import pytest
import requests

from ownstream.api.newer_methods import NEWER_API_METHODS
from ownstream.auth.requirements import Admin, ChatUser, Integration, Moderator, Public, Requirement
from ownstream.domain.scopes import HAS_ADMIN_ACCESS
from tests.contract.conftest import LiveServer
from tests.contract.differences import NEWER_OWNCAST
from tests.contract.test_routes import matched_declaration, operations

pytestmark = [pytest.mark.contract, pytest.mark.xdist_group("contract")]

NEWER_ROUTES: dict[tuple[str, str], Requirement] = {
    ("POST", "/api/admin/config/streamkeys"): Admin(),
    ("POST", "/api/admin/config/adminpass"): Admin(),
    ("GET", "/api/admin/chat/users/ipbans"): Admin(),
    ("POST", "/api/admin/chat/users/ipbans/create"): Admin(),
    ("POST", "/api/admin/chat/users/ipbans/remove"): Admin(),
    ("POST", "/api/admin/chat/messagevisibility"): Admin(),
    ("POST", "/api/chat/messagevisibility"): Moderator(),
    ("GET", "/api/moderation/chat/user/{userId}"): Moderator(),
    ("GET", "/api/integrations/moderation/chat/user/{userId}"): Integration(HAS_ADMIN_ACCESS),
    ("GET", "/api/integrations/status"): Integration(HAS_ADMIN_ACCESS),
    ("POST", "/api/admin/config/chat/joinmessagesenabled"): Admin(),
    ("POST", "/api/admin/config/chat/establishedusermode"): Admin(),
    ("POST", "/api/admin/config/chat/spamprotectionenabled"): Admin(),
    ("POST", "/api/admin/config/chat/slurfilterenabled"): Admin(),
    ("POST", "/api/metrics/playback"): Public(),
    ("GET", "/api/admin/metrics/video"): Admin(),
    ("GET", "/api/admin/viewers"): Admin(),
    ("GET", "/api/admin/prometheus"): Admin(),
    ("POST", "/api/admin/config/disablesearchindexing"): Admin(),
    ("GET", "/robots.txt"): Public(),
    ("POST", "/api/admin/config/sockethostoverride"): Admin(),
    ("POST", "/api/admin/config/appearance"): Admin(),
    ("GET", "/public/{path}"): Public(),
    ("POST", "/api/admin/config/favicon"): Admin(),
    ("POST", "/api/admin/config/videoservingendpoint"): Admin(),
    ("DELETE", "/api/admin/config/favicon"): Admin(),
    ("POST", "/api/metrics/cmcd"): Public(),
    ("GET", "/api/metrics/cmcd"): Public(),
    ("GET", "/api/admin/viewers/playback"): Admin(),
    ("POST", "/api/admin/config/chat/requireauthentication"): Admin(),
    ("POST", "/api/auth/indieauth"): ChatUser(),
    ("GET", "/api/auth/indieauth/callback"): Public(),
    ("POST", "/api/auth/fediverse"): ChatUser(),
    ("POST", "/api/auth/fediverse/verify"): Public(),
    ("GET", "/api/auth/provider/indieauth"): Admin(),
    ("POST", "/api/auth/provider/indieauth"): Public(),
    # Scheduled streams (development branch, §14.1)
    ("GET", "/api/admin/schedule"): Admin(),
    ("POST", "/api/admin/schedule/event"): Admin(),
    ("POST", "/api/admin/schedule/event/delete"): Admin(),
    ("POST", "/api/admin/schedule/preview"): Admin(),
    ("POST", "/api/admin/config/schedule/enabled"): Admin(),
    ("POST", "/api/admin/config/schedule/showcountdown"): Admin(),
    ("POST", "/api/admin/config/schedule/chatopenminutes"): Admin(),
    ("POST", "/api/admin/config/schedule/remindermessage"): Admin(),
    ("POST", "/api/admin/config/schedule/firstreminderminutes"): Admin(),
    ("POST", "/api/admin/config/schedule/secondreminderminutes"): Admin(),
    ("GET", "/api/schedule"): Public(),
    ("GET", "/api/schedule.ics"): Public(),
    ("GET", "/schedule/{id}"): Public(),
}


@pytest.mark.parametrize(("method", "path"), list(NEWER_ROUTES), ids=[f"{m} {p}" for m, p in NEWER_ROUTES])
async def test_newer_routes_declare_the_references_security(
    live_server: LiveServer, method: str, path: str
) -> None:
    concrete = path.replace("{userId}", "someone").replace("{path}", "file.txt").replace("{id}", "abc")
    declared = await matched_declaration(live_server.app, method, concrete)
    assert declared == NEWER_ROUTES[(method, path)], f"{method} {path}: declares {declared!r}"


def test_every_newer_route_is_in_the_differences_table() -> None:
    assert set(NEWER_ROUTES) <= set(NEWER_OWNCAST)


HTTP_METHODS = ("GET", "POST", "PUT", "DELETE", "PATCH")


def newer_api_routes() -> dict[str, frozenset[str]]:
    """Every `/api/` path newer Owncast added (in the differences table, not in 0.0.11's spec), with the
    methods it answers."""
    spec_paths = {path for _, path, _ in operations()}
    found: dict[str, set[str]] = {}
    for method, path in NEWER_OWNCAST:
        if method in HTTP_METHODS and path.startswith("/api/") and " " not in path and path not in spec_paths:
            found.setdefault(path, set()).add(method)
    return {path: frozenset(methods) for path, methods in found.items()}


NEWER_API_ROUTES = newer_api_routes()
WRONG_METHODS = [
    (method, path)
    for path, allowed in sorted(NEWER_API_ROUTES.items())
    for method in HTTP_METHODS
    if method not in allowed and not (path == "/api/admin/prometheus" and method in ("POST", "PUT", "DELETE"))
]


def test_the_rule_knows_every_newer_api_route() -> None:
    """The server's table (src) is the differences table's newer `/api/` routes, nothing more or less."""
    expected = dict(NEWER_API_ROUTES)
    expected["/api/admin/prometheus"] = frozenset({"GET", "POST", "PUT", "DELETE"})
    del expected["/api/metrics/cmcd"]  # answers its own 405 (with CORS); checked below as every other
    assert dict(NEWER_API_METHODS) == expected


def test_prometheus_answers_the_methods_0_2_lists(live_server: LiveServer) -> None:
    for method in ("GET", "POST", "PUT", "DELETE"):
        response = requests.request(
            method, live_server.base_url + "/api/admin/prometheus", auth=("admin", "abc123"), timeout=10
        )
        assert response.status_code == 200 and b"# TYPE" in response.content, method


def test_the_newer_api_routes_are_enumerated() -> None:
    assert len(NEWER_API_ROUTES) >= 35
    assert NEWER_API_ROUTES["/api/admin/config/favicon"] == {"POST", "DELETE"}
    assert "/api/admin/status" not in NEWER_API_ROUTES  # 0.0.11's: its behaviour stays


@pytest.mark.parametrize(("method", "path"), WRONG_METHODS, ids=[f"{m} {p}" for m, p in WRONG_METHODS])
def test_a_newer_route_answers_another_method_405_with_an_empty_body(
    live_server: LiveServer, method: str, path: str
) -> None:
    """The 0.2 router's rule (newer §1, C11) on the routes 0.0.11 did not have; before any security
    check, as there (the router matches before the handler's auth)."""
    concrete = path.replace("{userId}", "someone")
    response = requests.request(method, live_server.base_url + concrete, timeout=10)
    assert (response.status_code, response.content) == (405, b""), f"{method} {path}: {response.text!r}"
    assert set(response.headers["Allow"].split(", ")) >= NEWER_API_ROUTES[path]


def test_0_0_11_routes_keep_their_answers_to_other_methods(live_server: LiveServer) -> None:
    """The rule is for newer routes only: 0.0.11's POST-only actions still say so in a simple 400, and
    0.0.11's routes answer as before."""
    response = requests.get(
        live_server.base_url + "/api/admin/config/key", auth=("admin", "abc123"), timeout=10
    )
    assert (response.status_code, response.json()) == (
        400,
        {"success": False, "message": "GET not supported"},
    )
    response = requests.post(live_server.base_url + "/api/status", timeout=10)
    assert response.status_code == 405 and response.content != b""
