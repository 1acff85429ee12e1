"""Viewer chat endpoints: registration, history, emoji (reference §2.1, §2.2)."""

import aiohttp

from tests.chat.client import register
from tests.harness import RunningServer, admin_auth


async def test_register_with_a_name(server: RunningServer, http: aiohttp.ClientSession) -> None:
    async with http.post(server.base_url + "/api/chat/register", json={"displayName": " alice "}) as response:
        assert response.status == 200
        assert "no-store" in response.headers["Cache-Control"]
        assert response.headers["Expires"] == "Thu, 1 Jan 1970 00:00:00 GMT"
        body = await response.json()
    assert set(body) == {"id", "accessToken", "displayName"}
    assert body["displayName"] == "alice" and len(body["accessToken"]) == 44


async def test_register_name_sources(server: RunningServer, http: aiohttp.ClientSession) -> None:
    url = server.base_url + "/api/chat/register"
    async with http.post(url, data=b"{not json", headers={"X-Forwarded-User": "proxied"}) as response:
        assert response.status == 200 and (await response.json())["displayName"] == "proxied"
    async with http.post(url) as response:
        generated = (await response.json())["displayName"]
    assert len(generated.split("-")) == 2
    async with http.post(url, json={"displayName": 5}) as response:
        assert response.status == 200 and (await response.json())["displayName"] != 5
    names = [f"suggested{n}" for n in range(10)]
    async with http.post(
        server.base_url + "/api/admin/config/chat/suggestedusernames",
        json={"value": names},
        headers=admin_auth(),
    ) as response:
        assert await response.json() == {"success": True, "message": "suggested username list updated"}
    async with http.post(url, json={}) as response:
        assert (await response.json())["displayName"] in names


async def test_register_wants_post(server: RunningServer, http: aiohttp.ClientSession) -> None:
    async with http.get(server.base_url + "/api/chat/register") as response:
        assert response.status == 400
        assert await response.json() == {"success": False, "message": "GET not supported"}


async def test_history_needs_a_valid_token(server: RunningServer, http: aiohttp.ClientSession) -> None:
    url = server.base_url + "/api/chat"
    for params in ({}, {"accessToken": ""}, {"accessToken": "unknown"}):
        async with http.get(url, params=params) as response:
            assert response.status == 401 and await response.text() == "unauthorized\n"
    user = await register(http, server.base_url)
    async with http.get(url, params={"accessToken": user.token}) as response:
        assert response.status == 200 and await response.json() == []
    async with http.post(url, params={"accessToken": user.token}) as response:
        assert response.status == 501
        assert await response.json() == {"error": "method not implemented (PRs are accepted)"}


async def test_emoji_listing_and_files(server: RunningServer, http: aiohttp.ClientSession) -> None:
    async with http.get(server.base_url + "/api/emoji") as response:
        assert response.status == 200
        listing = await response.json()
    assert len(listing) >= 3
    first = listing[0]
    assert set(first) == {"name", "emoji"} and first["emoji"].startswith("/img/emoji/")
    async with http.get(server.base_url + first["emoji"]) as response:
        assert response.status == 200
        assert response.headers["Content-Type"] == "image/svg+xml"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in response.headers["Content-Security-Policy"]
        assert (await response.read()).startswith(b"<svg")

    (server.data_dir / "emoji" / "custom.png").write_bytes(b"\x89PNG")
    async with http.get(server.base_url + "/api/emoji") as response:
        assert {"name": "custom", "emoji": "/img/emoji/custom.png"} in await response.json()


async def test_emoji_paths_stay_in_the_folder(server: RunningServer, http: aiohttp.ClientSession) -> None:
    for path in [
        "/img/emoji/../ownstream.db",
        "/img/emoji/%2e%2e/ownstream.db",
        "/img/emoji/..%2fownstream.db",
        "/img/emoji/missing.png",
        "/img/emoji/",
    ]:
        async with http.get(server.base_url + path) as response:
            assert response.status == 404, path
