"""Length caps on the admin's texts (a deliberate deviation: 0.0.11 had none), and `/api/config`
rendering its Markdown once per change instead of on every request. Real server, real HTTP.

At the cap a value is stored; one over it is a 400 simple response naming the cap, and nothing changes.
Byte caps count UTF-8, so they are checked with two-byte characters.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest
import pytest_asyncio

from ownstream.api.state import Services
from tests.api.admin_config_client import AdminConfigClient
from tests.contract.differences import LENGTH_CAPS
from tests.harness import admin_auth, running_server

pytestmark = pytest.mark.asyncio(loop_scope="module")

KIB = 1024


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def admin(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[AdminConfigClient]:
    data_dir = tmp_path_factory.mktemp("admin-config-caps") / "data"
    async with running_server(data_dir) as server, aiohttp.ClientSession() as http:
        yield AdminConfigClient(http, server)


def services(admin: AdminConfigClient) -> Services:
    assert admin.server.server.services is not None
    return admin.server.server.services


@pytest.mark.parametrize(
    ("setter", "message", "at_limit", "over", "error"),
    [
        ("name", "changed", "n" * 255, "n" * 256, "server name is too long: at most 255 characters, got 256"),
        (
            "streamtitle",
            "changed",
            "t" * 1000,
            "t" * 1001,
            "stream title is too long: at most 1000 characters, got 1001",
        ),
        (
            "serversummary",
            "changed",
            "é" * (8 * KIB),
            "é" * (8 * KIB) + "x",
            "server summary is too long: at most 16 KiB (16384 bytes as UTF-8), got 16385 bytes",
        ),
        (
            "welcomemessage",
            "changed",
            "w" * (16 * KIB),
            "w" * (16 * KIB + 1),
            "welcome message is too long: at most 16 KiB (16384 bytes as UTF-8), got 16385 bytes",
        ),
        (
            "pagecontent",
            "changed",
            "é" * (128 * KIB),
            "é" * (128 * KIB) + "x",
            "page content is too long: at most 256 KiB (262144 bytes as UTF-8), got 262145 bytes",
        ),
        (
            "customstyles",
            "custom styles updated",
            "/" * (256 * KIB),
            "/" * (256 * KIB + 1),
            "custom styles is too long: at most 256 KiB (262144 bytes as UTF-8), got 262145 bytes",
        ),
        (
            "customjavascript",
            "custom styles updated",
            "/" * (256 * KIB),
            "/" * (256 * KIB + 1),
            "custom javascript is too long: at most 256 KiB (262144 bytes as UTF-8), got 262145 bytes",
        ),
        (
            "offlinemessage",
            "changed",
            "o" * (16 * KIB),
            "o" * (16 * KIB + 1),
            "offline message is too long: at most 16 KiB (16384 bytes as UTF-8), got 16385 bytes",
        ),
    ],
)
async def test_text_caps(
    admin: AdminConfigClient, setter: str, message: str, at_limit: str, over: str, error: str
) -> None:
    await admin.expect_ok(setter, at_limit, message)
    await admin.expect_ok(setter, "short", message)
    assert await admin.expect_rejected(setter, over) == error


async def test_tag_caps(admin: AdminConfigClient) -> None:
    longest = "t" * 64
    await admin.expect_ok("tags", [longest, "#" + "u" * 64], "changed")
    assert (await admin.public_config())["tags"] == [longest, "u" * 64]
    assert (
        await admin.expect_rejected("tags", ["ok", "v" * 65])
        == "a tag is too long: at most 64 characters, got 65"
    )
    hundred = [f"tag{number}" for number in range(100)]
    await admin.expect_ok("tags", hundred, "changed")
    await admin.expect_ok("tags", [*hundred, "tag0", "", "#tag1"], "changed")  # duplicates don't count
    assert (
        await admin.expect_rejected("tags", [*hundred, "one more"]) == "too many tags: at most 100, got 101"
    )
    assert (
        await admin.expect_rejected("tags", [",".join(hundred) + ",x"])
        == "too many tags: at most 100, got 101"
    )


async def test_integration_stream_title_is_capped_too(admin: AdminConfigClient) -> None:
    async with admin.http.post(
        admin.url("/api/admin/accesstokens/create"),
        json={"name": "titler", "scopes": ["HAS_ADMIN_ACCESS"]},
        headers=admin_auth(),
    ) as response:
        token = (await response.json())["accessToken"]

    async def set_title(title: str) -> tuple[int, object]:
        async with admin.http.post(
            admin.url("/api/integrations/streamtitle"),
            json={"value": title},
            headers={"Authorization": "Bearer " + token},
        ) as response:
            return response.status, await response.json()

    assert await set_title("x" * 1000) == (200, {"success": True, "message": "changed"})
    before = services(admin).config.current
    assert await set_title("y" * 1001) == (
        400,
        {"success": False, "message": "stream title is too long: at most 1000 characters, got 1001"},
    )
    assert services(admin).config.current == before


async def test_config_renders_once_per_change(admin: AdminConfigClient) -> None:
    texts = services(admin).page_texts
    paragraph = "Some **bold** words and a link to https://example.com/page in a paragraph.\n\n"
    summary = (paragraph * (16 * KIB // len(paragraph)))[: 16 * KIB]
    page = (paragraph * (64 * KIB // len(paragraph)))[: 64 * KIB]
    await admin.expect_ok("serversummary", summary, "changed")
    await admin.expect_ok("pagecontent", page, "changed")

    before = texts.renders
    documents = [await admin.public_config() for _ in range(21)]
    assert texts.renders == before + 1  # the first request after the change renders, the next 20 don't
    assert all(document == documents[0] for document in documents)
    assert documents[0]["summary"].startswith("<p>Some <strong>bold</strong> words")
    assert '<a href="https://example.com/page"' in documents[0]["extraPageContent"]

    await admin.expect_ok("nsfw", True, "changed")  # an unrelated change keeps the rendering
    await admin.public_config()
    assert texts.renders == before + 1

    await admin.expect_ok("serversummary", "A *new* summary", "changed")
    assert (await admin.public_config())["summary"] == "<p>A <em>new</em> summary</p>"
    assert (await admin.public_config())["extraPageContent"] == documents[0]["extraPageContent"]
    assert texts.renders == before + 2


@pytest.mark.parametrize(("method", "path"), sorted(LENGTH_CAPS))
async def test_every_listed_cap_refuses_an_overlong_value(
    admin: AdminConfigClient, method: str, path: str
) -> None:
    headers = admin_auth()
    if path.startswith("/api/integrations/"):
        async with admin.http.post(
            admin.url("/api/admin/accesstokens/create"),
            json={"name": "capped", "scopes": ["HAS_ADMIN_ACCESS"]},
            headers=admin_auth(),
        ) as response:
            headers = {"Authorization": "Bearer " + (await response.json())["accessToken"]}
    value: object = ["x" * 300 * KIB] if path.endswith("/tags") else "x" * 300 * KIB
    before = services(admin).config.current
    async with admin.http.request(
        method, admin.url(path), json={"value": value}, headers=headers
    ) as response:
        assert response.status == 400
        answer = await response.json()
    assert answer["success"] is False and "too long" in answer["message"]
    assert services(admin).config.current == before
