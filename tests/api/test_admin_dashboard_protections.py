"""The defects issue's protections on the dashboard's own credential checks: the login form counts
towards the same per-address back-off as Basic, a session cookie from a foreign page is refused like
Basic, and the cookie is `Secure` when a trusted proxy says the request came over HTTPS."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from dataclasses import replace
from http.cookies import SimpleCookie
from pathlib import Path

import aiohttp
import pytest

from ownstream.auth.session import COOKIE_NAME
from ownstream.net.client_address import parse_networks
from tests.api.admin_login import log_in
from tests.harness import RunningServer, basic_auth, make_settings, running_server

GUESS = "not-the-key"


@pytest.fixture
async def braked(tmp_path: Path) -> AsyncIterator[RunningServer]:
    settings = make_settings(
        tmp_path / "data", login_free_failures=3, login_first_delay=0.3, login_max_delay=0.6
    )
    async with running_server(tmp_path / "data", settings) as running:
        yield running


async def timed_login(http: aiohttp.ClientSession, server: RunningServer, password: str) -> tuple[int, float]:
    loop = asyncio.get_running_loop()
    started = loop.time()
    async with http.post(server.base_url + "/admin/login", json={"password": password}) as response:
        return response.status, loop.time() - started


async def test_the_login_form_shares_the_back_off_with_basic(
    braked: RunningServer, http: aiohttp.ClientSession, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    for _ in range(2):
        status, took = await timed_login(http, braked, GUESS)
        assert status == 401 and took < 0.25
    async with http.get(braked.base_url + "/api/admin/status", headers=basic_auth("admin", GUESS)) as r:
        assert r.status == 401  # the third failure, through Basic
    status, took = await timed_login(http, braked, GUESS)
    assert status == 401 and took >= 0.28, "the form is braked after failures through Basic"
    status, took = await timed_login(http, braked, "abc123")
    assert status == 200, "the right password still works (after its turn)"
    status, took = await timed_login(http, braked, GUESS)
    assert took < 0.25, "a correct password cleared the record"
    failures = [r for r in caplog.records if "wrong admin credentials from" in r.getMessage()]
    assert len(failures) >= 4
    assert all(GUESS not in r.getMessage() for r in caplog.records)


async def test_a_session_cookie_from_a_foreign_page_is_refused(
    server: RunningServer, http: aiohttp.ClientSession
) -> None:
    session = await log_in(http, server.base_url)
    url = server.base_url + "/api/admin/config/name"
    foreign = {**session.headers(), "Origin": "https://evil.example"}
    async with http.post(url, json={"value": "Pwned"}, headers=foreign) as response:
        assert response.status == 403
    assert server.server.services is not None
    assert server.server.services.config.current.server_name != "Pwned"
    referer = {**session.headers(), "Referer": "https://evil.example/page"}
    async with http.post(url, json={"value": "Pwned"}, headers=referer) as response:
        assert response.status == 403
    own = {**session.headers(), "Origin": server.base_url}
    async with http.post(url, json={"value": "Own page"}, headers=own) as response:
        assert response.status == 200
    # A page load from a foreign page gets the login form, not the app (nor its CSRF token).
    headers = {"Cookie": session.cookie, "Referer": "https://evil.example/"}
    async with http.get(server.base_url + "/admin/", headers=headers) as response:
        assert response.status == 401
        assert 'name="ownstream-csrf"' not in await response.text()
    async with http.post(
        server.base_url + "/admin/login",
        json={"password": "abc123"},
        headers={"Origin": "https://evil.example"},
    ) as response:
        assert response.status == 403


async def test_the_cookie_is_secure_behind_a_trusted_https_proxy(
    tmp_path: Path, http: aiohttp.ClientSession
) -> None:
    settings = replace(make_settings(tmp_path / "data"), trusted_proxies=parse_networks("127.0.0.1/32"))
    async with running_server(tmp_path / "data", settings) as server:
        for proto, secure in (("https", True), ("http", False)):
            async with http.post(
                server.base_url + "/admin/login",
                json={"password": "abc123"},
                headers={"X-Forwarded-Proto": proto, "X-Forwarded-For": "203.0.113.9"},
            ) as response:
                assert response.status == 200
                morsel = SimpleCookie(response.headers["Set-Cookie"])[COOKIE_NAME]
            assert bool(morsel["secure"]) is secure, proto


async def test_an_untrusted_peer_cannot_claim_https(
    server: RunningServer, http: aiohttp.ClientSession
) -> None:
    async with http.post(
        server.base_url + "/admin/login", json={"password": "abc123"}, headers={"X-Forwarded-Proto": "https"}
    ) as response:
        morsel = SimpleCookie(response.headers["Set-Cookie"])[COOKIE_NAME]
    assert not morsel["secure"]
