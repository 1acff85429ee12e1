"""`S3ObjectStore` against a real S3 API (moto's server on loopback)."""

from __future__ import annotations

import aiohttp
import pytest
from botocore.exceptions import EndpointConnectionError

from ownstream.config.model import S3Config
from ownstream.hls_storage.s3 import S3ObjectStore, public_base_url
from tests.hls_storage.moto_s3 import MotoS3, create_public_bucket, free_port, list_keys

ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"


def test_public_base_url_prefers_the_serving_endpoint() -> None:
    config = S3Config(endpoint="https://s3.example.com/", bucket="videos")
    assert public_base_url(config) == "https://s3.example.com/videos"
    cdn = config.model_copy(update={"serving_endpoint": "https://cdn.example.com/"})
    assert public_base_url(cdn) == "https://cdn.example.com"
    # Newer Owncast's video serving endpoint wins over 0.0.11's S3 one.
    assert public_base_url(cdn, "https://newer.example.com/v/") == "https://newer.example.com/v"


async def test_put_stores_body_headers_and_public_read_acl(s3: MotoS3) -> None:
    bucket = await create_public_bucket(s3)
    store = await S3ObjectStore.open(s3.config(bucket))
    try:
        await store.put("hls/0/a.ts", b"segment", content_type="video/mp2t", cache_control="max-age=31557600")
    finally:
        await store.close()
    async with s3.client() as client:
        stored = await client.get_object(Bucket=bucket, Key="hls/0/a.ts")
        assert await stored["Body"].read() == b"segment"
        assert stored["ContentType"] == "video/mp2t"
        assert stored["CacheControl"] == "max-age=31557600"
        acl = await client.get_object_acl(Bucket=bucket, Key="hls/0/a.ts")
    assert {"Type": "Group", "URI": ALL_USERS} in [grant["Grantee"] for grant in acl["Grants"]]


async def test_configured_acl_is_used(s3: MotoS3) -> None:
    bucket = await create_public_bucket(s3)
    store = await S3ObjectStore.open(s3.config(bucket, acl="private"))
    try:
        await store.put("hls/0/b.ts", b"x", content_type="video/mp2t", cache_control="max-age=1")
    finally:
        await store.close()
    async with s3.client() as client:
        acl = await client.get_object_acl(Bucket=bucket, Key="hls/0/b.ts")
    assert [grant["Grantee"].get("URI") for grant in acl["Grants"]] == [None]


async def test_viewers_read_objects_anonymously_under_the_public_url(s3: MotoS3) -> None:
    bucket = await create_public_bucket(s3)
    store = await S3ObjectStore.open(s3.config(bucket))
    try:
        await store.put("hls/0/c.ts", b"abc", content_type="video/mp2t", cache_control="max-age=31557600")
        url = f"{store.public_base_url}/hls/0/c.ts"
    finally:
        await store.close()
    async with (
        aiohttp.ClientSession() as http,
        http.get(url, headers={"Origin": "http://viewer.example"}) as response,
    ):
        assert response.status == 200
        assert await response.read() == b"abc"
        assert response.headers["Access-Control-Allow-Origin"] in ("*", "http://viewer.example")


async def test_delete_removes_objects_and_ignores_missing_ones(s3: MotoS3) -> None:
    bucket = await create_public_bucket(s3)
    store = await S3ObjectStore.open(s3.config(bucket))
    try:
        for name in ("1.ts", "2.ts", "3.ts"):
            await store.put(f"hls/0/{name}", b"x", content_type="video/mp2t", cache_control="max-age=1")
        await store.delete(["hls/0/1.ts", "hls/0/2.ts", "hls/0/never.ts"])
    finally:
        await store.close()
    assert await list_keys(s3, bucket) == ["hls/0/3.ts"]


async def test_unreachable_endpoint_fails_on_request_not_on_open() -> None:
    config = S3Config(
        enabled=True,
        endpoint=f"http://127.0.0.1:{free_port()}",
        accessKey="k",
        secret="s",
        bucket="nowhere",
        region="us-east-1",
        forcePathStyle=True,
    )
    store = await S3ObjectStore.open(config)
    try:
        with pytest.raises(EndpointConnectionError):
            await store.put("hls/0/x.ts", b"x", content_type="video/mp2t", cache_control="max-age=1")
    finally:
        await store.close()
