"""Chat body rendering and sanitizing (reference §3.6), including an XSS corpus through every kind of body."""

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ownstream.chat.notices import name_refused_notice, title_changed_notice, user_removed_notice
from ownstream.chat.render import RenderedOnce, markdown_literal, render_chat_body, render_system_body
from tests.chat.html_check import normalized, tags_of, unsafe_parts

LINK_ATTRIBUTES = 'rel="nofollow noreferrer noopener" target="_blank"'


def load_payloads() -> list[str]:
    lines = Path(__file__).with_name("xss_payloads.txt").read_text().splitlines()
    return [line.replace("\\n", "\n") for line in lines if line and not line.startswith("# ")]


PAYLOADS = load_payloads()


def test_corpus_is_big_enough() -> None:
    assert len(PAYLOADS) >= 50


def every_kind_of_body(payload: str) -> dict[str, str]:
    """The payload through each path a body can take to a chat client."""
    return {
        "user": render_chat_body(payload),
        "system": render_system_body(payload),
        "action with author": render_system_body(f"**{markdown_literal(payload)}** {payload}"),
        "welcome": render_system_body(payload),
        "title notice": render_system_body(title_changed_notice(markdown_literal(payload))),
        "name refused": render_system_body(name_refused_notice(markdown_literal(payload))),
        "user removed": render_system_body(user_removed_notice(markdown_literal(payload))),
    }


@pytest.mark.parametrize("payload", PAYLOADS)
def test_no_payload_survives_any_body(payload: str) -> None:
    for kind, html in every_kind_of_body(payload).items():
        assert unsafe_parts(html) == [], (kind, payload, html)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_escaped_names_render_as_plain_text(payload: str) -> None:
    html = render_system_body(title_changed_notice(markdown_literal(payload)))
    assert [tag.name for tag in tags_of(html)] == ["p", "strong"]


def test_owncast_examples() -> None:
    assert normalized(render_chat_body("hi **there** http://x.com")) == normalized(
        f'hi <strong>there</strong> <a href="http://x.com" {LINK_ATTRIBUTES}>http://x.com</a>'
    )
    assert render_chat_body('<img src="https://evil/x.png"> test') == "test"
    emoji = '<img src="/img/emoji/party.gif" alt=":party:" title=":party:" class="emoji">'
    assert normalized(render_chat_body(f"yay {emoji}")) == normalized(f"yay {emoji}")


def test_user_bodies_lose_paragraphs_and_are_trimmed() -> None:
    assert render_chat_body("  hello  ") == "hello"
    assert render_chat_body("one\n\ntwo") == "one\ntwo"
    assert render_chat_body("<p>x</p>") == "x"
    assert render_chat_body("   ") == ""
    assert render_chat_body("<script>alert(1)</script>") == ""


def test_system_bodies_keep_paragraphs() -> None:
    assert render_system_body("hello **you**") == "<p>hello <strong>you</strong></p>\n"


def test_only_schemed_urls_are_linked() -> None:
    assert render_chat_body("see example.com or www.example.com") == "see example.com or www.example.com"
    assert "<a" not in render_chat_body("ftp://example.com/file")
    assert 'href="https://example.com/a?b=c"' in render_chat_body("https://example.com/a?b=c")


def test_link_rules() -> None:
    mail = tags_of(render_chat_body("[write](mailto:me@example.com)"))
    assert mail[0].attributes["href"] == "mailto:me@example.com"
    relative = tags_of(render_chat_body('<a href="/admin">x</a>'))
    assert "href" not in relative[0].attributes
    forced = tags_of(render_chat_body('<a href="https://x.example" target="_self" rel="opener">x</a>'))
    assert forced[0].attributes == {
        "href": "https://x.example",
        "target": "_blank",
        "rel": "nofollow noreferrer noopener",
    }


def test_emoji_image_rules() -> None:
    kept = tags_of(render_chat_body('<img src="/IMG/Emoji/a.png" alt=":a:" title=":a:" class="emoji big">'))
    assert kept[0].attributes == {
        "src": "/IMG/Emoji/a.png",
        "alt": ":a:",
        "title": ":a:",
        "class": "emoji big",
    }
    no_label = tags_of(render_chat_body('<img src="/img/emoji/a.png" alt="not a label">'))
    assert no_label[0].attributes == {"src": "/img/emoji/a.png"}
    assert render_chat_body('<img src="/img/emojiX/a.png">') == ""
    assert render_chat_body('<img alt=":a:">') == ""


def test_tables_are_not_markdown_and_other_tags_lose_only_their_tags() -> None:
    assert "<table" not in render_chat_body("| a | b |\n|---|---|\n| 1 | 2 |")
    assert render_chat_body("<h1>Title</h1>") == "Title"
    assert render_chat_body("# Title") == "Title"
    assert render_chat_body("<marquee>hi</marquee>") == "hi"


def test_code_is_escaped() -> None:
    assert render_chat_body("`<b>x</b>`") == "<code>&lt;b&gt;x&lt;/b&gt;</code>"


def test_markdown_literal_renders_to_the_same_text() -> None:
    for text in ["a*b*c", "<b>x</b>", "_under_", "[l](javascript:x)", "back\\slash", "1. list", "# head"]:
        html = render_system_body(markdown_literal(text))
        assert tags_of(html)[0].name == "p" and len(tags_of(html)) == 1, (text, html)
        assert normalized(html)[1] == ("text", text), (text, html)
    assert markdown_literal("  many \n spaces ") == "many spaces"


@given(st.text(max_size=200))
def test_any_text_renders_to_encodable_safe_html(text: str) -> None:
    for html in (render_chat_body(text), render_system_body(text)):
        html.encode("utf-8")
        assert unsafe_parts(html) == []


def test_lone_surrogates_are_replaced() -> None:
    assert render_chat_body("a\ud800b") == "a\ufffdb"


def test_rendered_once_renders_a_text_only_when_it_changes() -> None:
    seen: list[str] = []

    def render(text: str) -> str:
        seen.append(text)
        return render_system_body(text)

    welcome = RenderedOnce(render)
    assert [welcome("Hi *there*") for _ in range(3)] == ["<p>Hi <em>there</em></p>\n"] * 3
    assert welcome("Bye") == "<p>Bye</p>\n"
    assert seen == ["Hi *there*", "Bye"] and welcome.renders == 2
