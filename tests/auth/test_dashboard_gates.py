"""The dashboard in the route security: the session cookie as the admin gate's second credential (when
it counts as presented, its two refusals, its re-signing after a key change) and the gate of the
dashboard's pages. Over HTTP: tests/api/test_admin_pages.py."""

from __future__ import annotations

from datetime import UTC, datetime
from http.cookies import SimpleCookie
from types import SimpleNamespace

from aiohttp import web
from aiohttp.test_utils import make_mocked_request

from ownstream.auth.admin_access import (
    ADMIN_IDENTITY,
    CSRF_REFUSED,
    SESSION_ENDED,
    AdminAccess,
    OpenGuard,
)
from ownstream.auth.dashboard_gates import DashboardPageGate, SessionCookie
from ownstream.auth.requirements import DashboardPage
from ownstream.auth.session import COOKIE_NAME, AdminSessions
from tests.auth.test_session import MemoryStore
from tests.harness import basic_auth

CORS = {"Vary": "Origin", "Access-Control-Allow-Credentials": "true"}


class FixedClock:
    def now(self) -> datetime:
        return datetime(2026, 3, 1, tzinfo=UTC)

    def monotonic(self) -> float:
        return 0.0


class KeyConfig:
    """What AdminAccess reads from the config service, with a key the test can change."""

    def __init__(self, stream_key: str) -> None:
        self.current = SimpleNamespace(stream_key=stream_key, admin_password_hash="")


async def access_for(config: KeyConfig) -> AdminAccess:
    sessions = AdminSessions(MemoryStore(), FixedClock())
    await sessions.load()
    return AdminAccess(config, sessions, OpenGuard())  # type: ignore[arg-type]


def cookie_header(access: AdminAccess, key: str) -> tuple[dict[str, str], str]:
    issued = access.sessions.issue(key)
    return {"Cookie": f"{COOKIE_NAME}={issued.cookie_value}"}, access.sessions.csrf_token(issued.session)


async def test_the_cookie_counts_only_without_an_authorization_header() -> None:
    access = await access_for(KeyConfig("the-key"))
    cookie = SessionCookie(access)
    headers, _csrf = cookie_header(access, "the-key")

    def presented(extra: dict[str, str]) -> bool:
        return cookie.presented(make_mocked_request("GET", "/api/admin/status", headers=extra))

    assert presented(headers)
    assert presented({"X-CSRF-Token": "t"}), "the dashboard's header alone: no Basic challenge for it"
    assert not presented({})
    assert not presented({**headers, **basic_auth("admin", "the-key")}), "Basic decides"
    assert not presented({**headers, "Authorization": "Bearer token"}), "a challenge, as before"


async def test_an_ended_session_is_a_401_without_a_challenge_and_a_change_needs_the_csrf_token() -> None:
    access = await access_for(KeyConfig("the-key"))
    cookie = SessionCookie(access)
    headers, csrf = cookie_header(access, "the-key")

    forged = make_mocked_request("GET", "/api/admin/status", headers={"Cookie": f"{COOKIE_NAME}=x.1.y"})
    assert not await cookie.verify(forged)
    refusal = cookie.refused(forged, CORS)
    assert refusal.status == 401
    assert "WWW-Authenticate" not in refusal.headers
    assert refusal.text is not None and SESSION_ENDED in refusal.text
    assert refusal.headers["Access-Control-Allow-Credentials"] == "true"

    assert await cookie.verify(make_mocked_request("GET", "/api/admin/status", headers=headers))
    without_token = make_mocked_request("POST", "/api/admin/config/name", headers=headers)
    assert not await cookie.verify(without_token)
    refusal = cookie.refused(without_token, CORS)
    assert refusal.status == 403
    assert refusal.text is not None and CSRF_REFUSED in refusal.text
    with_token = make_mocked_request(
        "POST", "/api/admin/config/name", headers={**headers, "X-CSRF-Token": csrf}
    )
    assert await cookie.verify(with_token)


async def test_the_cookie_is_re_signed_only_when_its_request_changed_the_key() -> None:
    config = KeyConfig("the-key")
    access = await access_for(config)
    cookie = SessionCookie(access)
    headers, csrf = cookie_header(access, "the-key")

    async def answer(status: int, *, change_key_to: str | None = None) -> web.Response:
        request = make_mocked_request(
            "POST", "/api/admin/config/key", headers={**headers, "X-CSRF-Token": csrf}
        )
        assert await cookie.verify(request)
        if change_key_to is not None:
            config.current = SimpleNamespace(stream_key=change_key_to, admin_password_hash="")
        response = web.Response(status=status)
        await access.renew_after_key_change(request, response)
        return response

    assert "Set-Cookie" not in (await answer(200)).headers
    assert "Set-Cookie" not in (await answer(400, change_key_to="rejected-key")).headers
    config.current = SimpleNamespace(stream_key="the-key", admin_password_hash="")
    renewed = (await answer(200, change_key_to="a-new-key")).headers["Set-Cookie"]
    value = SimpleCookie(renewed)[COOKIE_NAME].value
    assert access.sessions.verify(value, "a-new-key") is not None
    assert access.sessions.verify(value, "the-key") is None

    # A request the cookie did not admit (Basic, a page) is never given one.
    basic = make_mocked_request("POST", "/api/admin/config/key", headers=basic_auth("admin", "a-new-key"))
    config.current = SimpleNamespace(stream_key="yet-another-key", admin_password_hash="")
    response = web.Response()
    await access.renew_after_key_change(basic, response)
    assert "Set-Cookie" not in response.headers


async def test_the_page_gate_shows_the_login_page_or_admits_with_who_it_is() -> None:
    access = await access_for(KeyConfig("the-key"))
    login_page = web.Response(status=401, text="log in")
    gate = DashboardPageGate(access, lambda request: login_page)
    seen: list[str] = []

    async def page(request: web.Request) -> web.StreamResponse:
        seen.append(request[ADMIN_IDENTITY].method)
        return web.Response(text="the app")

    for headers in ({}, basic_auth("admin", "wrong"), {"Cookie": f"{COOKIE_NAME}=x.1.y"}):
        request = make_mocked_request("GET", "/admin/", headers=headers)
        assert await gate.serve(request, DashboardPage(), page) is login_page
    assert seen == []
    cookie, _csrf = cookie_header(access, "the-key")
    for headers in (cookie, basic_auth("admin", "the-key")):
        response = await gate.serve(
            make_mocked_request("GET", "/admin/", headers=headers), DashboardPage(), page
        )
        assert response.status == 200
    assert seen == ["cookie", "basic"]
