"""Logging in to the dashboard in a real browser: the form (with the autofill attributes password
managers use), a wrong then a right password, logging out, and HTTP Basic still working for a browser
that sends it."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser

from tests.harness import RunningServer, admin_auth

from .ui import DESKTOP, PHONE, TIMEOUT_MS, PageProblems, axe_violations, describe, screenshot

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.browser,
    pytest.mark.xdist_group("admin-login-ui"),
    pytest.mark.asyncio(loop_scope="module"),
]


async def test_wrong_then_right_password_then_log_out(admin_server: RunningServer, browser: Browser) -> None:
    context = await browser.new_context(viewport=DESKTOP)
    page = await context.new_page()
    problems = PageProblems(page)
    await page.goto(admin_server.base_url + "/admin/config-video")

    # What a password manager looks for: a username field and a current-password field in one form.
    username = page.locator('input[autocomplete="username"]')
    password = page.locator('input[autocomplete="current-password"]')
    assert await username.input_value() == "admin"
    assert await password.get_attribute("type") == "password"
    assert await page.get_by_label("Password", exact=True).count() == 1
    assert await page.locator("label", has_text="Password").count() == 1
    assert await page.evaluate("() => document.activeElement.id") == "login-password"
    assert not await axe_violations(page), describe(await axe_violations(page))
    await screenshot(page, "admin-login-1366.png")

    await password.fill("not-the-key")
    await page.get_by_role("button", name="Log in").click()
    alert = page.get_by_role("alert")
    await alert.wait_for(timeout=TIMEOUT_MS)
    assert "Wrong password" in await alert.inner_text()
    assert page.url.endswith("/admin/login")

    # As autofill does it: both fields filled, then the form submitted.
    await page.locator('input[autocomplete="username"]').fill("admin")
    await page.locator('input[autocomplete="current-password"]').fill("abc123")
    await page.locator('input[autocomplete="current-password"]').press("Enter")
    await page.wait_for_url("**/admin/config-video", timeout=TIMEOUT_MS)
    heading = page.locator("#page-title")
    await heading.wait_for(timeout=TIMEOUT_MS)
    assert await heading.inner_text() == "Video settings"
    cookies = await context.cookies()
    session = next(cookie for cookie in cookies if cookie["name"] == "ownstream_admin")
    assert session["httpOnly"] and session["sameSite"] == "Strict" and not session["secure"]

    # The session survives a reload, and pages are reachable directly.
    await page.reload()
    await heading.wait_for(timeout=TIMEOUT_MS)
    await page.goto(admin_server.base_url + "/admin/logs/")
    await page.locator("#page-title:text-is('Logs')").wait_for(timeout=TIMEOUT_MS)

    await page.get_by_role("button", name="Log out").click()
    await page.wait_for_selector('input[autocomplete="current-password"]', timeout=TIMEOUT_MS)
    assert not [cookie for cookie in await context.cookies() if cookie["name"] == "ownstream_admin"]
    await page.goto(admin_server.base_url + "/admin/logs/")
    assert await page.locator('input[autocomplete="current-password"]').count() == 1
    problems.check()
    await context.close()


async def test_the_login_page_on_a_phone(admin_server: RunningServer, browser: Browser) -> None:
    context = await browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = await context.new_page()
    await page.goto(admin_server.base_url + "/admin/")
    assert not await axe_violations(page), describe(await axe_violations(page))
    width = await page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], "no sideways scrolling"
    await screenshot(page, "admin-login-390.png")
    await context.close()


async def test_a_browser_with_basic_credentials_gets_the_app(
    admin_server: RunningServer, browser: Browser
) -> None:
    # Browsers send Basic credentials only after a challenge, which the pages never give: this is a
    # browser whose every request carries them (as a script, or an Owncast tool's web view, does).
    context = await browser.new_context(viewport=DESKTOP, extra_http_headers=admin_auth())
    page = await context.new_page()
    problems = PageProblems(page)
    await page.goto(admin_server.base_url + "/admin/viewer-info/")
    await page.locator("#page-title:text-is('Viewers')").wait_for(timeout=TIMEOUT_MS)
    assert await page.get_by_text("Signed in with HTTP Basic").count() == 1
    assert await page.get_by_role("button", name="Log out").count() == 0
    problems.check()
    await context.close()


async def test_first_run_tasks_disappear_once_done(admin_server: RunningServer, browser: Browser) -> None:
    services = admin_server.server.services
    assert services is not None
    context = await browser.new_context(viewport=DESKTOP, extra_http_headers=admin_auth())
    page = await context.new_page()
    await page.goto(admin_server.base_url + "/admin/")
    tasks = page.locator("[data-task]")
    await tasks.first.wait_for(timeout=TIMEOUT_MS)
    assert [await t.get_attribute("data-task") for t in await tasks.all()] == ["stream-key", "name", "url"]
    assert "also your admin password" in await page.locator("[data-task='stream-key']").inner_text()

    await services.config.update(server_name="Night Radio", server_url="https://live.example.com")
    await page.reload()
    await page.locator("#page-title:text-is('Home')").wait_for(timeout=TIMEOUT_MS)
    assert [await t.get_attribute("data-task") for t in await tasks.all()] == ["stream-key"]

    await services.config.update(stream_key="a-long-private-key")
    await context.set_extra_http_headers(admin_auth("a-long-private-key"))
    await page.reload()
    await page.locator("#page-title:text-is('Home')").wait_for(timeout=TIMEOUT_MS)
    assert await page.get_by_role("heading", name="Getting started").count() == 0
    await services.config.update(stream_key="abc123", server_name="Ownstream", server_url="")
    await context.close()
