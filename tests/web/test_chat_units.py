"""The chat front end's pure pieces (web/src/chat/*.ts), run in headless chromium.

`web/test/chat-units.ts` exposes them on `window.chatUnits`; it is bundled here with the esbuild from
web/node_modules (installed by `npm ci`), loaded into a blank page and called with `page.evaluate`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from playwright.async_api import Browser, Page

from tests.web.units_page import bundle, run_in, units_page

pytestmark = pytest.mark.browser


@pytest.fixture(scope="session")
def units_script() -> str:
    return bundle(
        "test/chat-units.ts", "--jsx=automatic", "--jsx-import-source=preact", "--log-level=warning"
    )


@pytest.fixture
async def units(browser: Browser, units_script: str) -> AsyncIterator[Page]:
    async with units_page(browser, units_script) as page:
        yield page


async def run(page: Page, body: str, arg: Any = None) -> Any:
    return await run_in(page, "chatUnits", body, arg)


async def test_one_frame_carries_several_events(units: Page) -> None:
    frame = (
        '{"type":"CHAT","id":"a","body":"hi"}\n'
        "\n"
        "not json\n"
        "[1,2]\n"
        '{"no":"type"}\n'
        '  {"type":"CHAT_ACTION","id":"b","body":"<p>x</p>"}  \n'
    )
    events = await run(units, "return u.splitFrame(arg);", frame)
    assert [e["id"] for e in events] == ["a", "b"]
    assert await run(units, "return u.splitFrame('');") == []


async def test_timestamps_with_nanoseconds(units: Page) -> None:
    ms = await run(units, "return u.parseTimestamp('2022-03-06T20:01:02.123456789-08:00');")
    assert ms == 1646625662123
    assert await run(units, "return Number.isNaN(u.parseTimestamp('soon'));") is True


async def test_log_merges_by_id_and_sorts_by_time(units: Page) -> None:
    ids = await run(
        units,
        """
        const log = new u.ChatLog();
        const ev = (id, t) => ({type: 'CHAT', id, timestamp: `2024-01-01T00:00:${t}Z`, body: id});
        log.addEvents([ev('c', '30'), ev('d', '40')]);          // live first
        const again = log.addEvents([ev('a', '10'), ev('b', '20'), ev('c', '30')]);  // then the history
        log.addEvents([{type: 'PING'}, {type: 'CONNECTED_USER_INFO', id: 'x'}]);   // not listed
        return {order: log.visibleTail().map(i => i.id), added: again.map(i => i.id), size: log.size};
        """,
    )
    assert ids == {"order": ["a", "b", "c", "d"], "added": ["a", "b"], "size": 4}


async def test_log_stays_bounded(units: Page) -> None:
    result = await run(
        units,
        """
        const log = new u.ChatLog(1000);
        for (let i = 0; i < 1500; i++) {
          log.addEvents([{type: 'CHAT', id: 'm' + i, timestamp: new Date(1e12 + i * 1000).toISOString()}]);
        }
        const tail = log.visibleTail(300);
        return {size: log.size, tail: tail.length, first: tail[0].id, last: tail[299].id,
                oldestKept: log.has('m500'), dropped: log.has('m499'), same: tail === log.visibleTail(300)};
        """,
    )
    assert result == {
        "size": 1000,
        "tail": 300,
        "first": "m1200",
        "last": "m1499",
        "oldestKept": True,
        "dropped": False,
        "same": True,
    }


async def test_visibility_updates_hide_and_show_in_place(units: Page) -> None:
    result = await run(
        units,
        """
        const log = new u.ChatLog();
        const ev = (id, t, extra) => ({type: 'CHAT', id, timestamp: `2024-01-01T00:00:${t}Z`, ...extra});
        log.addEvents([ev('a', '10'), ev('b', '20'), ev('c', '30')]);
        const ids = () => log.visibleTail().map(i => i.id);
        const out = {};
        log.setVisibility(['b'], false); out.hidden = ids();
        log.setVisibility(['b'], true); out.shown = ids();
        // Hidden before it arrived (a history race), and hidden in the history itself.
        log.setVisibility(['late'], false);
        log.addEvents([ev('late', '40'), ev('old', '05', {hiddenAt: '2024-01-01T00:01:00Z'}),
                       ev('inv', '06', {visible: false})]);
        out.after = ids();
        out.changedNothing = log.setVisibility(['nope'], true);
        return out;
        """,
    )
    assert result == {
        "hidden": ["a", "c"],
        "shown": ["a", "b", "c"],
        "after": ["a", "b", "c"],
        "changedNothing": False,
    }


async def test_message_body_from_typed_text(units: Page) -> None:
    emoji = [["party", {"name": "party", "url": "/img/emoji/party.gif"}]]
    body = await run(
        units,
        "return u.composeBody(arg.text, new Map(arg.emoji));",
        {"text": '  <b>hi</b> & "you" :party: :nope: 10:30:45\r\nnext line\n', "emoji": emoji},
    )
    assert body == (
        '&lt;b&gt;hi&lt;/b&gt; &amp; "you" '
        '<img class="emoji" alt=":party:" title=":party:" src="/img/emoji/party.gif"> :nope: 10:30:45'
        "<br>next line"
    )


async def test_byte_counting(units: Page) -> None:
    counts = await run(
        units,
        "return ['a', 'é', '€', '😀', 'a😀é'].map(u.utf8Bytes).concat("
        "[u.messageByteLimit(2048), u.messageByteLimit(0), u.bodyBytes('<', new Map())]);",
    )
    assert counts == [1, 2, 3, 4, 7, 1536, 500, 4]


async def test_own_name_is_marked_as_a_whole_word(units: Page) -> None:
    html = await run(
        units,
        "return u.highlightMentions(arg.html, arg.name);",
        {
            "html": 'hey Bob, bobby and <a href="https://x/bob">bob</a>! <strong>BOB</strong>',
            "name": "bob",
        },
    )
    assert html == (
        'hey <mark class="chat-mention">Bob</mark>, bobby and '
        '<a href="https://x/bob"><mark class="chat-mention">bob</mark></a>! '
        '<strong><mark class="chat-mention">BOB</mark></strong>'
    )
    # A name that looks like markup stays text; one-letter names mark nothing.
    hostile = await run(
        units,
        "return u.highlightMentions(arg, '<img src=x onerror=alert(1)>');",
        "say &lt;img src=x onerror=alert(1)&gt; now",
    )
    assert hostile == ('say <mark class="chat-mention">&lt;img src=x onerror=alert(1)&gt;</mark> now')
    assert await run(units, "return u.highlightMentions('a b a', 'a');") == "a b a"
    assert await run(units, "return u.findMentions('@ann, ann-marie', 'ann');") == [[1, 4], [6, 9]]


async def test_plain_text_for_announcements(units: Page) -> None:
    said = await run(
        units,
        """
        const user = (id, name) => ({id, displayName: name});
        const item = (id, who, body) => ({id, kind: 'chat', hidden: false,
                                          event: {type: 'CHAT', body, user: who}});
        const me = user('me', 'Me');
        const one = u.announcementFor([item('1', user('u1', 'Ann'), 'hi <strong>all</strong> '
                                       + '<img class="emoji" alt=":wave:" src="/img/emoji/w.gif">')], 'me');
        const many = u.announcementFor([item('1', user('u1', 'Ann'), 'a'), item('2', me, 'mine'),
                                        item('3', user('u2', 'Bo'), 'b')], 'me');
        const own = u.announcementFor([item('2', me, 'mine')], 'me');
        return [one, many, own];
        """,
    )
    assert said == ["Ann: hi all :wave:", "2 new messages. Latest from Bo: b", ""]


async def test_chat_open_rule(units: Page) -> None:
    result = await run(
        units,
        """
        const now = Date.parse('2024-05-01T12:00:00Z');
        const s = (online, last) => ({online, viewerCount: 0, lastConnectTime: null,
                                      lastDisconnectTime: last, versionNumber: '', streamTitle: ''});
        return [
          u.isChatOpen(null, now),
          u.isChatOpen(s(true, '2024-05-01T00:00:00Z'), now),
          u.isChatOpen(s(false, null), now),
          u.isChatOpen(s(false, '2024-05-01T11:56:00Z'), now),
          u.isChatOpen(s(false, '2024-05-01T11:54:59Z'), now),
        ];
        """,
    )
    assert result == [False, True, True, True, False]


async def test_reconnect_backoff(units: Page) -> None:
    delays = await run(
        units,
        "return [1, 2, 3, 10].flatMap(n => [u.reconnectDelay(n, () => 0), u.reconnectDelay(n, () => 1)]);",
    )
    assert delays == [5000, 6000, 10000, 12000, 20000, 24000, 60000, 72000]


async def test_small_helpers(units: Page) -> None:
    result = await run(
        units,
        """
        return {
          modes: ['/embed/chat', '/embed/chat/readonly', '/embed/chat/readwrite', '/embed/chat/readwrite/']
            .map(u.embedChatMode),
          titles: [u.titleFor('Radio', 0, false), u.titleFor('Radio', 3, false),
                   u.titleFor('Radio', 12, true)],
          hues: [u.userHue(42, 'x'), u.userHue(-30, 'x'), u.userHue(725, 'x'),
                 typeof u.userHue(undefined, 'ann')],
          moderator: [u.isModerator({scopes: ['MODERATOR']}), u.isModerator({scopes: null}),
                      u.isModerator({scopes: ['']}), u.isModerator(null)],
          sent: u.formatSentAt(Date.parse('2024-05-01T12:00:00Z') - 3 * 86400000,
                               Date.parse('2024-05-01T12:00:00Z')).startsWith('Sent at '),
        };
        """,
    )
    assert result == {
        "modes": ["readonly", "readonly", "readwrite", "readwrite"],
        "titles": ["Radio", "(3) Radio", "(9+) 🔴 Radio"],
        "hues": [42, 330, 5, "number"],
        "moderator": [True, False, False, False],
        "sent": True,
    }


async def test_socket_url_and_newer_owncasts_host_override(units: Page) -> None:
    """The chat socket goes to this server, or to newer Owncast's `socketHostOverride` (http → ws)."""
    here = await run(units, "return u.socketUrl('t k');")
    assert here.endswith("/ws?accessToken=t%20k") and here.startswith("ws")
    assert await run(units, "return u.socketUrl('t', 'wss://chat.example.com/x');") == (
        "wss://chat.example.com/ws?accessToken=t"
    )
    assert await run(units, "return u.socketUrl('t', 'https://chat.example.com');") == (
        "wss://chat.example.com/ws?accessToken=t"
    )
    assert await run(units, "return u.socketUrl('t', 'http://chat.example.com:8080');") == (
        "ws://chat.example.com:8080/ws?accessToken=t"
    )
    assert await run(units, "return u.socketUrl('t', 'not a url');") == await run(
        units, "return u.socketUrl('t');"
    ), "not an address: this server"


async def test_user_parted_is_listed(units: Page) -> None:
    kinds = await run(
        units,
        """
        const log = new u.ChatLog();
        log.addEvents([{type: 'USER_PARTED', id: 'p', timestamp: '2024-01-01T00:00:10Z',
                        user: {id: 'u', displayName: 'ann'}}]);
        return log.visibleTail().map(i => i.kind);
        """,
    )
    assert kinds == ["parted"]
