"""The page's chat against a scripted chat server (tests/web/fake_chat.py): every event type, frames
carrying several events, reconnects, refusals, the bounded list and scrolling, the message box, the
chat toggle and the phone layout. The real server is used in tests/e2e/test_chat_browser.py.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from playwright.async_api import Browser, Page, expect

from .fake_chat import chat_event, chat_user, event_id, now_rfc3339
from .fake_owncast import FakeOwncast, HlsSource
from .test_viewer_browser import CONFIG, SCREENSHOTS, PageProblems

pytestmark = pytest.mark.browser

ServerFactory = Callable[[web.Application], Awaitable[TestServer]]
TIMEOUT_MS = 10_000


@pytest.fixture
def fake(hls_source: HlsSource) -> FakeOwncast:
    # A server that never streamed: chat is open although the stream is offline.
    fake = FakeOwncast(source=hls_source, config=dict(CONFIG))
    fake.last_disconnect = None
    return fake


@pytest.fixture
async def base_url(aiohttp_server: ServerFactory, fake: FakeOwncast) -> str:
    server = await aiohttp_server(fake.build_app())
    return f"http://127.0.0.1:{server.port}"


@pytest.fixture
async def desktop(browser: Browser) -> AsyncIterator[Page]:
    context = await browser.new_context(viewport={"width": 1280, "height": 800})
    page = await context.new_page()
    yield page
    await context.close()


async def shot_chat(page: Page, name: str) -> None:
    await page.screenshot(path=str(SCREENSHOTS / f"ownstream-chat-{name}.png"))


async def joined(page: Page) -> None:
    await page.wait_for_selector("#chat-container.chat-phase-open", timeout=TIMEOUT_MS)


async def wait_for(check: Callable[[], bool], what: str, timeout: float = 10) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not check():
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)


async def texts(page: Page, selector: str) -> list[str]:
    found: list[str] = await page.eval_on_selector_all(selector, "els => els.map(e => e.textContent)")
    return found


ANN = {
    **chat_user("u-ann", "Ann", hue=30),
    "previousNames": ["Annie", "Ann"],
    "createdAt": "2022-02-01T10:00:00Z",
}
MOD = chat_user("u-mod", 'Mod <img src=x onerror="window.pwned=1">', hue=200, moderator=True)


async def test_every_event_type_in_one_frame(desktop: Page, base_url: str, fake: FakeOwncast) -> None:
    page = desktop
    problems = PageProblems(page)
    await page.goto(base_url + "/")
    await joined(page)
    me = await page.evaluate("localStorage.getItem('owncast_username')")
    assert fake.chat.registrations == [""], "the first visit registers with no name"
    assert me and await page.text_content("#username-display") == me

    hidden = chat_event("soon hidden", ANN)
    base = {"timestamp": now_rfc3339()}
    await fake.chat.push(
        chat_event(f"hello <strong>{me}</strong>, and <em>hi</em> everyone", ANN),
        chat_event("I moderate", MOD),
        hidden,
        {
            "type": "SYSTEM",
            "id": event_id(),
            **base,
            "body": "<p>Welcome!</p>",
            "user": {"displayName": "Radio"},
        },
        {"type": "USER_JOINED", "id": event_id(), **base, "user": MOD},
        {
            "type": "NAME_CHANGE",
            "id": event_id(),
            **base,
            "user": chat_user("u-bo", "Bo"),
            "oldName": "<i>bob</i>",
        },
        {
            "type": "CHAT_ACTION",
            "id": event_id(),
            **base,
            "body": "<p>The stream is <strong>ending</strong>.</p>",
        },
        {
            "type": "FEDIVERSE_ENGAGEMENT_FOLLOW",
            "id": event_id(),
            **base,
            "body": "<p>Zed followed this stream.</p>",
            "image": "javascript:alert(1)",
            "title": "zed@social.example",
            "link": "https://social.example/@zed",
            "user": {"displayName": "Radio"},
        },
        {"type": "VISIBILITY-UPDATE", "id": event_id(), **base, "ids": [hidden["id"]], "visible": False},
        {"type": "PING"},
    )
    await page.wait_for_selector(".chat-message_social", timeout=TIMEOUT_MS)

    users = page.locator(".chat-message_user")
    assert await users.count() == 2, "the hidden message is not shown"
    first = users.nth(0)
    assert await first.locator(".message-author").text_content() == "Ann"
    assert await first.locator(".message-text em").text_content() == "hi", "the body is server HTML"
    assert await first.locator(".chat-mention").text_content() == me, "the viewer's name is marked"
    assert (await first.get_attribute("title") or "").startswith("Sent at ")
    assert await first.evaluate("e => e.style.getPropertyValue('--user-hue')") == "30"
    second = users.nth(1)
    assert await second.locator(".message-author").text_content() == MOD["displayName"], "names are text"
    assert await second.locator(".moderator-flair").count() == 1
    assert await page.evaluate("window.pwned") is None
    assert await page.text_content(".chat-message_system .message-author") == "Radio"
    assert await page.text_content(".chat-message_system .message-text") == "Welcome!"
    assert await texts(page, ".chat-event_joined") == [f"{MOD['displayName']} joined the chat."]
    assert await texts(page, ".chat-event_rename") == ["<i>bob</i> is now known as Bo."]
    assert await texts(page, ".chat-action") == ["The stream is ending."]
    social = page.locator(".chat-message_social")
    assert await social.locator(".social-title").text_content() == "zed@social.example"
    assert await social.locator("a.social-header").get_attribute("href") == "https://social.example/@zed"
    assert await social.locator("img").count() == 0, "a javascript: avatar is dropped"
    assert await page.get_attribute("#messages-container", "role") == "log"
    assert {"type": "PONG"} in fake.chat.received
    # Screen readers get one polite summary, not every message.
    await page.wait_for_function(
        "() => document.querySelector('#chat-announcer').textContent"
        " .startsWith('2 new messages. Latest from Mod')",
        timeout=TIMEOUT_MS,
    )
    # Shown again in place.
    await fake.chat.push(
        {"type": "VISIBILITY-UPDATE", "id": event_id(), "ids": [hidden["id"]], "visible": True}
    )
    await page.wait_for_function("() => document.querySelectorAll('.chat-message_user').length === 3")
    assert await texts(page, ".chat-message_user .message-text") == [
        f"hello {me}, and hi everyone",
        "I moderate",
        "soon hidden",
    ]
    await page.screenshot(path="/tmp/ownstream-chat-events.png")
    assert problems.messages == []


async def test_reconnect_merges_history_without_duplicates(
    desktop: Page, base_url: str, fake: FakeOwncast
) -> None:
    page = desktop
    kept = chat_event("kept", ANN, timestamp="2024-01-01T10:00:00.123456789Z")
    removed = chat_event("hidden while away", ANN, timestamp="2024-01-01T10:00:01Z")
    later = chat_event("later", ANN, timestamp="2024-01-01T10:00:02Z")
    fake.chat.history = [kept, removed, later]
    await page.goto(base_url + "/")
    await joined(page)
    await page.wait_for_function("() => document.querySelectorAll('.chat-message_user').length === 3")
    assert fake.chat.history_requests == 1

    fake.chat.history = [kept, later]  # a moderator hid one while we were away
    await fake.chat.drop_all()
    await page.wait_for_selector("#chat-container.chat-phase-reconnecting", timeout=TIMEOUT_MS)
    assert "Reconnecting" in (await page.text_content(".chat-status-notice") or "")
    await joined(page)  # 5 s later
    await wait_for(lambda: fake.chat.history_requests == 2, "the history after reconnecting")
    await page.wait_for_function("() => document.querySelectorAll('.chat-message_user').length === 2")
    assert await texts(page, ".chat-message_user .message-text") == ["kept", "later"]
    assert fake.chat.socket_opens == 2


async def test_unknown_token_registers_again_with_the_stored_name(
    desktop: Page, base_url: str, fake: FakeOwncast
) -> None:
    page = desktop
    await page.goto(base_url + "/embed/video")  # same origin, to seed storage
    await page.evaluate(
        "localStorage.setItem('owncast_access_token', 'forgotten');"
        " localStorage.setItem('owncast_username', 'Kim')"
    )
    await page.goto(base_url + "/")
    await joined(page)
    assert fake.chat.registrations == ["Kim"]
    token = await page.evaluate("localStorage.getItem('owncast_access_token')")
    assert token != "forgotten" and token in fake.chat.users
    assert await page.text_content("#username-display") == "Kim"


@pytest.mark.parametrize("refusal", ["CHAT_DISABLED", "ERROR_MAX_CONNECTIONS_EXCEEDED"])
async def test_refused_socket_turns_chat_off(
    desktop: Page, base_url: str, fake: FakeOwncast, refusal: str
) -> None:
    page = desktop
    fake.chat.refuse_with = refusal
    await page.goto(base_url + "/")
    if refusal == "CHAT_DISABLED":
        await page.wait_for_function(
            "() => document.querySelector('#app-container').classList.contains('chat-disabled')",
            timeout=TIMEOUT_MS,
        )
        assert not await page.is_visible("#chat-container-wrap")
        assert await page.locator("#chat-toggle").count() == 0
    else:
        await page.wait_for_selector("#chat-container.chat-phase-full", timeout=TIMEOUT_MS)
        assert "full" in (await page.text_content(".chat-status-notice") or "")
    await page.wait_for_timeout(1_000)
    assert fake.chat.socket_opens == 0


async def test_removed_user_at_connect(desktop: Page, base_url: str, fake: FakeOwncast) -> None:
    page = desktop
    await page.goto(base_url + "/")
    await joined(page)
    token = await page.evaluate("localStorage.getItem('owncast_access_token')")
    fake.chat.disabled_users.add(fake.chat.users[token]["id"])
    await page.reload()
    await page.wait_for_selector(".chat-removed-notice", timeout=TIMEOUT_MS)
    assert await page.locator("#message-input, #username-display").count() == 0
    assert fake.chat.history_requests == 1, "no history for a removed user"


async def test_the_list_stays_bounded_and_keeps_the_readers_place(
    desktop: Page, base_url: str, fake: FakeOwncast
) -> None:
    page = desktop
    await page.goto(base_url + "/")
    await joined(page)
    for start in range(0, 400, 100):
        await fake.chat.push(*(chat_event(f"message {i}", ANN) for i in range(start, start + 100)))
    await page.wait_for_function(
        "() => [...document.querySelectorAll('.message-text')].pop()?.textContent === 'message 399'"
    )
    assert await page.locator("#messages-container [data-message-id]").count() == 300
    at_bottom = "(() => { const s = document.querySelector('#messages-container');"
    at_bottom += " return s.scrollHeight - s.scrollTop - s.clientHeight; })()"
    assert await page.evaluate(at_bottom) < 2, "follows new messages while at the bottom"

    # Scroll up to read: new messages do not move the text under the reader's eyes.
    await page.evaluate("document.querySelector('#messages-container').scrollTop = 2000")
    await page.wait_for_timeout(100)
    anchor_js = """(() => {
      const s = document.querySelector('#messages-container'), top = s.getBoundingClientRect().top;
      const el = [...s.querySelectorAll('[data-message-id]')]
        .find(e => e.getBoundingClientRect().bottom > top);
      return [el.textContent, Math.round(el.getBoundingClientRect().top - top)];
    })()"""
    before = await page.evaluate(anchor_js)
    await fake.chat.push(*(chat_event(f"more {i}", ANN) for i in range(5)))
    await page.wait_for_selector(".new-messages-button", timeout=TIMEOUT_MS)
    assert await page.text_content(".new-messages-button") == "5 new messages ↓"
    assert await page.evaluate(anchor_js) == before
    assert await page.locator("#messages-container [data-message-id]").count() == 300
    await page.screenshot(path="/tmp/ownstream-chat-new-messages.png")
    await page.click(".new-messages-button")
    await page.wait_for_function(f"{at_bottom} < 2")
    assert await page.locator(".new-messages-button").count() == 0


async def test_message_box(desktop: Page, base_url: str, fake: FakeOwncast) -> None:
    page = desktop
    scripts: list[str] = []
    page.on("request", lambda r: scripts.append(r.url) if r.resource_type in ("script", "fetch") else None)
    fake.config["maxSocketPayloadSize"] = 600  # 88 bytes per message
    await page.goto(base_url + "/")
    await joined(page)
    box = "#message-input"
    assert await page.get_attribute(box, "placeholder") == "Say hello! No account needed."
    assert await page.is_disabled("#send-message-button")

    # Shift+Enter is a new line; Enter sends (lines become <br>).
    await page.click(box)
    await page.keyboard.type("first line")
    await page.keyboard.press("Shift+Enter")
    await page.keyboard.type("second <line>")
    await page.keyboard.press("Enter")
    await wait_for(lambda: len(fake.chat.received) == 1, "the message")
    assert fake.chat.received[0] == {"type": "CHAT", "body": "first line<br>second &lt;line&gt;"}
    assert await page.input_value(box) == ""
    assert await page.get_attribute(box, "placeholder") == "Write a message…"
    assert await page.evaluate("localStorage.getItem('owncast_first_message_sent')") == "true"

    # The byte counter shows near the limit; typing past it is refused.
    await page.keyboard.type("é" * 34)  # 68 bytes, 20 left
    assert await page.text_content(".chat-byte-counter") == "20 bytes left"
    color = await page.eval_on_selector(".chat-byte-counter", "e => getComputedStyle(e).color")
    assert color == "rgb(255, 107, 107)"
    await page.keyboard.type("x" * 30)
    assert await page.input_value(box) == "é" * 34 + "x" * 20
    assert await page.text_content(".chat-byte-counter") == "0 bytes left"
    await page.click("#send-message-button")
    await wait_for(lambda: len(fake.chat.received) == 2, "the second message")
    assert fake.chat.received[1]["body"] == "é" * 34 + "x" * 20

    # The emoji picker: its code and data load only when it first opens. It searches every emoji, and
    # lists the server's custom emoji in a category of their own; a custom one goes in as :name: and is
    # sent as the <img> tag.
    assert not [url for url in scripts if "emoji-data-" in url], "nothing of the picker up front"
    loaded_before = len(scripts)
    await page.click("#emoji-button")
    search = page.locator("emoji-picker input[type=search]")
    await search.wait_for(timeout=TIMEOUT_MS)
    assert len(scripts) > loaded_before, "the picker's chunk arrives on first use"
    await page.locator("emoji-picker button[role=tab][aria-label='Custom']").wait_for(timeout=TIMEOUT_MS)
    await page.locator("emoji-picker :text-is('This server')").wait_for(timeout=TIMEOUT_MS)
    await page.locator("emoji-picker [role=option]").first.wait_for(timeout=TIMEOUT_MS)
    assert any("emoji-data-" in url for url in scripts), scripts[loaded_before:]
    await shot_chat(page, "emoji-picker")
    await search.fill("pizza")
    await page.locator("emoji-picker [role=option]:has-text('🍕')").first.click()
    await expect(page.locator(box)).to_have_value("🍕")  # the box re-renders a moment after the click
    await page.click("#emoji-button")
    await search.fill("party")
    await page.locator("emoji-picker [role=option][id$='party']").first.click()
    # The caret goes back into the box once the picker has closed (a frame later); then type on.
    await page.wait_for_function("() => document.activeElement?.id === 'message-input'")
    await page.keyboard.type(" yay")
    await expect(page.locator(box)).to_have_value("🍕:party: yay")
    await page.keyboard.press("Enter")
    await wait_for(lambda: len(fake.chat.received) == 3, "the emoji message")
    assert fake.chat.received[2]["body"] == (
        '🍕<img class="emoji" alt=":party:" title=":party:" src="/img/emoji/party.svg"> yay'
    )

    # Name change: Escape cancels, Enter saves; the server's NAME_CHANGE updates the header.
    await page.click("#username-display")
    await page.fill("#username-change-input", "Nope")
    await page.keyboard.press("Escape")
    assert await page.locator("#username-change-input").count() == 0
    await page.click("#username-display")
    assert await page.get_attribute("#username-change-input", "maxlength") == "60"
    await page.fill("#username-change-input", "  Renamed  ")
    await page.keyboard.press("Enter")
    await page.wait_for_function(
        "() => document.querySelector('#username-display')?.textContent === 'Renamed'"
    )
    assert fake.chat.received[3] == {"type": "NAME_CHANGE", "newName": "Renamed"}
    assert await page.evaluate("localStorage.getItem('owncast_username')") == "Renamed"

    # External actions learn the chat name.
    href = await page.get_attribute(".external-action-button", "href") or ""
    assert href.startswith("https://tips.example/jar?instance=") and href.endswith("&username=Renamed")


async def test_moderator_menu(desktop: Page, base_url: str, fake: FakeOwncast) -> None:
    page = desktop
    await page.goto(base_url + "/")
    await joined(page)
    assert await page.locator(".moderator-menu-button").count() == 0
    token = await page.evaluate("localStorage.getItem('owncast_access_token')")
    user = fake.chat.users[token]
    user["scopes"] = ["MODERATOR"]
    message = chat_event("rude", ANN)
    fake.chat.history.append(message)
    await fake.chat.push({"type": "CONNECTED_USER_INFO", "id": event_id(), "user": user}, message)
    await page.wait_for_selector(".chat-notice", timeout=TIMEOUT_MS)
    assert await page.locator("#username-display .icon-shield").count() == 1

    bubble = page.locator(".chat-message_user")
    await bubble.hover()
    await bubble.locator(".moderator-menu-button").click()
    assert await bubble.locator(".moderator-menu-button").get_attribute("aria-expanded") == "true"
    items = await texts(page, "[role=menu] [role=menuitem]")
    assert items == ["Hide message", "Remove user", "More info"]
    # More info: the moderator's view of the author (newer Owncast's user details).
    await page.click("[role=menuitem]:text-is('More info')")
    info = page.locator("dialog#chat-user-info")
    await info.wait_for(timeout=TIMEOUT_MS)
    await info.locator("dl").wait_for()
    await page.wait_for_function(
        "() => document.querySelector('#chat-user-info dl')?.textContent.includes('Messages')"
    )
    facts = await texts(page, "#chat-user-info dl > *")
    assert facts[:2] == [
        "Joined",
        await page.evaluate("new Date('2022-02-01T10:00:00Z').toLocaleDateString()"),
    ]
    assert "Messages" in facts and facts[facts.index("Messages") + 1] == "1"
    # The fake connected Ann moments ago (not "just now ago").
    assert facts[facts.index("Connection") + 1] == "Connected for less than a minute"
    assert facts[facts.index("Earlier names") + 1] == "Annie"
    assert await info.locator(".user-info-message .message-text").text_content() == "rude"
    await shot_chat(page, "moderator-info")
    await page.keyboard.press("Escape")
    await info.wait_for(state="detached")
    await bubble.hover()
    await bubble.locator(".moderator-menu-button").click()
    # Declining the confirmation does nothing.
    page.once("dialog", lambda dialog: dialog.dismiss())
    await page.click("[role=menuitem]:text-is('Hide message')")
    await page.wait_for_timeout(300)
    assert fake.chat.moderation == []
    await bubble.locator(".moderator-menu-button").click()
    page.once("dialog", lambda dialog: dialog.accept())
    await page.click("[role=menuitem]:text-is('Hide message')")
    await bubble.locator(".moderator-menu-button").click()
    page.once("dialog", lambda dialog: dialog.accept())
    await page.click("[role=menuitem]:text-is('Remove user')")
    await wait_for(lambda: len(fake.chat.moderation) == 2, "two moderation requests")
    assert fake.chat.moderation == [
        ("/api/chat/updatemessagevisibility", {"idArray": [message["id"]], "visible": False}),
        ("/api/chat/users/setenabled", {"userId": "u-ann", "enabled": False}),
    ]


async def test_chat_toggle_and_when_chat_shows(desktop: Page, base_url: str, fake: FakeOwncast) -> None:
    page = desktop
    await page.goto(base_url + "/")
    await joined(page)

    async def classes() -> set[str]:
        return set((await page.get_attribute("#app-container", "class") or "").split())

    assert {"chat"} <= await classes()
    await page.click("#chat-toggle")
    assert {"no-chat", "chat-hidden"} <= await classes()
    assert not await page.is_visible("#chat-container-wrap")
    assert await page.evaluate("localStorage.getItem('owncast_chat')") == "false"
    await page.reload()
    await page.wait_for_selector("#chat-toggle[aria-pressed='false']", timeout=TIMEOUT_MS)
    await page.keyboard.press("c")
    assert "chat" in await classes()
    assert await page.evaluate("localStorage.getItem('owncast_chat')") == "true"
    # Typing a "c" in the message box is just a letter.
    await page.click("#message-input")
    await page.keyboard.type("c")
    assert "chat" in await classes()

    # Offline for longer than five minutes: no chat, and no socket is opened.
    opens = fake.chat.socket_opens
    fake.last_disconnect = "2022-03-01T20:00:00Z"
    await page.reload()
    await page.wait_for_function(
        "() => document.querySelector('#stream-info')?.textContent.includes('Stream is offline.')"
    )
    await page.wait_for_timeout(1_000)
    assert {"no-chat"} <= await classes() and "chat-hidden" not in await classes()
    assert await page.locator("#chat-toggle, #username-display").count() == 0
    assert fake.chat.socket_opens == opens


async def test_phone_shows_chat_under_the_video(browser: Browser, base_url: str, fake: FakeOwncast) -> None:
    context = await browser.new_context(
        viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True, has_touch=True
    )
    page = await context.new_page()
    problems = PageProblems(page)
    fake.chat.history = [chat_event(f"line {i}: " + "words " * (i % 7), ANN) for i in range(40)]
    fake.config["federation"] = {"enabled": True, "account": "streamer@live.example", "followerCount": 3}
    fake.followers = [
        {"link": "https://social.example/@ann", "name": "Ann", "username": "ann@social.example", "image": ""}
    ]
    await page.goto(base_url + "/")
    await joined(page)
    classes = set((await page.get_attribute("#app-container", "class") or "").split())
    assert {"single-col", "touch-screen", "chat"} <= classes
    tabs = await texts(page, ".page-tabs_bar [role=tab]")
    assert tabs == ["Chat", "About", "Followers (3)"]
    video = await page.locator("#video-container").bounding_box()
    bar = await page.locator(".page-tabs_bar").bounding_box()
    chat = await page.locator("#chat-container-wrap").bounding_box()
    assert video and bar and chat
    assert bar["y"] >= video["y"] + video["height"] - 1, "the tab bar sits under the video"
    assert chat["y"] >= bar["y"] + bar["height"] - 1, (
        "the chat starts below the video and the bar, never over it"
    )
    assert abs(chat["y"] + chat["height"] - 844) < 1 and chat["width"] == 390
    assert not await page.is_visible("#user-content"), "the information waits behind its tab"
    box = await page.locator("#message-input").bounding_box()
    assert box and box["y"] + box["height"] <= 844 and box["height"] >= 40
    assert await page.is_visible("#send-message-button"), "a send button on touch screens"
    assert await page.is_visible(".moderator-menu-button") is False
    await shot_chat(page, "phone")

    # About (actions, social links, the summary) and the followers are one tap away, chat keeps running.
    await page.tap(".page-tabs_bar [role=tab]:text-is('About')")
    await page.wait_for_selector("#user-content #about-tab", state="visible")
    assert not await page.is_visible("#chat-container-wrap")
    assert await page.is_visible("#summary-strong") and await page.is_visible(".external-action-button")
    assert await page.get_attribute(".page-tabs_bar [role=tab]:text-is('About')", "aria-selected") == "true"
    pinned = await page.locator("#video-container").bounding_box()
    assert pinned and pinned["y"] == video["y"]
    await shot_chat(page, "phone-about")
    await page.tap(".page-tabs_bar [role=tab]:has-text('Followers')")
    await page.wait_for_selector("#followers-collection .followers-follower")
    assert await page.text_content("#followers-collection .followers-name") == "Ann"
    await page.tap(".page-tabs_bar [role=tab]:text-is('Chat')")
    await page.wait_for_selector("#chat-container-wrap", state="visible")
    assert fake.chat.open_sockets() == 1, "the same chat connection all along"

    # The on-screen keyboard (as Chrome on Android shows it: the layout viewport shrinks). The header and
    # the video stay where they were; the chat gets shorter and its message box stays above the keys.
    top_before = (await page.locator("#video-container").bounding_box() or {"y": -1})["y"]
    await page.tap("#message-input")
    await page.set_viewport_size({"width": 390, "height": 500})
    await page.wait_for_function(
        "() => document.querySelector('#app-container').classList.contains('touch-keyboard-active')"
    )
    assert await page.is_visible("#top-content")
    box = await page.locator("#message-input").bounding_box()
    video = await page.locator("#video-container").bounding_box()
    chat = await page.locator("#chat-container-wrap").bounding_box()
    assert box and video and chat
    assert video["y"] == top_before, "the player's top does not move"
    assert box["y"] + box["height"] <= 500
    assert chat["y"] >= video["y"] + video["height"] - 1
    await shot_chat(page, "phone-keyboard")
    await page.evaluate("document.activeElement.blur()")
    await page.set_viewport_size({"width": 390, "height": 844})
    await page.wait_for_function(
        "() => !document.querySelector('#app-container').classList.contains('touch-keyboard-active')"
    )

    # Landscape: the chat beside the video.
    await page.set_viewport_size({"width": 844, "height": 390})
    await page.wait_for_function(
        "() => document.querySelector('#app-container').classList.contains('short-wide')"
    )
    video = await page.locator("#video-container").bounding_box()
    chat = await page.locator("#chat-container-wrap").bounding_box()
    assert (
        video
        and chat
        and chat["x"] >= video["x"] + video["width"] - 1
        and chat["y"] < video["y"] + video["height"]
    )
    await shot_chat(page, "phone-landscape")
    assert problems.messages == []
    await context.close()


async def test_readonly_embed(browser: Browser, base_url: str, fake: FakeOwncast) -> None:
    context = await browser.new_context(viewport={"width": 360, "height": 480})
    page = await context.new_page()
    problems = PageProblems(page)
    fake.chat.history = [chat_event("for the overlay", ANN)]
    await page.goto(base_url + "/embed/chat/readonly")
    await joined(page)
    assert len(fake.chat.registrations) == 1
    name: Any = fake.chat.registrations[0]
    assert isinstance(name, str) and name.startswith("chat-embed-") and len(name) > len("chat-embed-")
    assert await page.evaluate("localStorage.getItem('owncast_embed_chat_access_token')")
    assert await page.evaluate("localStorage.getItem('owncast_access_token')") is None
    assert await texts(page, ".message-text") == ["for the overlay"]
    assert await page.locator("#message-input-container, header, #user-content, video").count() == 0
    background = await page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgba(0, 0, 0, 0)", "transparent for OBS"
    assert "readonly-chat" in (await page.get_attribute("#app-container", "class") or "")
    # No viewer is counted for an embed; custom CSS is for the page and the read-write chat.
    assert fake.pings == 0
    assert await page.locator("#custom-styles").count() == 0

    await page.goto(base_url + "/embed/chat/readwrite")
    await joined(page)
    assert await page.locator("#custom-styles").count() == 1
    assert await page.locator("#message-input").count() == 1
    assert await page.locator(".embed-chat-header #username-display").count() == 1
    assert problems.messages == []
    await context.close()
