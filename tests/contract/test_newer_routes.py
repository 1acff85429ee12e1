"""Newer Owncast's routes (issue 15, reference newer §2) are routed with the security the reference gives,
read back from their declarations, and each is listed in the differences table (`NEWER_OWNCAST`)."""

from __future__ import annotations

import pytest

from ownstream.auth.requirements import Admin, ChatUser, Integration, Moderator, Public, Requirement
from ownstream.domain.scopes import HAS_ADMIN_ACCESS
from tests.contract.conftest import LiveServer
from tests.contract.differences import NEWER_OWNCAST
from tests.contract.test_routes import matched_declaration

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
}
_ = ChatUser


@pytest.mark.parametrize(("method", "path"), list(NEWER_ROUTES), ids=[f"{m} {p}" for m, p in NEWER_ROUTES])
async def test_newer_routes_declare_the_references_security(
    live_server: LiveServer, method: str, path: str
) -> None:
    concrete = path.replace("{userId}", "someone").replace("{path}", "file.txt")
    declared = await matched_declaration(live_server.app, method, concrete)
    assert declared == NEWER_ROUTES[(method, path)], f"{method} {path}: declares {declared!r}"


def test_every_newer_route_is_in_the_differences_table() -> None:
    assert set(NEWER_ROUTES) <= set(NEWER_OWNCAST)
