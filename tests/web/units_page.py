"""Front-end helper modules under test in headless chromium: a `web/test/*-units.ts` entry bundled with the
esbuild from web/node_modules (installed by `npm ci`), loaded into a blank page that exposes it on
`window.<name>`."""

from __future__ import annotations

import subprocess
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Browser, Page

WEB = Path(__file__).resolve().parents[2] / "web"
ESBUILD = WEB / "node_modules" / ".bin" / "esbuild"


def bundle(entry: str, *options: str) -> str:
    """The entry (relative to web/) bundled as one script."""
    if not ESBUILD.exists():
        pytest.fail("web/node_modules is missing: run `npm ci` in web/", pytrace=False)
    result = subprocess.run(
        [str(ESBUILD), entry, "--bundle", "--format=iife", "--target=es2020", *options],
        cwd=WEB,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout


@asynccontextmanager
async def units_page(browser: Browser, script: str) -> AsyncIterator[Page]:
    page = await browser.new_page()
    await page.set_content("<!doctype html><html><body></body></html>")
    await page.add_script_tag(content=script)
    try:
        yield page
    finally:
        await page.close()


async def run_in(page: Page, name: str, body: str, arg: Any = None) -> Any:
    """Evaluates `body` (a function body with `u` = `window.<name>` and `arg`) in the page."""
    return await page.evaluate(f"(arg) => {{ const u = window.{name}; {body} }}", arg)
