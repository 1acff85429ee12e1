"""The clip routes (issue 13, ours) are listed in the differences table and declare what the table
says: the admin's under /api/admin, the chat user's cut behind a user token, the rest open."""

from __future__ import annotations

import pytest
import requests

from ownstream.auth.requirements import Admin, ChatUser, Public, Requirement
from tests.contract.conftest import LiveServer
from tests.contract.differences import OUR_CHAT_USER_PATHS, OUR_PATHS, OUR_PUBLIC_PATHS
from tests.contract.test_routes import matched_declaration

pytestmark = [pytest.mark.contract, pytest.mark.xdist_group("contract")]

CLIP_ROUTES: dict[tuple[str, str], Requirement] = {
    ("POST", "/api/clips"): ChatUser(),
    ("GET", "/api/clips"): Public(),
    ("GET", "/api/clips/{id}"): Public(),
    ("GET", "/clip/{id}"): Public(),
    ("GET", "/clip/{id}/stream.m3u8"): Public(),
    ("GET", "/clip/{id}/media/{name}"): Public(),
    ("GET", "/clip/{id}/download.mp4"): Public(),
    ("POST", "/api/admin/clips"): Admin(),
    ("DELETE", "/api/admin/clips/{id}"): Admin(),
    ("POST", "/api/admin/config/clips/enabled"): Admin(),
    ("POST", "/api/admin/config/clips/maxduration"): Admin(),
    ("POST", "/api/admin/config/clips/permission"): Admin(),
}


@pytest.mark.parametrize(("method", "path"), list(CLIP_ROUTES), ids=[f"{m} {p}" for m, p in CLIP_ROUTES])
async def test_clip_routes_declare_their_security(live_server: LiveServer, method: str, path: str) -> None:
    concrete = path.replace("{id}", "abc").replace("{name}", "init-a.mp4")
    declared = await matched_declaration(live_server.app, method, concrete)
    assert declared == CLIP_ROUTES[(method, path)], f"{method} {path}: declares {declared!r}"


def test_every_clip_route_is_in_the_differences_table() -> None:
    listed = set(OUR_PATHS) | set(OUR_PUBLIC_PATHS) | set(OUR_CHAT_USER_PATHS)
    assert set(CLIP_ROUTES) <= listed


def test_the_chat_users_clip_route_refuses_without_a_token(live_server: LiveServer) -> None:
    response = requests.post(live_server.base_url + "/api/clips", json={"start": 0}, timeout=10)
    assert response.status_code == 401 and response.text == "unauthorized\n"
