"""Driving the admin dashboard in headless chromium: logging in, watching for problems, axe-core scans
and screenshots. Used by the browser tests in this folder."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

from playwright.async_api import Browser, BrowserContext, ConsoleMessage, Page, Response, ViewportSize

REPO = Path(__file__).resolve().parents[3]
AXE_SOURCE = REPO / "web" / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = Path(os.environ.get("OWNSTREAM_ADMIN_SCREENSHOTS", "/tmp/ownstream-admin-screenshots"))
"""Where the tests write screenshots of each page (docs/admin.md shows a selection)."""

DESKTOP: ViewportSize = {"width": 1366, "height": 900}
PHONE: ViewportSize = {"width": 390, "height": 844}
TIMEOUT_MS = 15_000


class PageProblems:
    """Script errors, CSP violations and failed requests a page ran into.

    The login page itself answers 401 (that is how the server shows it), so a 401 for a document is
    not a problem; a 401 for anything else is.
    """

    def __init__(self, page: Page) -> None:
        self.messages: list[str] = []
        page.on("pageerror", lambda exc: self.messages.append(f"pageerror: {exc}"))
        page.on("console", self._console)
        page.on("response", self._response)

    def _console(self, message: ConsoleMessage) -> None:
        if message.text.startswith("Failed to load resource"):
            return  # reported with its URL by _response
        if message.type == "error" or "Content Security Policy" in message.text:
            self.messages.append(f"console {message.type}: {message.text}")

    def _response(self, response: Response) -> None:
        if response.status < 400:
            return
        if response.status == 401 and response.request.resource_type == "document":
            return
        self.messages.append(f"HTTP {response.status} {response.request.method} {response.url}")

    def check(self) -> None:
        assert not self.messages, "\n".join(self.messages)


async def log_in(page: Page, base_url: str, password: str = "abc123", path: str = "/admin/") -> None:
    """Through the form, as a person (or a password manager) does."""
    await page.goto(base_url + path)
    await page.fill('input[autocomplete="current-password"]', password)
    await page.click("button:text-is('Log in')")
    await page.wait_for_selector("#page-title", timeout=TIMEOUT_MS)


async def logged_in_context(browser: Browser, base_url: str, **options: Any) -> BrowserContext:
    context = await browser.new_context(**{"viewport": DESKTOP, **options})
    page = await context.new_page()
    await log_in(page, base_url)
    await page.close()
    return context


async def open_page(context: BrowserContext, url: str) -> tuple[Page, PageProblems]:
    page = await context.new_page()
    problems = PageProblems(page)
    await page.goto(url)
    await page.wait_for_selector("#page-title", timeout=TIMEOUT_MS)
    return page, problems


async def wait_saved(page: Page, field: Any) -> None:
    """Waits for the "Saved"-style success message next to a field (the status after it in the form)."""
    await (
        field.locator("xpath=ancestor::*[contains(concat(' ', @class, ' '), ' setting ')][1]")
        .locator(".save-ok")
        .wait_for(timeout=TIMEOUT_MS)
    )


async def axe_violations(page: Page) -> list[dict[str, Any]]:
    """Serious and critical axe-core violations on the page as it is now.

    axe-core comes from npm (web/node_modules) and is evaluated through the browser's debugging
    protocol, which the page's CSP (no inline script) does not cover.
    """
    if not await page.evaluate("() => typeof window.axe !== 'undefined'"):
        await page.evaluate(AXE_SOURCE.read_text(encoding="utf-8") + "\n;undefined")
    result = await page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ': ' + n.failureSummary)}))"
    )
    return [violation for violation in result if violation["impact"] in ("serious", "critical")]


def describe(violations: list[dict[str, Any]]) -> str:
    return json.dumps(violations, indent=2)


def shot_name(path: str, width: int, suffix: str = "") -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", path.removeprefix("/admin").lower()).strip("-") or "home"
    return f"admin-{slug}{suffix}-{width}.png"


async def screenshot(page: Page, name: str, *, full_page: bool = True) -> Path:
    """A full-page PNG in SCREENSHOTS (Playwright creates the folder); `full_page=False` for what the
    screen shows (a dialog over the page)."""
    target = SCREENSHOTS / name
    await page.screenshot(path=str(target), full_page=full_page)
    return target
