"""The dashboard's credential checks: Basic parsing, the cookie's Secure flag over HTTPS, CSRF only on
state-changing methods, and the guard seam (back-off and cross-site rule) being consulted."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import make_mocked_request

from ownstream.auth.admin_access import AdminAccess, OpenGuard, basic_password
from ownstream.auth.session import COOKIE_NAME, AdminSessions
from tests.auth.test_session import MemoryStore
from tests.harness import basic_auth


class FixedClock:
    def now(self) -> datetime:
        return datetime(2026, 3, 1, tzinfo=UTC)

    def monotonic(self) -> float:
        return 0.0


class StubConfig:
    """What AdminAccess reads from the config service."""

    class current:  # mirrors ConfigService.current
        stream_key = "the-stream-key"
        admin_password_hash = ""


class RecordingGuard(OpenGuard):
    def __init__(self, refuse: bool = False) -> None:
        self.refuse = refuse
        self.calls: list[str] = []

    def refuses(self, request: web.Request) -> bool:
        self.calls.append("refuses")
        return self.refuse

    async def wait_turn(self, request: web.Request) -> None:
        self.calls.append("wait_turn")

    def failed(self, request: web.Request) -> None:
        self.calls.append("failed")

    def succeeded(self, request: web.Request) -> None:
        self.calls.append("succeeded")


async def access_with(guard: OpenGuard) -> AdminAccess:
    sessions = AdminSessions(MemoryStore(), FixedClock())
    await sessions.load()
    return AdminAccess(StubConfig(), sessions, guard)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("header", "password"),
    [
        (basic_auth("admin", "pw")["Authorization"], "pw"),
        (basic_auth("admin", "")["Authorization"], ""),
        (basic_auth("root", "pw")["Authorization"], ""),
        ("Basic !!!", None),
        ("Bearer abc", None),
        (None, None),
    ],
)
def test_basic_password(header: str | None, password: str | None) -> None:
    assert basic_password(header) == password


def cookie_of(response: web.StreamResponse) -> Any:
    return response.cookies[COOKIE_NAME]


async def test_the_cookie_is_secure_only_over_https() -> None:
    access = await access_with(OpenGuard())
    issued = access.sessions.issue("the-stream-key")
    plain = make_mocked_request("POST", "/admin/login")
    response = web.Response()
    access.set_cookie(plain, response, issued)
    assert not cookie_of(response)["secure"]
    secure = plain.clone(scheme="https")
    response = web.Response()
    access.set_cookie(secure, response, issued)
    morsel = cookie_of(response)
    assert morsel["secure"] is True and morsel["httponly"] is True and morsel["samesite"] == "Strict"


async def test_csrf_is_needed_only_to_change_things() -> None:
    access = await access_with(OpenGuard())
    session = access.sessions.issue("the-stream-key").session
    for method in ("GET", "HEAD", "OPTIONS"):
        assert access.csrf_ok(make_mocked_request(method, "/api/admin/status"), session)
    for method in ("POST", "PUT", "DELETE"):
        assert not access.csrf_ok(make_mocked_request(method, "/api/admin/config/name"), session)
        token = access.sessions.csrf_token(session)
        request = make_mocked_request(method, "/api/admin/config/name", headers={"X-CSRF-Token": token})
        assert access.csrf_ok(request, session)


async def test_every_password_check_goes_through_the_guard() -> None:
    guard = RecordingGuard()
    access = await access_with(guard)
    wrong = make_mocked_request("GET", "/admin/", headers=basic_auth("admin", "nope"))
    assert await access.identify(wrong) is None
    assert guard.calls == ["refuses", "wait_turn", "failed"]
    guard.calls.clear()
    right = make_mocked_request("GET", "/admin/", headers=basic_auth("admin", "the-stream-key"))
    identity = await access.identify(right)
    assert identity is not None and identity.method == "basic"
    assert guard.calls == ["refuses", "wait_turn", "succeeded"]
    guard.calls.clear()
    assert await access.check_password(make_mocked_request("POST", "/admin/login"), "nope") is False
    assert guard.calls == ["wait_turn", "failed"]


async def test_a_refused_cross_site_request_carries_no_credentials() -> None:
    access = await access_with(RecordingGuard(refuse=True))
    issued = access.sessions.issue("the-stream-key")
    headers = {**basic_auth("admin", "the-stream-key"), "Cookie": f"{COOKIE_NAME}={issued.cookie_value}"}
    assert await access.identify(make_mocked_request("GET", "/admin/", headers=headers)) is None
