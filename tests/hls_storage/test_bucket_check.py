"""Test connection for S3 settings, against a real S3 API (moto's server): an upload and a delete that
work, and each way it fails reported in the bucket's own words."""

from __future__ import annotations

import asyncio

from ownstream.hls_storage.bucket_check import check_bucket
from tests.hls_storage.moto_s3 import (
    MotoS3,
    bucket_name,
    create_public_bucket,
    list_keys,
    signed_requests_only,
)


async def test_a_working_bucket_passes_and_keeps_nothing(s3: MotoS3) -> None:
    bucket = await create_public_bucket(s3)
    result = await check_bucket(s3.config(bucket))
    assert result.ok, result.message
    assert f"bucket {bucket}" in result.message
    assert await list_keys(s3, bucket) == []


async def test_a_missing_bucket_is_named(s3: MotoS3) -> None:
    missing = bucket_name()
    result = await check_bucket(s3.config(missing))
    assert not result.ok
    assert result.message.startswith(f"Upload to bucket {missing} failed: NoSuchBucket:")


async def test_a_wrong_access_key_is_reported_as_the_bucket_says(s3: MotoS3) -> None:
    bucket = await create_public_bucket(s3)
    async with signed_requests_only(s3) as (access_key, secret):
        good = await check_bucket(s3.config(bucket, accessKey=access_key, secret=secret))
        wrong_key = await check_bucket(s3.config(bucket, accessKey="AKIAWRONGWRONGWRONG", secret=secret))
        wrong_secret = await check_bucket(s3.config(bucket, accessKey=access_key, secret="not-the-secret"))
    assert good.ok, good.message
    assert not wrong_key.ok and "InvalidAccessKeyId" in wrong_key.message, wrong_key.message
    assert not wrong_secret.ok and "SignatureDoesNotMatch" in wrong_secret.message, wrong_secret.message


async def test_an_unreachable_endpoint_is_reported(s3: MotoS3) -> None:
    bucket = await create_public_bucket(s3)
    config = s3.config(bucket)
    await asyncio.to_thread(s3.stop)
    result = await check_bucket(config, timeout=10)
    assert not result.ok
    assert result.message.startswith(f"Upload to bucket {bucket} failed:")
    assert "Could not connect" in result.message or "timed out" in result.message, result.message
