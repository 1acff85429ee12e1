"""`/api/yp` and `/api/admin/yp/reset` on a running server (reference §2.1, §2.3, §9)."""

import aiohttp

from ownstream.social import PLATFORMS
from tests.harness import RunningServer, admin_auth


async def test_listing_is_404_while_the_directory_is_off(
    server: RunningServer, http: aiohttp.ClientSession
) -> None:
    async with http.get(server.base_url + "/api/yp") as response:
        assert response.status == 404
        assert await response.read() == b""


async def test_listing_when_the_directory_is_on(server: RunningServer, http: aiohttp.ClientSession) -> None:
    services = server.server.services
    assert services is not None
    await services.config.update(directory_enabled=True, server_summary="Hello *there*", stream_title="")
    async with http.get(server.base_url + "/api/yp") as response:
        assert response.status == 200
        body = await response.json()
    config = services.config.current
    assert body == {
        "name": config.server_name,
        "description": "Hello *there*",
        "logo": "/logo",
        "nsfw": False,
        "tags": list(config.tags),
        "online": False,
        "viewerCount": 0,
        "overallMaxViewerCount": 0,
        "sessionMaxViewerCount": 0,
        "social": [{"platform": handle.platform, "url": handle.url} for handle in config.social_handles],
        "lastConnectTime": None,
    }
    assert all(handle["platform"] in PLATFORMS for handle in body["social"])
    await services.config.update(stream_title="Tonight")
    async with http.get(server.base_url + "/api/yp") as response:
        assert (await response.json())["streamTitle"] == "Tonight"


async def test_reset_clears_the_key_with_any_method(
    server: RunningServer, http: aiohttp.ClientSession
) -> None:
    services = server.server.services
    assert services is not None
    for method in ("POST", "GET"):
        await services.config.update(directory_registration_key="issued-key")
        async with http.request(
            method, server.base_url + "/api/admin/yp/reset", headers=admin_auth()
        ) as response:
            assert response.status == 200
            assert await response.json() == {"success": True, "message": "reset"}
        assert services.config.current.directory_registration_key == ""


async def test_reset_needs_the_admin(server: RunningServer, http: aiohttp.ClientSession) -> None:
    services = server.server.services
    assert services is not None
    await services.config.update(directory_registration_key="issued-key")
    async with http.post(server.base_url + "/api/admin/yp/reset") as response:
        assert response.status == 401
    assert services.config.current.directory_registration_key == "issued-key"
