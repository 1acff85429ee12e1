"""Changing settings in the dashboard, as a streamer does, and seeing them where they matter: the stream
title from the header (`/api/status`, the viewer's chat), name, summary with Markdown, tags, social
handles and the logo (`/logo`), a toggle by keyboard, and the server's own error next to a field."""

from __future__ import annotations

import struct
import zlib
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
import pytest_asyncio
from playwright.async_api import Browser, BrowserContext, Locator, Page

from tests.harness import RunningServer

from .ui import DESKTOP, TIMEOUT_MS, logged_in_context, open_page

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.browser,
    pytest.mark.xdist_group("admin-settings-ui"),
    pytest.mark.asyncio(loop_scope="module"),
]


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def admin(admin_server: RunningServer, browser: Browser) -> AsyncIterator[BrowserContext]:
    context = await logged_in_context(browser, admin_server.base_url)
    yield context
    await context.close()


@pytest_asyncio.fixture(loop_scope="module")
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


async def public_config(http: aiohttp.ClientSession, server: RunningServer) -> dict[str, object]:
    async with http.get(server.base_url + "/api/config") as response:
        return dict(await response.json())


async def viewer_page(browser: Browser, server: RunningServer) -> Page:
    context = await browser.new_context(viewport=DESKTOP)
    page = await context.new_page()
    await page.goto(server.base_url + "/")
    await page.wait_for_selector("#user-content", timeout=TIMEOUT_MS)
    return page


def saved(page: Page, label: str) -> Locator:
    """The success message of the setting whose field is labelled `label`."""
    field = page.get_by_label(label, exact=True)
    return field.locator("xpath=ancestor::*[contains(concat(' ', @class, ' '), ' setting ')][1]").locator(
        ".save-ok"
    )


def tiny_png(rgb: tuple[int, int, int]) -> bytes:
    """A valid 2×2 PNG of one colour."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + bytes(rgb) * 2 for _ in range(2))
    header = struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


async def test_the_stream_title_saves_on_enter(
    admin_server: RunningServer, admin: BrowserContext, browser: Browser, http: aiohttp.ClientSession
) -> None:
    viewer = await viewer_page(browser, admin_server)
    page, problems = await open_page(admin, admin_server.base_url + "/admin/config-chat/")
    title = page.get_by_label("Stream title", exact=True)
    await title.fill("Late night synth jam")
    await title.press("Enter")
    await page.get_by_text("Title saved").wait_for(timeout=TIMEOUT_MS)
    async with http.get(admin_server.base_url + "/api/status") as response:
        assert (await response.json())["streamTitle"] == "Late night synth jam"
    # The viewer's chat announces it at once.
    await viewer.get_by_text("Late night synth jam").first.wait_for(timeout=TIMEOUT_MS)
    problems.check()
    await viewer.context.close()
    await page.close()


async def test_name_summary_and_tags_reach_the_viewer_page(
    admin_server: RunningServer, admin: BrowserContext, browser: Browser, http: aiohttp.ClientSession
) -> None:
    page, problems = await open_page(admin, admin_server.base_url + "/admin/config/general/")
    name = page.get_by_label("Name", exact=True)
    await name.fill("Night Radio")
    await name.press("Enter")
    await saved(page, "Name").wait_for(timeout=TIMEOUT_MS)

    about = page.get_by_label("About", exact=True)
    await about.fill("Live **jazz** every Friday")
    await page.locator("section[aria-label='About, as viewers will see it'] strong:text-is('jazz')").wait_for(
        timeout=TIMEOUT_MS
    )
    await page.get_by_role("button", name="Save about").click()
    await saved(page, "About").wait_for(timeout=TIMEOUT_MS)

    tags = page.get_by_label("Tags", exact=True)
    await tags.fill("jazz, late night")
    await tags.press("Enter")
    await page.get_by_text("Added 2").wait_for(timeout=TIMEOUT_MS)
    await page.get_by_role("button", name="Remove tag owncast").click()
    await page.get_by_text("Removed “owncast”").wait_for(timeout=TIMEOUT_MS)
    await tags.fill("x" * 65)
    await tags.press("Enter")
    await page.get_by_text("A tag can be at most 64 characters.").wait_for(timeout=TIMEOUT_MS)

    config = await public_config(http, admin_server)
    assert config["name"] == "Night Radio"
    assert config["summary"] == "<p>Live <strong>jazz</strong> every Friday</p>"
    assert config["tags"] == ["streaming", "jazz", "late night"]

    viewer = await viewer_page(browser, admin_server)
    assert await viewer.locator("#user-content .server-name").inner_text() == "Night Radio"
    assert await viewer.locator("#user-content .summary strong").inner_text() == "jazz"
    assert "#jazz" in await viewer.locator("#user-content .tag-list").inner_text()
    await viewer.context.close()
    problems.check()
    await page.close()


async def test_social_handles_and_the_logo(
    admin_server: RunningServer,
    admin: BrowserContext,
    browser: Browser,
    http: aiohttp.ClientSession,
    tmp_path: Path,
) -> None:
    page, problems = await open_page(admin, admin_server.base_url + "/admin/config/general/")
    await page.get_by_role("button", name="Add a social handle").click()
    dialog = page.get_by_role("dialog", name="Add a social handle")
    await dialog.get_by_label("Platform").select_option("mastodon")
    await dialog.get_by_label("Link to your page").fill("https://social.example/@nightradio")
    await dialog.get_by_role("button", name="Save").click()
    await dialog.wait_for(state="hidden", timeout=TIMEOUT_MS)
    await page.get_by_role("link", name="https://social.example/@nightradio").wait_for(timeout=TIMEOUT_MS)

    logo = tiny_png((200, 30, 90))
    image = tmp_path / "logo.png"
    image.write_bytes(logo)
    await page.get_by_label("Logo", exact=True).set_input_files(str(image))
    await page.get_by_role("img", name="New logo preview").wait_for(timeout=TIMEOUT_MS)
    await page.get_by_role("button", name="Upload logo").click()
    await page.get_by_text("Logo uploaded").wait_for(timeout=TIMEOUT_MS)

    async with http.get(admin_server.base_url + "/logo") as response:
        assert response.content_type == "image/png"
        assert await response.read() == logo
    config = await public_config(http, admin_server)
    handles = config["socialHandles"]
    assert isinstance(handles, list)
    assert {"platform": "mastodon", "url": "https://social.example/@nightradio"}.items() <= handles[
        -1
    ].items()

    viewer = await viewer_page(browser, admin_server)
    link = viewer.locator("a[href='https://social.example/@nightradio']")
    await link.wait_for(timeout=TIMEOUT_MS)
    await viewer.context.close()
    problems.check()
    await page.close()


async def test_a_toggle_by_keyboard_and_the_servers_own_error(
    admin_server: RunningServer, admin: BrowserContext, http: aiohttp.ClientSession
) -> None:
    page, problems = await open_page(admin, admin_server.base_url + "/admin/config/general/")
    nsfw = page.get_by_role("switch", name="Potentially NSFW")
    await nsfw.focus()
    await page.keyboard.press("Space")
    await saved(page, "Potentially NSFW").wait_for(timeout=TIMEOUT_MS)
    assert (await public_config(http, admin_server))["nsfw"] is True

    await page.goto(admin_server.base_url + "/admin/config/server/")
    ffmpeg = page.get_by_label("FFmpeg path", exact=True)
    await ffmpeg.fill("/no/such/ffmpeg")
    await ffmpeg.press("Enter")
    error = ffmpeg.locator("xpath=ancestor::form[1]").locator(".save-error")
    await error.wait_for(timeout=TIMEOUT_MS)
    assert "ffmpeg path does not exist" in await error.inner_text()
    assert await ffmpeg.get_attribute("aria-invalid") == "true"
    # A 400 is the server refusing a value, not a page problem.
    problems.messages = [m for m in problems.messages if "/api/admin/config/ffmpegpath" not in m]
    problems.check()
    await page.close()
