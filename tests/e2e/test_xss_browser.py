"""No XSS anywhere a user or admin can put text: every such place gets hostile payloads, the pages are
loaded in headless chromium and used, and nothing runs.

The payloads go where a streamer, a bot or a viewer can write — server name, summary, page content,
stream title, tags, social handles, external actions, custom CSS, the welcome message, custom emoji file
names, chat messages (typed in the page and sent over the socket), display names, renames, integration
users, system, action and per-client messages — and the viewer page, both chat embeds, the video embed
and the page link-preview bots get are loaded with the page's Content Security Policy *bypassed*, so the
escaping and sanitising are what is tested (the CSP is a second layer, tested elsewhere). Each payload
sets `window.__xss` or calls `alert` with its place; a DOM audit also refuses inline event handlers,
inline scripts and `javascript:` URLs that did not get the chance to run. A marker per place (`PLACES`,
28 of them) proves each one really reached the page.
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from playwright.async_api import Browser, Dialog, Page

from tests.browser import chromium
from tests.chat.client import ChatSocket, register
from tests.e2e.waiting import wait_until
from tests.harness import RunningServer, admin_auth, make_settings, running_server
from tests.media import Clip, start_publisher, stop_process

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

TIMEOUT_MS = 15_000
BOT_USER_AGENT = "Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)"

# `{id}` becomes the place and payload number, so whatever runs says where it came from.
PAYLOADS: tuple[str, ...] = (
    "<script>window.__xss='{id}'</script>",
    "<img src=x onerror=\"window.__xss='{id}'\">",
    "<svg onload=alert('{id}')>",
    "\"><img src=x onerror=alert('{id}')>",
    "'><svg/onload=window.__xss='{id}'>",
    "</style><script>window.__xss='{id}'</script>",
    "</title><img src=x onerror=alert('{id}')>",
    "[x](javascript:window.__xss='{id}')",
    "<a onmouseover=alert('{id}') href=#>h</a>",
    "<iframe srcdoc=\"<script>parent.__xss='{id}'</script>\">",
    "<a href=\"jav&#x09;ascript:alert('{id}')\">j</a>",
    "<details open ontoggle=alert('{id}')>",
)
# For URL fields: no whitespace, so the server's URL check lets them through to the page.
URL_PAYLOADS: tuple[str, ...] = (
    "https://x.example/{id}\"><img/src=x/onerror=alert('{id}')>",
    "https://x.example/{id}'><svg/onload=window.__xss='{id}'>",
    "https://x.example/{id}?\"onmouseover=\"window.__xss='{id}'",
)
REFUSED_URLS: tuple[str, ...] = ("javascript:alert('{id}')", "data:text/html,<script>alert('{id}')</script>")


PLACES: dict[str, str] = {
    "nm": "server name (header, document title)",
    "su": "server summary (Markdown)",
    "pc": "page content (Markdown)",
    "st": "stream title (while live)",
    "tg": "tags",
    "sp": "social handle platform names",
    "sl": "social handle URLs",
    "at": "external action titles",
    "ad": "external action descriptions",
    "au": "external action URLs",
    "ai": "external action icons",
    "cs": "custom CSS",
    "em": "custom emoji file names (picker)",
    "wm": "welcome message",
    "dn": "display names at registration",
    "cm": "chat messages sent over the socket",
    "rn": "renames over the socket",
    "ib": "integration user names",
    "syh": "system messages (history)",
    "ach": "action messages (history)",
    "ish": "integration chat messages (history)",
    "syl": "system messages (live)",
    "acl": "action messages (live)",
    "isl": "integration chat messages (live)",
    "pm": "system messages to one client",
    "ty": "messages typed in the page",
    "ey": "a custom emoji typed in the page",
    "ur": "a rename typed in the page",
}
"""Where payloads are planted, by marker code; every one must reach the viewer page."""
CHAT_PLACES = frozenset(
    {"dn", "cm", "rn", "ib", "syh", "ach", "ish", "syl", "acl", "isl", "ty", "ey", "ur", "wm"}
)
"""What the chat embeds show too (the per-client messages went to the viewer page's socket only)."""


def payloads(place: str, limit: int = 10_000, templates: tuple[str, ...] = PAYLOADS) -> list[str]:
    found = [template.replace("{id}", f"{place}{n}") for n, template in enumerate(templates)]
    return [payload for payload in found if len(payload) <= limit]


def marker(place: str) -> str:
    return f"XP{place}"


def with_marker(place: str, limit: int = 10_000, separator: str = "\n\n") -> str:
    """The place's marker followed by as many payloads as fit in `limit` characters."""
    text = marker(place)
    for payload in payloads(place):
        if len(text) + len(separator) + len(payload) <= limit:
            text += separator + payload
    return text


# Inline handlers, inline scripts, javascript: URLs and srcdoc frames must not exist at all: a payload
# that left one behind failed even if nothing triggered it.
DOM_AUDIT = """() => {
  const found = [];
  const documents = [document, ...Array.from(document.querySelectorAll('iframe'))
    .map((f) => { try { return f.contentDocument; } catch { return null; } }).filter(Boolean)];
  for (const doc of documents) {
    for (const el of doc.querySelectorAll('*')) {
      for (const attr of Array.from(el.attributes)) {
        const name = attr.name.toLowerCase();
        const value = attr.value.replace(/[\\s\\u0000-\\u001f]+/g, '').toLowerCase();
        if (name.startsWith('on') || name === 'srcdoc'
            || (/^(href|src|action|formaction|data|xlink:href|poster|background)$/.test(name)
                && /^(javascript|vbscript|data:text\\/html)/.test(value))) {
          found.push(el.outerHTML.slice(0, 200));
        }
      }
      if (el.tagName === 'SCRIPT' && !(el.getAttribute('src') || '').startsWith('/static/')) {
        found.push(el.outerHTML.slice(0, 200));
      }
    }
  }
  return found;
}"""

# Fires the hover and focus handlers of everything, as a user moving over the page would.
HOVER_EVERYTHING = """() => {
  for (const el of document.querySelectorAll('body *')) {
    for (const type of ['mouseover', 'mouseenter', 'focus']) {
      el.dispatchEvent(new Event(type, { bubbles: type === 'mouseover' }));
    }
  }
}"""


@dataclass
class Watch:
    """What a page did that it must not: dialogs it opened."""

    dialogs: list[str] = field(default_factory=list)

    async def on_dialog(self, dialog: Dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        await dialog.dismiss()


async def open_page(browser: Browser, url: str, watch: Watch, **context: Any) -> Page:
    ctx = await browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900}, **context)
    page = await ctx.new_page()
    page.on("dialog", watch.on_dialog)
    await page.goto(url)
    return page


async def executed(page: Page) -> list[str]:
    flags = []
    for frame in page.frames:
        try:
            value = await frame.evaluate("() => window.__xss ?? null")
        except Exception:  # a frame that navigated away or is cross-origin cannot be asked
            continue
        if value is not None:
            flags.append(f"window.__xss = {value!r} in {frame.url[:80]}")
    return flags


async def markers_in(page: Page, places: list[str]) -> set[str]:
    html = await page.evaluate("() => document.documentElement.outerHTML + document.title")
    return {place for place in places if marker(place) in html}


class Planter:
    def __init__(self, http: aiohttp.ClientSession, server: RunningServer) -> None:
        self.http = http
        self.base = server.base_url
        self.data_dir = server.data_dir

    async def admin(self, path: str, body: Any) -> int:
        async with self.http.post(self.base + path, json=body, headers=admin_auth()) as response:
            return response.status

    async def config(self, setting: str, value: Any) -> None:
        status = await self.admin(f"/api/admin/config/{setting}", {"value": value})
        assert status == 200, f"{setting} refused"

    async def integration(self, token: str, path: str, body: dict[str, Any]) -> None:
        headers = {"Authorization": f"Bearer {token}"}
        async with self.http.post(self.base + path, json=body, headers=headers) as response:
            assert response.status == 200, (path, await response.text())

    async def plant_config(self) -> None:
        await self.config("name", with_marker("nm", limit=250, separator=" "))
        await self.config("serversummary", with_marker("su"))
        await self.config("pagecontent", with_marker("pc"))
        await self.config("streamtitle", with_marker("st", limit=1000, separator=" "))
        await self.config("tags", [marker("tg"), *payloads("tg", limit=64)])
        await self.config("welcomemessage", with_marker("wm"))
        await self.config(
            "customstyles",
            f"/* {marker('cs')} */ </style><script>window.__xss='cs0'</script><style>"
            "</style><img src=x onerror=alert('cs1')><style>",
        )
        handles = [
            {"platform": marker("sp") + payload, "url": "https://x.example/me"} for payload in payloads("sp")
        ]
        handles += [
            {
                "platform": "mastodon",
                "url": url.replace("https://x.example/", f"https://x.example/{marker('sl')}"),
            }
            for url in payloads("sl", templates=URL_PAYLOADS)
        ]
        await self.config("socialhandles", handles)
        for url in payloads("sr", templates=REFUSED_URLS):
            assert (
                await self.admin(
                    "/api/admin/config/socialhandles", {"value": [{"platform": "x", "url": url}]}
                )
                == 400
            )
        actions: list[dict[str, Any]] = [
            {
                "title": marker("at") + payload,
                "description": marker("ad") + payload,
                "url": f"https://x.example/{marker('au')}/{n}",
                "openExternally": n % 2 == 0,
            }
            for n, payload in enumerate(payloads("at"))
        ]
        actions += [
            {
                "title": f"url {n}",
                "url": url.replace("https://x.example/", f"https://x.example/{marker('au')}"),
                "icon": url.replace("https://x.example/", f"https://x.example/{marker('ai')}"),
                "openExternally": True,
            }
            for n, url in enumerate(payloads("au", templates=URL_PAYLOADS))
        ]
        await self.config("externalactions", actions)
        for bad in (
            {"title": "t", "url": "https://x.example/", "color": "red;background:url(javascript:alert(1))"},
            {"title": "t", "url": "https://x.example/", "icon": "javascript:alert('ai9')"},
            *({"title": "t", "url": url} for url in payloads("ar", templates=REFUSED_URLS)),
        ):
            assert await self.admin("/api/admin/config/externalactions", {"value": [bad]}) == 400

    def plant_emoji(self) -> None:
        """Custom emoji are files the admin drops in; their names reach the picker and messages."""
        folder = self.data_dir / "emoji"
        source = folder / "heart.svg"
        for name in (
            f"{marker('em')}\"onerror=\"window.__xss='em0'",
            f"{marker('em')}<img src=x onerror=alert('em1')>",
        ):
            shutil.copyfile(source, folder / f"{name}.svg")

    async def plant_chat(self, round_name: str) -> None:
        """Display names, messages, renames, and what integrations send."""
        sockets: list[ChatSocket] = []
        try:
            for n, payload in enumerate(payloads(f"d{round_name}", limit=56)):
                user = await register(self.http, self.base, f"{marker('dn')}{payload}"[:60])
                socket = await ChatSocket.open(self.http, self.base, user.token)
                sockets.append(socket)
                await socket.chat(f"{marker('cm')} {PAYLOADS[n].replace('{id}', f'c{round_name}{n}')}")
                await socket.send({"type": "NAME_CHANGE", "newName": f"{marker('rn')}{payload}"[:60]})
            for socket in sockets:
                await socket.expect("NAME_CHANGE")
            async with self.http.post(
                self.base + "/api/admin/accesstokens/create",
                json={
                    "name": f"{marker('ib')}<img src=x onerror=alert('ib{round_name}')>",
                    "scopes": ["CAN_SEND_SYSTEM_MESSAGES", "CAN_SEND_MESSAGES"],
                },
                headers=admin_auth(),
            ) as response:
                assert response.status == 200
                token = (await response.json())["accessToken"]
            await self.integration(
                token, "/api/integrations/chat/system", {"body": with_marker(f"sy{round_name}")}
            )
            await self.integration(
                token,
                "/api/integrations/chat/action",
                {
                    "body": with_marker(f"ac{round_name}"),
                    "author": f"<b onmouseover=alert('aa{round_name}')>x</b>",
                },
            )
            await self.integration(
                token, "/api/integrations/chat/send", {"body": with_marker(f"is{round_name}")}
            )
        finally:
            for socket in sockets:
                await socket.close()

    async def plant_client_messages(self, token: str) -> None:
        async with self.http.get(self.base + "/api/admin/chat/clients", headers=admin_auth()) as response:
            clients = await response.json()
        for client in clients:
            await self.integration(
                token,
                f"/api/integrations/chat/system/client/{client['clientId']}",
                {"body": with_marker("pm")},
            )


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[RunningServer]:
    settings = make_settings(tmp_path / "data", welcome_delay=0.3)
    async with running_server(tmp_path / "data", settings) as running:
        assert running.server.services is not None
        await running.server.services.config.update(video_latency_level=0)
        yield running


async def type_in_chat(page: Page, text: str) -> None:
    await page.fill("#message-input", text)
    await page.press("#message-input", "Enter")
    await page.wait_for_function("() => document.querySelector('#message-input').value === ''")


async def test_no_payload_runs_anywhere(server: RunningServer, clip: Clip) -> None:
    async with aiohttp.ClientSession() as http:
        planter = Planter(http, server)
        await planter.plant_config()
        planter.plant_emoji()
        await planter.plant_chat("h")  # in the history when the pages load
        publisher = await start_publisher(clip, server.rtmp_url())
        try:

            async def online() -> bool:
                async with http.get(server.base_url + "/api/status") as response:
                    return bool((await response.json())["online"])

            await wait_until(online, 30, "the stream to go online")
            async with chromium() as browser:
                await check_pages(browser, server, planter)
        finally:
            await stop_process(publisher)


async def check_pages(browser: Browser, server: RunningServer, planter: Planter) -> None:
    base = server.base_url
    watch = Watch()
    viewer, chat_embed, readonly, video_embed, bot = await asyncio.gather(
        open_page(browser, base + "/", watch),
        open_page(browser, base + "/embed/chat/readwrite", watch),
        open_page(browser, base + "/embed/chat/readonly", watch),
        open_page(browser, base + "/embed/video", watch),
        open_page(browser, base + "/", watch, user_agent=BOT_USER_AGENT),
    )
    await viewer.wait_for_selector(".stream-title", timeout=TIMEOUT_MS)
    for page in (viewer, chat_embed, readonly):
        await page.wait_for_selector("#chat-container.chat-phase-open", timeout=TIMEOUT_MS)

    # While the pages are open: more of everything arrives live, and the viewer types and renames.
    await planter.plant_chat("l")
    async with planter.http.post(
        base + "/api/admin/accesstokens/create",
        json={"name": "client messenger", "scopes": ["CAN_SEND_SYSTEM_MESSAGES"]},
        headers=admin_auth(),
    ) as response:
        await planter.plant_client_messages((await response.json())["accessToken"])
    # Two typed messages, the emoji one and the rename stay within the chat's burst of five frames.
    typed = payloads("ty")
    for half in (typed[: len(typed) // 2], typed[len(typed) // 2 :]):
        await type_in_chat(viewer, " ".join([marker("ty"), *half]))
    emoji_name = f"{marker('em')}\"onerror=\"window.__xss='em0'"
    await type_in_chat(viewer, f"{marker('ey')} :{emoji_name}:")
    await viewer.click("#username-display")
    await viewer.fill("#username-change-input", marker("ur") + "\"><img src=x onerror=alert('ur0')>")
    await viewer.press("#username-change-input", "Enter")
    await viewer.click("#emoji-button")  # left open: the custom emoji names are audited in the picker
    await viewer.wait_for_selector(".emoji-picker", timeout=TIMEOUT_MS)

    chat_places = [code for code in PLACES if code in CHAT_PLACES]
    expected = {
        "viewer page": (viewer, list(PLACES)),
        "read-write chat embed": (chat_embed, ["cs", *chat_places]),
        "read-only chat embed": (readonly, [p for p in chat_places if p not in ("wm",)]),
        "video embed": (video_embed, []),
        "bot preview": (bot, ["nm", "su", "tg"]),
    }
    for name, page in (("viewer", viewer), ("chat embed", chat_embed), ("read-only embed", readonly)):
        await wait_for_markers(page, ["ey", "ur", "isl", "pm"], name)

    problems: list[str] = []
    for name, (page, places) in expected.items():
        # A real pointer over a few of each kind, then every element's hover and focus handlers.
        for selector in (".message", ".chat-event", ".external-action-button", ".social-link", "a"):
            for row in (await page.query_selector_all(selector))[-4:]:
                # Covered, scrolled away or detached meanwhile: the dispatched events still reach it.
                with contextlib.suppress(Exception):
                    await row.hover(timeout=300)
        await page.evaluate(HOVER_EVERYTHING)
        await asyncio.sleep(0.3)  # let any handler that was planted fire
        problems += [f"{name}: {flag}" for flag in await executed(page)]
        problems += [f"{name}: left in the DOM: {html}" for html in await page.evaluate(DOM_AUDIT)]
        missing = set(places) - await markers_in(page, places)
        problems += [f"{name}: {marker(place)} never reached the page" for place in sorted(missing)]
    problems += [f"dialog {dialog}" for dialog in watch.dialogs]
    assert problems == []


async def wait_for_markers(page: Page, places: list[str], name: str, timeout: float = 10) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while (missing := set(places) - await markers_in(page, places)) and loop.time() < deadline:  # noqa: ASYNC110
        await asyncio.sleep(0.2)
    assert not missing, f"{name}: {sorted(missing)} never arrived"
