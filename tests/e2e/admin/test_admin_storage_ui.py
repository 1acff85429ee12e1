"""The S3 storage form against a real S3 API (moto's server): Test connection with working credentials,
then with a wrong access key (the bucket's own error shown), nothing stored until Save."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from playwright.async_api import Browser

from tests.harness import RunningServer
from tests.hls_storage.moto_s3 import MotoS3, create_public_bucket, list_keys, signed_requests_only

from .ui import PHONE, TIMEOUT_MS, axe_violations, describe, logged_in_context, open_page, screenshot

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.browser,
    pytest.mark.xdist_group("admin-storage-ui"),
    pytest.mark.asyncio(loop_scope="module"),
]


@pytest_asyncio.fixture(loop_scope="module")
async def s3() -> AsyncIterator[MotoS3]:
    server = MotoS3()
    await asyncio.to_thread(server.start)
    try:
        yield server
    finally:
        await asyncio.to_thread(server.stop)


async def test_test_connection_then_save(admin_server: RunningServer, browser: Browser, s3: MotoS3) -> None:
    services = admin_server.server.services
    assert services is not None
    bucket = await create_public_bucket(s3)
    admin = await logged_in_context(browser, admin_server.base_url)
    page, problems = await open_page(admin, admin_server.base_url + "/admin/config/storage/")
    async with signed_requests_only(s3) as (access_key, secret):
        await page.get_by_role("switch", name="Use S3 storage").check()
        await page.get_by_label("Endpoint", exact=True).fill(s3.endpoint)
        await page.get_by_label("Bucket", exact=True).fill(bucket)
        await page.get_by_label("Access key", exact=True).fill(access_key)
        await page.get_by_label("Secret key", exact=True).fill(secret)
        await page.get_by_label("Region", exact=True).fill("us-east-1")
        await page.get_by_text("Optional settings").click()
        await page.get_by_label("Force path-style URLs (MinIO and some other services need this)").check()
        await page.get_by_label("Path prefix", exact=True).fill("/shows/live/")

        test = page.get_by_role("button", name="Test connection")
        await test.click()
        result = page.locator(f"#{await test.get_attribute('aria-describedby')}")
        await result.locator("xpath=self::*[contains(@class,'save-ok')]").wait_for(timeout=20_000)
        assert "Connection works" in await result.inner_text()
        assert services.config.current.s3.enabled is False, "testing stores nothing"

        await page.get_by_label("Access key", exact=True).fill("AKIAWRONGWRONGWRONG")
        await test.click()
        await result.locator("xpath=self::*[contains(@class,'save-error')]").wait_for(timeout=20_000)
        message = await result.inner_text()
        assert "InvalidAccessKeyId" in message, message
        assert not await axe_violations(page), describe(await axe_violations(page))
        await screenshot(page, "admin-storage-test-failed-1366.png")
        await page.set_viewport_size(PHONE)
        await screenshot(page, "admin-storage-test-failed-390.png")

        await page.get_by_label("Access key", exact=True).fill(access_key)
        await page.get_by_role("button", name="Save", exact=True).click()
        await page.get_by_text("Saved: used from the next stream").wait_for(timeout=TIMEOUT_MS)
    assert await list_keys(s3, bucket) == [], "the test files were deleted again"
    stored = services.config.current.s3
    assert (stored.enabled, stored.endpoint, stored.bucket, stored.access_key, stored.force_path_style) == (
        True,
        s3.endpoint,
        bucket,
        access_key,
        True,
    )
    assert stored.path_prefix == "shows/live"
    # The 400 of the failed test is the bucket's answer, not a page problem.
    problems.messages = [m for m in problems.messages if "/api/admin/config/s3/test" not in m]
    problems.check()
    await admin.close()
