"""One Ownstream and one chromium per test module (a module's tests run on one xdist worker)."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
from playwright.async_api import Browser, async_playwright

from tests.browser import CHROMIUM, CHROMIUM_ARGS
from tests.harness import RunningServer, make_settings, running_server

from .ui import AXE_SOURCE


@pytest.fixture(scope="module")
def admin_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("admin-ui") / "data"


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def admin_server(admin_data: Path) -> AsyncIterator[RunningServer]:
    settings = make_settings(admin_data, hardware_sample_interval=1.0, viewer_sample_interval=1.0)
    async with running_server(admin_data, settings) as running:
        yield running


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def browser() -> AsyncIterator[Browser]:
    if shutil.which(CHROMIUM) is None:
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package (.ci/run does)")
    if not AXE_SOURCE.is_file():
        pytest.fail(f"{AXE_SOURCE} is missing: run `npm ci` in web/ (make setup does)")
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield launched
        finally:
            await launched.close()
