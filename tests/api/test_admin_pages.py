"""The dashboard's pages and login over HTTP: the auth rules of `/admin/…`, the session cookie, CSRF,
and the headers (issue "The admin dashboard")."""

from __future__ import annotations

import re
from http.cookies import SimpleCookie
from pathlib import Path

import aiohttp
import pytest

from ownstream.api.routes.admin_pages import ADMIN_PAGES, LEGACY_REDIRECTS
from ownstream.auth.session import COOKIE_NAME, SECRET_KEY
from tests.api.admin_login import cookie_from, log_in
from tests.harness import RunningServer, admin_auth, basic_auth, running_server

LOGIN_FORM = 'autocomplete="current-password"'


def assert_page_headers(response: aiohttp.ClientResponse) -> None:
    csp = response.headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert directives["frame-ancestors"] == "'none'"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cache-Control"] == "no-store"


async def test_admin_redirects_to_admin_slash_before_any_auth(
    server: RunningServer, http: aiohttp.ClientSession
) -> None:
    async with http.get(server.base_url + "/admin", allow_redirects=False) as response:
        assert response.status == 301
        assert response.headers["Location"] == "/admin/"


@pytest.mark.parametrize("path", ["/admin/", "/admin/config/general/", "/admin/chat/messages", "/admin/nope"])
async def test_pages_answer_the_login_page_without_a_basic_challenge(
    server: RunningServer, http: aiohttp.ClientSession, path: str
) -> None:
    for headers in ({}, basic_auth("admin", "wrong"), {"Cookie": f"{COOKIE_NAME}=forged.1.x"}):
        async with http.get(server.base_url + path, headers=headers, allow_redirects=False) as response:
            assert response.status == 401
            assert "WWW-Authenticate" not in response.headers
            assert response.content_type == "text/html"
            assert_page_headers(response)
            html = await response.text()
    assert LOGIN_FORM in html
    assert 'autocomplete="username"' in html and 'value="admin"' in html
    assert f'name="next" value="{path}"' in html
    assert "<script" not in html, "the login page runs no script"
    # Only one control is labelled Password.
    assert len(re.findall(r"<label[^>]*>[^<]*Password", html)) == 1


async def test_other_methods_on_pages_are_denied_too(
    server: RunningServer, http: aiohttp.ClientSession
) -> None:
    async with http.post(server.base_url + "/admin/config/general/") as response:
        assert response.status == 401
    async with http.post(server.base_url + "/admin/config/general/", headers=admin_auth()) as response:
        assert response.status == 405


async def test_every_page_loads_with_basic_credentials(
    server: RunningServer, http: aiohttp.ClientSession
) -> None:
    for path in ADMIN_PAGES:
        for variant in {path, path.rstrip("/") if path != "/admin/" else path}:
            async with http.get(server.base_url + variant, headers=admin_auth()) as response:
                assert response.status == 200, variant
                assert_page_headers(response)
                html = await response.text()
            assert '<div id="app">' in html
            assert '<meta name="ownstream-auth" content="basic">' in html
            assert re.search(r'<script type="module" src="/admin/assets/main-[\w-]+\.js"></script>', html)
    async with http.get(server.base_url + "/admin/no-such-page", headers=admin_auth()) as response:
        assert response.status == 404
        assert '<div id="app">' in await response.text()


@pytest.mark.parametrize(("old", "new"), list(LEGACY_REDIRECTS.items()))
async def test_owncast_0_0_11_urls_redirect(
    server: RunningServer, http: aiohttp.ClientSession, old: str, new: str
) -> None:
    async with http.get(server.base_url + old, headers=admin_auth(), allow_redirects=False) as response:
        assert response.status == 301
        assert response.headers["Location"] == new
    async with http.get(server.base_url + old, allow_redirects=False) as response:
        assert response.status == 401, "redirects only after the auth check"


async def test_assets_need_no_login(server: RunningServer, http: aiohttp.ClientSession) -> None:
    async with http.get(server.base_url + "/admin/", headers=admin_auth()) as response:
        html = await response.text()
    script = re.search(r'src="(/admin/assets/main-[\w-]+\.js)"', html)
    style = re.search(r'href="(/admin/assets/main-[\w-]+\.css)"', html)
    assert script and style
    for path, kind in ((script.group(1), "text/javascript"), (style.group(1), "text/css")):
        async with http.get(server.base_url + path) as response:
            assert response.status == 200
            assert response.content_type == kind
            assert "immutable" in response.headers["Cache-Control"]
    async with http.get(server.base_url + "/admin/assets/nope.js") as response:
        assert response.status == 404


async def test_json_login_sets_a_strict_http_only_cookie(
    server: RunningServer, http: aiohttp.ClientSession
) -> None:
    async with http.post(server.base_url + "/admin/login", json={"password": "wrong"}) as response:
        assert response.status == 401
        assert (await response.json())["success"] is False
        assert COOKIE_NAME not in response.cookies
    async with http.post(server.base_url + "/admin/login", json={"password": "abc123"}) as response:
        assert response.status == 200
        assert await response.json() == {"success": True, "message": "logged in"}
        raw = response.headers["Set-Cookie"]
    morsel = SimpleCookie(raw)[COOKIE_NAME]
    assert morsel["httponly"] is True
    assert morsel["samesite"] == "Strict"
    assert morsel["path"] == "/"
    assert int(morsel["max-age"]) == 7 * 24 * 3600
    assert not morsel["secure"], "plain HTTP on a LAN must still be able to log in"


async def test_the_login_form_redirects_to_where_you_were(
    server: RunningServer, http: aiohttp.ClientSession
) -> None:
    form = {"username": "admin", "password": "abc123", "next": "/admin/config-video"}
    async with http.post(server.base_url + "/admin/login", data=form, allow_redirects=False) as response:
        assert response.status == 303
        assert response.headers["Location"] == "/admin/config-video"
        cookie = cookie_from(response)
    async with http.get(server.base_url + "/admin/config-video", headers={"Cookie": cookie}) as response:
        assert response.status == 200
        html = await response.text()
    assert '<meta name="ownstream-auth" content="cookie">' in html


@pytest.mark.parametrize(
    "target", ["https://evil.example/admin/", "//evil.example/", "/api/admin/status", "/"]
)
async def test_the_form_never_redirects_off_the_admin(
    server: RunningServer, http: aiohttp.ClientSession, target: str
) -> None:
    form = {"username": "admin", "password": "abc123", "next": target}
    async with http.post(server.base_url + "/admin/login", data=form, allow_redirects=False) as response:
        assert response.status == 303
        assert response.headers["Location"] == "/admin/"


async def test_a_wrong_password_in_the_form_shows_the_form_again(
    server: RunningServer, http: aiohttp.ClientSession
) -> None:
    for form in ({"username": "admin", "password": "nope"}, {"username": "root", "password": "abc123"}):
        async with http.post(server.base_url + "/admin/login", data=form, allow_redirects=False) as response:
            assert response.status == 401
            assert "WWW-Authenticate" not in response.headers
            assert COOKIE_NAME not in response.cookies
            html = await response.text()
        assert 'role="alert"' in html and "Wrong password" in html and LOGIN_FORM in html


async def test_a_bad_login_body_is_a_400(server: RunningServer, http: aiohttp.ClientSession) -> None:
    for body in (b"[1, 2]", b"{", b'"password"'):
        async with http.post(
            server.base_url + "/admin/login", data=body, headers={"Content-Type": "application/json"}
        ) as response:
            assert response.status == 400
            assert (await response.json())["success"] is False


async def test_the_cookie_works_on_the_admin_api_with_csrf_on_changes(
    server: RunningServer, http: aiohttp.ClientSession
) -> None:
    session = await log_in(http, server.base_url)
    async with http.get(
        server.base_url + "/api/admin/status", headers=session.headers(csrf=False)
    ) as response:
        assert response.status == 200
    url = server.base_url + "/api/admin/config/name"
    async with http.post(url, json={"value": "No token"}, headers=session.headers(csrf=False)) as response:
        assert response.status == 403
        assert "CSRF" in (await response.json())["message"]
    wrong = {"Cookie": session.cookie, "X-CSRF-Token": session.csrf[:-2] + "xx"}
    async with http.post(url, json={"value": "Wrong token"}, headers=wrong) as response:
        assert response.status == 403
    async with http.post(url, json={"value": "Night Radio"}, headers=session.headers()) as response:
        assert response.status == 200
    assert server.server.services is not None
    assert server.server.services.config.current.server_name == "Night Radio"
    # Never required with Basic.
    async with http.post(url, json={"value": "Basic Radio"}, headers=admin_auth()) as response:
        assert response.status == 200


async def test_an_ended_session_gets_no_basic_challenge(
    server: RunningServer, http: aiohttp.ClientSession
) -> None:
    headers = {"Cookie": f"{COOKIE_NAME}=ended.1.x", "X-CSRF-Token": "t"}
    async with http.get(server.base_url + "/api/admin/status", headers=headers) as response:
        assert response.status == 401
        assert "WWW-Authenticate" not in response.headers
    async with http.get(server.base_url + "/api/admin/status", headers={"X-CSRF-Token": "t"}) as response:
        assert response.status == 401
        assert "WWW-Authenticate" not in response.headers
    async with http.get(server.base_url + "/api/admin/status") as response:
        assert response.status == 401
        assert "WWW-Authenticate" in response.headers, "scripts without the dashboard's header keep Basic"


async def test_changing_the_key_from_the_dashboard_keeps_that_session_only(
    server: RunningServer, http: aiohttp.ClientSession
) -> None:
    session = await log_in(http, server.base_url)
    other = await log_in(http, server.base_url)
    async with http.post(
        server.base_url + "/api/admin/config/key",
        json={"value": "a-much-longer-key"},
        headers=session.headers(),
    ) as response:
        assert response.status == 200
        renewed = cookie_from(response)
    assert renewed != session.cookie
    headers = {"Cookie": renewed, "X-CSRF-Token": session.csrf}
    async with http.get(server.base_url + "/api/admin/status", headers=headers) as response:
        assert response.status == 200, "the dashboard that changed the key stays logged in"
    async with http.get(server.base_url + "/admin/", headers={"Cookie": renewed}) as response:
        assert response.status == 200
    for stale in (session.headers(), other.headers()):
        async with http.get(server.base_url + "/api/admin/status", headers=stale) as response:
            assert response.status == 401
    async with http.get(server.base_url + "/api/admin/status", headers=admin_auth()) as response:
        assert response.status == 401
    async with http.get(
        server.base_url + "/api/admin/status", headers=admin_auth("a-much-longer-key")
    ) as response:
        assert response.status == 200


async def test_logging_out_revokes_the_session(server: RunningServer, http: aiohttp.ClientSession) -> None:
    session = await log_in(http, server.base_url)
    async with http.post(
        server.base_url + "/admin/logout",
        data={"csrf": session.csrf},
        headers={"Cookie": session.cookie},
        allow_redirects=False,
    ) as response:
        assert response.status == 303
        assert response.headers["Location"] == "/admin/"
        morsel = SimpleCookie(response.headers["Set-Cookie"])[COOKIE_NAME]
        assert morsel.value == "" and morsel["max-age"] == "0"
    # A copy of the cookie kept elsewhere is dead too.
    async with http.get(server.base_url + "/admin/", headers={"Cookie": session.cookie}) as response:
        assert response.status == 401
    async with http.get(server.base_url + "/api/admin/status", headers=session.headers()) as response:
        assert response.status == 401


async def test_logout_without_the_token_only_clears_the_cookie(
    server: RunningServer, http: aiohttp.ClientSession
) -> None:
    session = await log_in(http, server.base_url)
    async with http.post(
        server.base_url + "/admin/logout", headers={"Cookie": session.cookie}, allow_redirects=False
    ) as response:
        assert response.status == 303
    async with http.get(server.base_url + "/admin/", headers={"Cookie": session.cookie}) as response:
        assert response.status == 200, "a forged logout cannot revoke someone's session"


async def test_sessions_survive_a_restart_and_the_secret_stays_private(
    tmp_path: Path, http: aiohttp.ClientSession
) -> None:
    data = tmp_path / "data"
    async with running_server(data) as first:
        session = await log_in(http, first.base_url)
        assert first.server.services is not None
        secret = await first.server.services.config._repository.get(SECRET_KEY)
        async with http.get(first.base_url + "/api/admin/serverconfig", headers=admin_auth()) as response:
            assert secret not in await response.text()
        logged = "\n".join(entry.message for entry in first.server.log_buffer.all)
        assert secret not in logged
    async with running_server(data) as second:
        headers = {"Cookie": session.cookie}
        async with http.get(second.base_url + "/admin/", headers=headers) as response:
            assert response.status == 200
