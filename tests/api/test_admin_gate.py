"""The admin gate: Basic auth with the stream key, 401 shape, CORS and OPTIONS (reference §2)."""

import aiohttp

from tests.harness import RunningServer, admin_auth, basic_auth

ADMIN = admin_auth()


async def test_admin_status_requires_credentials(server: RunningServer, http: aiohttp.ClientSession) -> None:
    for auth in (None, basic_auth("admin", "wrong"), basic_auth("root", "abc123")):
        async with http.get(server.base_url + "/api/admin/status", headers=auth) as response:
            assert response.status == 401
            assert response.headers["WWW-Authenticate"] == 'Basic realm="Owncast Authenticated Request"'
            assert (await response.text()).strip() == "Unauthorized"


async def test_admin_status_offline_shape(server: RunningServer, http: aiohttp.ClientSession) -> None:
    headers = {"Origin": server.base_url}
    async with http.get(server.base_url + "/api/admin/status", headers={**ADMIN, **headers}) as response:
        assert response.status == 200
        assert response.headers["Access-Control-Allow-Origin"] == server.base_url
        assert response.headers["Access-Control-Allow-Credentials"] == "true"
        body = await response.json()
    assert body == {
        "broadcaster": None,
        "currentBroadcast": None,
        "online": False,
        "viewerCount": 0,
        "overallPeakViewerCount": 0,
        "sessionPeakViewerCount": 0,
        "streamTitle": "",
        "versionNumber": "0.0.11",
        "health": None,  # newer Owncast's players' health (issue 15): null until players report while live
    }


async def test_options_answered_without_auth(server: RunningServer, http: aiohttp.ClientSession) -> None:
    headers = {"Origin": server.base_url, "Access-Control-Request-Method": "POST"}
    async with http.options(server.base_url + "/api/admin/disconnect", headers=headers) as response:
        assert response.status == 204
        assert response.headers["Access-Control-Allow-Origin"] == server.base_url
        assert "Authorization" in response.headers["Access-Control-Allow-Headers"]


async def test_disconnect_when_offline(server: RunningServer, http: aiohttp.ClientSession) -> None:
    async with http.post(server.base_url + "/api/admin/disconnect", headers=ADMIN) as response:
        assert response.status == 400
        assert await response.json() == {"success": False, "message": "no inbound stream connected"}


async def test_logs_endpoint_lists_entries(server: RunningServer, http: aiohttp.ClientSession) -> None:
    async with http.get(server.base_url + "/api/admin/logs", headers=ADMIN) as response:
        assert response.status == 200
        assert isinstance(await response.json(), list)


async def test_update_routes_say_no_self_update(server: RunningServer, http: aiohttp.ClientSession) -> None:
    async with http.get(server.base_url + "/api/admin/update/options", headers=ADMIN) as response:
        assert await response.json() == {"supportsUpdate": False, "canRestart": False}
    async with http.post(server.base_url + "/api/admin/update/start", headers=ADMIN) as response:
        assert response.status == 400
        assert (await response.json())["success"] is False


async def test_owncast_0_2_dev_origin_is_trusted_only_when_the_admin_allows_it(
    server: RunningServer, http: aiohttp.ClientSession
) -> None:
    """0.2 answers every admin request with a fixed `Access-Control-Allow-Origin: http://localhost:3000`
    (its web dev server; newer C10). 0.0.11's echo of allowed origins stays; that origin is one only once
    the admin adds it to `adminOrigins`."""
    dev = "http://localhost:3000"
    ask = {"Origin": dev, "Access-Control-Request-Method": "DELETE"}
    url = server.base_url + "/api/admin/config/favicon"
    async with http.options(url, headers=ask) as response:
        assert response.status == 204
        assert "Access-Control-Allow-Origin" not in response.headers
    async with http.post(
        server.base_url + "/api/admin/config/adminorigins", json={"value": [dev]}, headers=ADMIN
    ) as response:
        assert response.status == 200, await response.text()
    async with http.options(url, headers=ask) as response:
        assert response.status == 204
        assert response.headers["Access-Control-Allow-Origin"] == dev
        assert response.headers["Access-Control-Allow-Credentials"] == "true"
        assert "DELETE" in response.headers["Access-Control-Allow-Methods"]
