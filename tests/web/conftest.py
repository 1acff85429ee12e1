from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, async_playwright

from ownstream.web.bundle import STATIC_DIR, Bundle, FrontEndNotBuilt

from .fake_owncast import HlsSource, encode_hls_source

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def built_bundle() -> Bundle:
    """The real front-end bundle; fails with the build command when it was never built."""
    try:
        return Bundle.load(STATIC_DIR)
    except FrontEndNotBuilt as exc:
        pytest.fail(str(exc), pytrace=False)


@pytest.fixture(scope="session")
def hls_source(tmp_path_factory: pytest.TempPathFactory) -> HlsSource:
    # Two minutes of segments: a long test on a loaded machine must not reach the end of the source (the
    # live edge would stop moving).
    return encode_hls_source(tmp_path_factory.mktemp("hls-source"), seconds=120)


@pytest.fixture(scope="session")
def chromium() -> Path:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package (.ci/run does)", pytrace=False)
    return CHROMIUM


@pytest.fixture
async def browser(built_bundle: Bundle, chromium: Path) -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(chromium), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            await browser.close()
