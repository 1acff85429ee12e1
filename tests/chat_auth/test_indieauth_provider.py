"""Ownstream as an IndieAuth provider for the streamer (newer Owncast §7.2) on a real server: the admin's
approval redirects back with a code, the client trades it (PKCE checked) for the server's identity, and
every mismatch is Owncast's 200 `invalid_client` answer."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from yarl import URL

from ownstream.chat_auth.indieauth_discovery import code_challenge
from tests.harness import RunningServer, admin_auth, running_server

PROVIDER = "/api/auth/provider/indieauth"
VERIFIER = "v" * 50
CLIENT = "https://client.example/"
REDIRECT = "https://client.example/callback?keep=1"


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[RunningServer]:
    async with running_server(tmp_path / "data") as running:
        services = running.server.services
        assert services is not None
        await services.config.update(server_url="https://stream.example/", server_name="My Stream")
        yield running


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


async def approve(http: aiohttp.ClientSession, server: RunningServer, **changes: str) -> URL:
    query = {
        "client_id": CLIENT,
        "redirect_uri": REDIRECT,
        "code_challenge": code_challenge(VERIFIER),
        "state": "abc",
        "me": "https://stream.example/",
        **changes,
    }
    async with http.get(
        server.base_url + PROVIDER, params=query, headers=admin_auth(), allow_redirects=False
    ) as response:
        assert response.status == 307, await response.text()
        return URL(response.headers["Location"])


async def redeem(http: aiohttp.ClientSession, server: RunningServer, **form: str) -> tuple[int, Any]:
    async with http.post(server.base_url + PROVIDER, data=form) as response:
        return response.status, await response.json()


async def test_approve_and_redeem(http: aiohttp.ClientSession, server: RunningServer) -> None:
    back = await approve(http, server)
    assert str(back.with_query(None)) == "https://client.example/callback"
    assert back.query["keep"] == "1" and back.query["state"] == "abc" and back.query["code"]
    form = {
        "code": back.query["code"],
        "redirect_uri": REDIRECT,
        "client_id": CLIENT,
        "code_verifier": VERIFIER,
    }
    assert await redeem(http, server, **form) == (
        200,
        {
            "me": "https://stream.example",
            "profile": {
                "name": "My Stream",
                "url": "https://stream.example",
                "photo": "https://stream.example/logo",
            },
        },
    )
    assert await redeem(http, server, **form) == (
        200,
        {"error": "invalid_client", "error_description": "no pending authentication request"},
    ), "a code is good once"


@pytest.mark.parametrize(
    ("change", "description"),
    [
        ({"redirect_uri": "https://evil.example/callback"}, "redirect URI does not match"),
        ({"client_id": "https://evil.example/"}, "client ID does not match"),
        ({"code_verifier": "w" * 50}, "code verifier is incorrect"),
        ({"code_verifier": ""}, "code verifier is incorrect"),
    ],
)
async def test_mismatches(
    http: aiohttp.ClientSession, server: RunningServer, change: dict[str, str], description: str
) -> None:
    back = await approve(http, server)
    form = {
        "code": back.query["code"],
        "redirect_uri": REDIRECT,
        "client_id": CLIENT,
        "code_verifier": VERIFIER,
    }
    assert await redeem(http, server, **{**form, **change}) == (
        200,
        {"error": "invalid_client", "error_description": description},
    )


async def test_approval_needs_the_admin(http: aiohttp.ClientSession, server: RunningServer) -> None:
    async with http.get(server.base_url + PROVIDER, params={"redirect_uri": REDIRECT}) as response:
        assert response.status == 401


async def test_a_bad_redirect_uri(http: aiohttp.ClientSession, server: RunningServer) -> None:
    for bad in ("", "not a url", "javascript:alert(1)"):
        async with http.get(
            server.base_url + PROVIDER, params={"redirect_uri": bad}, headers=admin_auth()
        ) as response:
            assert response.status == 200
            assert (await response.json())["error"] == "invalid_request"


async def test_too_many_pending(http: aiohttp.ClientSession, server: RunningServer) -> None:
    for _ in range(99):
        await approve(http, server)
    async with http.get(
        server.base_url + PROVIDER, params={"redirect_uri": REDIRECT}, headers=admin_auth()
    ) as response:
        assert (response.status, await response.text()) == (
            500,
            "Please try again later. Too many pending requests.",
        )


async def test_the_viewer_page_names_the_endpoint(http: aiohttp.ClientSession, server: RunningServer) -> None:
    async with http.get(server.base_url + "/") as response:
        assert (
            '<link rel="authorization_endpoint" href="/api/auth/provider/indieauth">' in await response.text()
        )
