"""Public endpoints on a running server (in-process, real sockets)."""

from datetime import UTC, datetime, timedelta

import aiohttp

from tests.harness import RunningServer


async def test_status_offline_shape(server: RunningServer, http: aiohttp.ClientSession) -> None:
    async with http.get(server.base_url + "/api/status") as response:
        assert response.status == 200
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        assert "no-store" in response.headers["Cache-Control"]
        body = await response.json()
        text = await response.text()
    assert text.endswith("\n")
    server_time = datetime.fromisoformat(body.pop("serverTime"))  # newer Owncast's (0.0.12)
    assert server_time.tzinfo is not None and abs(datetime.now(UTC) - server_time) < timedelta(seconds=30)
    assert body == {
        "online": False,
        "viewerCount": 0,
        "lastConnectTime": None,
        "lastDisconnectTime": None,
        "versionNumber": "0.0.11",
        "streamTitle": "",
    }


async def test_config_shape(server: RunningServer, http: aiohttp.ClientSession) -> None:
    async with http.get(server.base_url + "/api/config") as response:
        assert response.status == 200
        body = await response.json()
    assert body["name"] == "Ownstream"
    assert body["logo"] == "/logo"
    assert body["tags"] == ["owncast", "streaming"]
    assert body["version"].startswith("Ownstream ") and "0.0.11" in body["version"]
    assert body["summary"].startswith("<p>")
    assert body["maxSocketPayloadSize"] == 2048
    assert body["federation"] == {"enabled": False}
    assert body["socialHandles"][0]["icon"] == "/img/platformlogos/github.svg"
    assert "streamTitle" not in body
    assert set(body) >= {"nsfw", "extraPageContent", "chatDisabled", "externalActions", "customStyles"}


async def test_ping_counts_only_while_online(server: RunningServer, http: aiohttp.ClientSession) -> None:
    async with http.get(server.base_url + "/api/ping") as response:
        assert response.status == 200
    assert server.server.services is not None
    assert server.server.services.stats.viewers.count == 1
    async with http.get(server.base_url + "/api/status") as response:
        assert (await response.json())["viewerCount"] == 0


async def test_variants_default(server: RunningServer, http: aiohttp.ClientSession) -> None:
    async with http.get(server.base_url + "/api/video/variants") as response:
        assert await response.json() == [{"index": 0, "name": "1.2Mbps@24fps"}]


async def test_logo_and_offline_thumbnail(server: RunningServer, http: aiohttp.ClientSession) -> None:
    async with http.get(server.base_url + "/logo") as response:
        assert response.status == 200
        assert response.headers["Content-Type"] == "image/svg+xml"
        assert b"<svg" in await response.read()
    async with http.get(server.base_url + "/thumbnail.jpg") as response:
        assert response.status == 200
        assert response.headers["Content-Type"] == "image/svg+xml"
    async with http.get(server.base_url + "/preview.gif") as response:
        assert response.status == 404


async def test_hls_offline_and_traversal(server: RunningServer, http: aiohttp.ClientSession) -> None:
    for path in [
        "/hls/stream.m3u8",
        "/hls/0/stream.m3u8",
        "/hls/../ownstream.db",
        "/hls/%2e%2e/ownstream.db",
    ]:
        async with http.get(server.base_url + path) as response:
            assert response.status == 404, path
    (server.data_dir / "hls" / "0").mkdir(parents=True, exist_ok=True)
    (server.data_dir / "hls" / "0" / "x.ts").write_bytes(b"\x47" * 376)
    (server.data_dir / "hls" / "0" / "notes.txt").write_text("no")
    async with http.get(server.base_url + "/hls/0/notes.txt") as response:
        assert response.status == 404
    async with http.get(server.base_url + "/hls/0/x.ts", headers={"Range": "bytes=0-187"}) as response:
        assert response.status == 206
        assert response.headers["Content-Type"] == "video/mp2t"
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        assert "max-age=31557600" in response.headers["Cache-Control"]
        assert len(await response.read()) == 188


async def test_playlist_request_counts_as_viewer(server: RunningServer, http: aiohttp.ClientSession) -> None:
    variant = server.data_dir / "hls" / "0"
    variant.mkdir(parents=True, exist_ok=True)
    (variant / "stream.m3u8").write_text("#EXTM3U\n")
    headers = {"User-Agent": "player-test"}
    async with http.get(server.base_url + "/hls/0/stream.m3u8", headers=headers) as response:
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("application/x-mpegURL")
        assert "no-cache" in response.headers["Cache-Control"]
    assert server.server.services is not None
    assert server.server.services.stats.viewers.count == 1


async def test_unknown_path_is_404(server: RunningServer, http: aiohttp.ClientSession) -> None:
    async with http.get(server.base_url + "/no/such/thing") as response:
        assert response.status == 404


async def test_config_federation_account_when_enabled(
    server: RunningServer, http: aiohttp.ClientSession
) -> None:
    assert server.server.services is not None
    await server.server.services.config.update(
        federation_enabled=True, server_url="https://live.example.org", federation_username="stage"
    )
    async with http.get(server.base_url + "/api/config") as response:
        federation = (await response.json())["federation"]
    assert federation == {"enabled": True, "account": "stage@live.example.org"}


async def test_logo_is_served_with_a_restrictive_policy(
    server: RunningServer, http: aiohttp.ClientSession
) -> None:
    async with http.get(server.base_url + "/logo") as response:
        assert "sandbox" in response.headers["Content-Security-Policy"]


async def test_social_platform_icons(server: RunningServer, http: aiohttp.ClientSession) -> None:
    async with http.get(server.base_url + "/api/socialplatforms") as response:
        platforms = await response.json()
    assert platforms["github"] == {"platform": "GitHub", "icon": "/img/platformlogos/github.svg"}
    for key, entry in platforms.items():
        async with http.get(server.base_url + entry["icon"]) as response:
            assert response.status == 200, key
            assert response.headers["Content-Type"].startswith("image/svg+xml")
    async with http.get(server.base_url + "/img/platformlogos/unknown.svg") as response:
        assert response.status == 404
