"""The two endpoints the dashboard adds to the admin API: S3 Test connection and the Markdown preview."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import aiohttp
import pytest

from tests.harness import RunningServer, admin_auth
from tests.hls_storage.moto_s3 import MotoS3, create_public_bucket, list_keys

TEST_URL = "/api/admin/config/s3/test"


@pytest.fixture
async def s3() -> AsyncIterator[MotoS3]:
    server = MotoS3()
    await asyncio.to_thread(server.start)
    try:
        yield server
    finally:
        await asyncio.to_thread(server.stop)


async def test_s3_test_uses_the_values_sent_and_stores_nothing(
    server: RunningServer, http: aiohttp.ClientSession, s3: MotoS3
) -> None:
    bucket = await create_public_bucket(s3)
    value = s3.config(bucket).model_dump(by_alias=True) | {"enabled": False}
    async with http.post(server.base_url + TEST_URL, json={"value": value}, headers=admin_auth()) as response:
        assert response.status == 200
        body = await response.json()
    assert body["success"] is True and bucket in body["message"]
    assert await list_keys(s3, bucket) == []
    assert server.server.services is not None
    assert server.server.services.config.current.s3.enabled is False
    assert server.server.services.config.current.s3.bucket == ""


async def test_s3_test_reports_the_buckets_error(
    server: RunningServer, http: aiohttp.ClientSession, s3: MotoS3
) -> None:
    value = s3.config("no-such-bucket-here").model_dump(by_alias=True)
    async with http.post(server.base_url + TEST_URL, json={"value": value}, headers=admin_auth()) as response:
        assert response.status == 400
        body = await response.json()
    assert body == {"success": False, "message": body["message"]}
    assert "NoSuchBucket" in body["message"]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({"endpoint": "", "accessKey": "a", "secret": "b", "bucket": "c", "region": "r"}, "endpoint"),
        ({"endpoint": "https://s3.example", "bucket": "c", "region": "r"}, "access key"),
        ({"endpoint": "https://s3.example", "accessKey": "a", "secret": "b", "region": "r"}, "bucket"),
        ("not an object", "must be an object"),
    ],
)
async def test_incomplete_s3_settings_are_a_400_before_any_request(
    server: RunningServer, http: aiohttp.ClientSession, value: object, message: str
) -> None:
    async with http.post(server.base_url + TEST_URL, json={"value": value}, headers=admin_auth()) as response:
        assert response.status == 400
        body = await response.json()
    assert body["success"] is False and message in body["message"]


async def test_s3_test_needs_admin_credentials(server: RunningServer, http: aiohttp.ClientSession) -> None:
    async with http.post(server.base_url + TEST_URL, json={"value": {}}) as response:
        assert response.status == 401


async def test_the_markdown_preview_is_what_viewers_get(
    server: RunningServer, http: aiohttp.ClientSession
) -> None:
    text = 'Hello **world** <script>alert(1)</script> <img src=x onerror="alert(2)"> [x](javascript:alert(3))'
    async with http.post(
        server.base_url + "/api/admin/preview/markdown", json={"value": text}, headers=admin_auth()
    ) as response:
        assert response.status == 200
        html = (await response.json())["html"]
    assert "<strong>world</strong>" in html
    for bad in ("<script", "onerror=", 'href="javascript'):
        assert bad not in html
    async with http.post(
        server.base_url + "/api/admin/config/serversummary", json={"value": text}, headers=admin_auth()
    ):
        pass
    async with http.get(server.base_url + "/api/config") as response:
        assert (await response.json())["summary"] == html


async def test_the_markdown_preview_refuses_bad_input(
    server: RunningServer, http: aiohttp.ClientSession
) -> None:
    url = server.base_url + "/api/admin/preview/markdown"
    for body in ({"value": 5}, {"value": "x" * (256 * 1024 + 1)}, {"nope": "x"}):
        async with http.post(url, json=body, headers=admin_auth()) as response:
            assert response.status == 400
            assert (await response.json())["success"] is False
    async with http.post(url, json={"value": "x"}) as response:
        assert response.status == 401
