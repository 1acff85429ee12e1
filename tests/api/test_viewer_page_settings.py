"""Newer Owncast's viewer-page settings on a real server (reference newer §4.1–4.2): the offline message,
custom JavaScript and the hidden viewer count — the setters, where each value shows, and the pages."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import aiohttp
import pytest
import pytest_asyncio

from tests.api.admin_config_client import AdminConfigClient
from tests.harness import running_server

pytestmark = pytest.mark.asyncio(loop_scope="module")

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def admin(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[AdminConfigClient]:
    data_dir = tmp_path_factory.mktemp("page-settings") / "data"
    async with running_server(data_dir) as server, aiohttp.ClientSession() as http:
        yield AdminConfigClient(http, server)


async def page(admin: AdminConfigClient, path: str) -> str:
    async with admin.http.get(admin.url(path), headers={"User-Agent": FIREFOX}) as response:
        assert response.status == 200
        return await response.text()


async def test_offline_message_raw_in_serverconfig_rendered_in_config(admin: AdminConfigClient) -> None:
    public = await admin.public_config()
    assert public["offlineMessage"] == ""
    assert (await admin.server_config())["instanceDetails"]["offlineMessage"] == ""

    await admin.expect_ok("offlinemessage", "  Back **tomorrow** at https://example.com  \n", "changed")
    details = (await admin.server_config())["instanceDetails"]
    assert details["offlineMessage"] == "Back **tomorrow** at https://example.com", "stored trimmed, raw"
    rendered = (await admin.public_config())["offlineMessage"]
    assert rendered.startswith('<p>Back <strong>tomorrow</strong> at <a href="https://example.com"')

    await admin.expect_ok("offlinemessage", '<img src=x onerror="alert(1)"><script>x()</script>', "changed")
    rendered = (await admin.public_config())["offlineMessage"]
    assert "onerror" not in rendered and "<script" not in rendered

    assert await admin.expect_rejected("offlinemessage", 3) == "offline message must be a string"
    assert (await admin.server_config())["instanceDetails"]["offlineMessage"].startswith("<img")
    await admin.expect_ok("offlinemessage", "", "changed")
    assert (await admin.public_config())["offlineMessage"] == ""


async def test_custom_javascript_is_served_and_loaded_by_the_viewer_page_only(
    admin: AdminConfigClient,
) -> None:
    async with admin.http.get(admin.url("/customjavascript")) as response:
        assert response.status == 200
        assert response.headers["Content-Type"] == "text/javascript; charset=utf-8"
        assert await response.text() == ""
    assert "/customjavascript" not in await page(admin, "/"), "nothing to load: no request"

    script = "document.documentElement.dataset.custom = 'yes';"
    await admin.expect_ok("customjavascript", script, "custom styles updated")  # Owncast's words (sic)
    assert (await admin.server_config())["instanceDetails"]["customJavascript"] == script
    async with admin.http.get(admin.url("/customjavascript")) as response:
        assert await response.text() == script
        assert response.headers["Cache-Control"] == "no-cache"
        assert response.headers["X-Content-Type-Options"] == "nosniff"

    html = await page(admin, "/")
    tag = re.search(r'<script src="(/customjavascript\?v=[0-9a-f]{12})" defer></script>', html)
    assert tag, "the viewer page loads the script"
    first = tag.group(1)
    for embed in ("/embed/video", "/embed/chat/readonly", "/embed/chat/readwrite"):
        assert "customjavascript" not in await page(admin, embed), embed

    await admin.expect_ok("customjavascript", script + "\n// changed", "custom styles updated")
    assert first not in await page(admin, "/"), "a new version is a new URL: no cache serves the old one"

    assert await admin.expect_rejected("customjavascript", ["x"]) == "custom javascript must be a string"
    await admin.expect_ok("customjavascript", "   ", "custom styles updated")
    assert "/customjavascript" not in await page(admin, "/")


async def test_hidden_viewer_count(admin: AdminConfigClient) -> None:
    async def status() -> dict[str, object]:
        async with admin.http.get(admin.url("/api/status")) as response:
            document: dict[str, object] = await response.json()
            return document

    assert (await status())["viewerCount"] == 0
    assert (await admin.public_config())["hideViewerCount"] is False
    assert (await admin.server_config())["hideViewerCount"] is False

    await admin.expect_ok("hideviewercount", True, "hide viewer count setting updated")
    hidden = await status()
    assert "viewerCount" not in hidden
    assert set(hidden) == {
        "serverTime", "online", "lastConnectTime", "lastDisconnectTime", "versionNumber", "streamTitle",
    }  # fmt: skip
    assert (await admin.public_config())["hideViewerCount"] is True
    assert (await admin.server_config())["hideViewerCount"] is True

    assert await admin.expect_rejected("hideviewercount", "yes") == "hide viewer count must be true or false"
    await admin.expect_ok("hideviewercount", False, "hide viewer count setting updated")
    assert (await status())["viewerCount"] == 0


async def test_link_previews_describe_the_server_in_plain_text(admin: AdminConfigClient) -> None:
    await admin.expect_ok(
        "serversummary", "Live **jazz**\n\nevery *Friday* — [tickets](https://t.example)", "changed"
    )
    for user_agent in ("Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)", FIREFOX):
        async with admin.http.get(admin.url("/"), headers={"User-Agent": user_agent}) as response:
            html = await response.text()
        assert '<meta property="og:description" content="Live jazz every Friday — tickets">' in html
        assert f'<meta property="og:image" content="{admin.server.base_url}/logo/external">' in html
