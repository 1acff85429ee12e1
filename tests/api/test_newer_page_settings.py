"""Newer Owncast's page settings and files on a real server (reference newer §4.1–4.2): search indexing and
`/robots.txt`, the websocket host override, appearance variables, and `/public/` files."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator

import aiohttp
import pytest
import pytest_asyncio
from multidict import CIMultiDictProxy

from tests.api.admin_config_client import AdminConfigClient
from tests.harness import running_server

pytestmark = pytest.mark.asyncio(loop_scope="module")

ROBOTS = "User-agent: *\nDisallow: /admin\nDisallow: /api"


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def admin(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[AdminConfigClient]:
    data_dir = tmp_path_factory.mktemp("newer-page") / "data"
    async with running_server(data_dir) as server, aiohttp.ClientSession() as http:
        yield AdminConfigClient(http, server)


async def get_text(
    admin: AdminConfigClient, path: str, **headers: str
) -> tuple[int, str, CIMultiDictProxy[str]]:
    async with admin.http.get(admin.url(path), headers=headers, allow_redirects=False) as response:
        return response.status, await response.text(), response.headers


async def test_robots_txt_exactly_and_the_search_indexing_switch(admin: AdminConfigClient) -> None:
    status, text, headers = await get_text(admin, "/robots.txt")
    assert (status, text) == (200, ROBOTS), "no trailing newline"
    assert headers["Content-Type"] == "text/plain; charset=utf-8"
    assert (await admin.server_config())["disableSearchIndexing"] is False
    await admin.expect_ok("disablesearchindexing", True, "search indexing support updated")
    assert (await get_text(admin, "/robots.txt"))[1] == ROBOTS + "\nDisallow: /"
    assert await admin.expect_rejected("disablesearchindexing", "yes")
    await admin.expect_ok("disablesearchindexing", False, "search indexing support updated")
    assert (await get_text(admin, "/robots.txt"))[1] == ROBOTS


async def test_websocket_host_override(admin: AdminConfigClient) -> None:
    assert "socketHostOverride" not in await admin.public_config(), "omitted while empty"
    await admin.expect_ok("sockethostoverride", "wss://chat.example.com/", "websocket host override set")
    assert (await admin.public_config())["socketHostOverride"] == "wss://chat.example.com"
    assert (await admin.server_config())["socketHostOverride"] == "wss://chat.example.com"
    for bad in ("chat.example.com", "ftp://chat.example.com", 5):
        await admin.expect_rejected("sockethostoverride", bad)
    await admin.expect_ok("sockethostoverride", "", "websocket host override set")
    assert "socketHostOverride" not in await admin.public_config()


async def test_appearance_variables(admin: AdminConfigClient) -> None:
    assert (await admin.public_config())["appearanceVariables"] is None, "null while never set"
    await admin.expect_ok(
        "appearance", {"page-bg": "#000000", "--accent": " red "}, "custom appearance variables updated"
    )
    stored = {"page-bg": "#000000", "accent": "red"}
    assert (await admin.public_config())["appearanceVariables"] == stored
    assert (await admin.server_config())["instanceDetails"]["appearanceVariables"] == stored
    for bad in ({"accent": 5}, {"accent": "red; } body { x"}, {"bad name": "red"}, ["accent"], "red"):
        assert await admin.expect_rejected("appearance", bad) == "unable to update appearance variable values"


async def test_public_files(admin: AdminConfigClient) -> None:
    public = admin.server.data_dir / "public"
    (public / "site").mkdir(parents=True)
    (public / "plain").mkdir()
    (public / "hello.txt").write_text("hello, world")
    (public / "site" / "index.html").write_text("<p>the index</p>")
    (public / "plain" / "a b.txt").write_text("x")
    secret = admin.server.data_dir / "secret.txt"
    secret.write_text("not public")
    os.symlink(secret, public / "escape.txt")

    status, text, headers = await get_text(admin, "/public/hello.txt")
    assert (status, text) == (200, "hello, world")
    assert headers["X-Content-Type-Options"] == "nosniff"
    status, text, _ = await get_text(admin, "/public/hello.txt", Range="bytes=0-4")
    assert (status, text) == (206, "hello")
    assert (await get_text(admin, "/public/site/"))[1] == "<p>the index</p>"
    status, _, headers = await get_text(admin, "/public/site")
    assert (status, headers["Location"]) == (301, "/public/site/")
    status, text, _ = await get_text(admin, "/public/plain/")
    assert status == 200 and 'href="a%20b.txt"' in text
    for missing in (
        "/public/nope.txt",
        "/public/escape.txt",
        "/public/../secret.txt",
        "/public/%2e%2e/secret.txt",
    ):
        assert (await get_text(admin, missing))[0] == 404, missing


async def test_video_serving_endpoint_rewrites_the_master_playlist(admin: AdminConfigClient) -> None:
    hls = admin.server.data_dir / "hls"
    (hls / "0").mkdir(parents=True, exist_ok=True)
    master = "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1200000\n0/stream.m3u8\n"
    (hls / "stream.m3u8").write_text(master)
    (hls / "0" / "stream.m3u8").write_text("#EXTM3U\n#EXTINF:2.0,\nsegment-1.ts\n")
    assert (await get_text(admin, "/hls/stream.m3u8"))[1] == master
    await admin.expect_ok(
        "videoservingendpoint", "https://cdn.example.com/", "custom video serving endpoint updated"
    )
    assert (await admin.server_config())["videoServingEndpoint"] == "https://cdn.example.com"
    rewritten = (await get_text(admin, "/hls/stream.m3u8"))[1]
    assert rewritten == master.replace("0/stream.m3u8", "https://cdn.example.com/hls/0/stream.m3u8")
    assert "segment-1.ts\n" in (await get_text(admin, "/hls/0/stream.m3u8"))[1], "variants stay relative"
    for bad in (5, "cdn.example.com", "ftp://cdn.example.com"):
        assert (await admin.expect_rejected("videoservingendpoint", bad)).startswith(
            "unable to update custom video serving endpoint"
        )
    await admin.expect_ok("videoservingendpoint", "", "custom video serving endpoint updated")
    assert (await get_text(admin, "/hls/stream.m3u8"))[1] == master
