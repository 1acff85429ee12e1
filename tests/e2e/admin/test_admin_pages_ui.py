"""Every page of the dashboard in a real browser, at desktop and phone width and in the dark theme: it
loads directly from its URL and survives a reload, shows no script error, CSP violation or failed
request, fits the screen, and has no serious or critical axe-core violation. Screenshots of each land in
OWNSTREAM_ADMIN_SCREENSHOTS (default /tmp/ownstream-admin-screenshots) for docs/admin.md."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
import pytest_asyncio
from playwright.async_api import Browser, Page

from ownstream.api.routes.admin_pages import ADMIN_PAGES, LEGACY_REDIRECTS
from tests.harness import RunningServer

from .seed import HOSTILE, PHONE_SAFARI, chat_as, seed_followers, seed_integrations
from .ui import (
    DESKTOP,
    PHONE,
    TIMEOUT_MS,
    PageProblems,
    axe_violations,
    describe,
    logged_in_context,
    screenshot,
    shot_name,
)

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.browser,
    pytest.mark.xdist_group("admin-pages-ui"),
    pytest.mark.asyncio(loop_scope="module"),
]


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def seeded(admin_server: RunningServer) -> AsyncIterator[RunningServer]:
    """Chat users connected and talking, followers, integrations, federation on (compose post shows)."""
    assert admin_server.server.services is not None
    await admin_server.server.services.config.update(
        server_url="https://live.example.com", federation_enabled=True, federation_private=True
    )
    await seed_followers(admin_server)
    async with aiohttp.ClientSession() as http:
        await seed_integrations(http, admin_server.base_url)
        ann = await chat_as(http, admin_server.base_url, "Ann", ["hello everyone!", "this is **great**"])
        bob = await chat_as(
            http,
            admin_server.base_url,
            "bob_the_builder",
            ["first time here", "what camera is this?"],
            PHONE_SAFARI,
        )
        eve = await chat_as(http, admin_server.base_url, "eve", [HOSTILE], HOSTILE)
        yield admin_server
        await ann.close()
        await bob.close()
        await eve.close()


async def settle(page: Page) -> None:
    """Until the page shows data rather than "Loading…" (polls answer within a moment)."""
    await page.wait_for_function(
        "() => !document.querySelector('.loading') && !document.body.innerText.includes('Loading')",
        timeout=TIMEOUT_MS,
    )
    await page.wait_for_timeout(300)


async def visit_every_page(browser: Browser, server: RunningServer, suffix: str, **options: Any) -> list[str]:
    failures: list[str] = []
    context = await logged_in_context(browser, server.base_url, **options)
    page = await context.new_page()
    problems = PageProblems(page)
    width = options.get("viewport", DESKTOP)["width"]
    for path in ADMIN_PAGES:
        await page.goto(server.base_url + path)
        title = page.locator("#page-title")
        await title.wait_for(timeout=TIMEOUT_MS)
        heading = await title.inner_text()
        if heading == "Page not found":
            failures.append(f"{path}: the app has no page for this URL")
        await settle(page)
        if suffix == "":
            await page.reload()
            await title.wait_for(timeout=TIMEOUT_MS)
            if await title.inner_text() != heading:
                failures.append(f"{path}: a reload shows {await title.inner_text()!r}")
            await settle(page)
        # What others wrote (chat, names, user agents, followers) is text or sanitized HTML: nothing
        # carries an event handler, whatever the CSP would block.
        if await page.evaluate(
            "() => document.querySelectorAll('[onerror], [onload], script:not([src])').length"
        ):
            failures.append(f"{path}: an element with an inline handler or script made it into the page")
        if violations := await axe_violations(page):
            failures.append(f"{path} at {width} px{suffix}: axe\n{describe(violations)}")
        overflow = await page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        if overflow > 0:
            failures.append(f"{path} at {width} px: {overflow} px of sideways scrolling")
        await screenshot(page, shot_name(path, width, suffix))
        failures.extend(f"{path}: {message}" for message in problems.messages)
        problems.messages.clear()
    await context.close()
    return failures


async def test_every_page_at_desktop_width(seeded: RunningServer, browser: Browser) -> None:
    failures = await visit_every_page(browser, seeded, "", viewport=DESKTOP)
    assert not failures, "\n".join(failures)


async def test_every_page_at_phone_width(seeded: RunningServer, browser: Browser) -> None:
    failures = await visit_every_page(browser, seeded, "", viewport=PHONE, is_mobile=True, has_touch=True)
    assert not failures, "\n".join(failures)


async def test_every_page_in_the_dark_theme(seeded: RunningServer, browser: Browser) -> None:
    failures = await visit_every_page(browser, seeded, "-dark", viewport=DESKTOP, color_scheme="dark")
    assert not failures, "\n".join(failures)


async def test_what_others_wrote_is_shown_as_text(seeded: RunningServer, browser: Browser) -> None:
    context = await logged_in_context(browser, seeded.base_url)
    page = await context.new_page()
    await page.goto(seeded.base_url + "/admin/federation/followers/")
    await page.get_by_text(HOSTILE, exact=True).wait_for(timeout=TIMEOUT_MS)  # a follower's name, as text
    await page.goto(seeded.base_url + "/admin/chat/users/")
    await page.get_by_role("button", name="eve (details)").click()
    await page.get_by_role("dialog", name="User: eve").wait_for(timeout=TIMEOUT_MS)
    await page.goto(seeded.base_url + "/admin/chat/messages")
    row = page.locator("tr", has_text="eve")
    await row.wait_for(timeout=TIMEOUT_MS)
    assert await row.locator("img").count() == 0, "the server sanitized the message; no image survives"
    assert await page.evaluate("() => document.title") != "1"
    await context.close()


async def test_owncast_0_0_11_urls_land_on_the_new_pages(seeded: RunningServer, browser: Browser) -> None:
    context = await logged_in_context(browser, seeded.base_url)
    page = await context.new_page()
    for old, new in LEGACY_REDIRECTS.items():
        await page.goto(seeded.base_url + old)
        await page.locator("#page-title").wait_for(timeout=TIMEOUT_MS)
        assert page.url == seeded.base_url + new
        assert await page.locator("#page-title").inner_text() != "Page not found"
    await context.close()


async def test_the_phone_menu_works_with_the_keyboard(seeded: RunningServer, browser: Browser) -> None:
    context = await logged_in_context(browser, seeded.base_url, viewport=PHONE)
    page = await context.new_page()
    problems = PageProblems(page)
    await page.goto(seeded.base_url + "/admin/")
    await page.locator("#page-title").wait_for(timeout=TIMEOUT_MS)
    menu = page.locator("#admin-menu")
    assert not await menu.is_visible(), "on a phone the menu starts closed"
    # Skip link first, then the Menu button.
    await page.keyboard.press("Tab")
    assert await page.evaluate("() => document.activeElement.textContent") == "Skip to content"
    await page.keyboard.press("Tab")
    button = page.get_by_role("button", name="Menu")
    assert await button.evaluate("element => element === document.activeElement")
    outline = await button.evaluate("element => getComputedStyle(element).outlineStyle")
    assert outline != "none", "focus is visible"
    await page.keyboard.press("Enter")
    await menu.wait_for(state="visible", timeout=TIMEOUT_MS)
    assert await button.get_attribute("aria-expanded") == "true"
    await page.wait_for_function(
        "() => document.activeElement.closest('#admin-menu') !== null", timeout=TIMEOUT_MS
    )
    await page.keyboard.press("Escape")
    await menu.wait_for(state="hidden", timeout=TIMEOUT_MS)
    await button.click()
    await menu.get_by_role("link", name="Webhooks").focus()
    await page.keyboard.press("Enter")
    await page.locator("#page-title:text-is('Webhooks')").wait_for(timeout=TIMEOUT_MS)
    assert page.url.endswith("/admin/webhooks/")
    await menu.wait_for(state="hidden", timeout=TIMEOUT_MS)
    # After navigating, focus is on the new page's heading.
    assert await page.evaluate("() => document.activeElement.id") == "page-title"
    problems.check()
    await context.close()
