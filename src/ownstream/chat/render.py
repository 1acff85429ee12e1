"""Chat bodies: Markdown to HTML, then a strict allow-list (reference §3.6).

Every body that reaches a chat client goes through here: user messages, system and action messages,
integration messages, the welcome message and our own notices. User bodies lose their `<p>` wrappers
(as Owncast 0.0.11 does); system bodies keep them. Unlike 0.0.11, system bodies are sanitized too, so an
integration token or an admin text can't put script into every viewer's page.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from urllib.parse import unquote

import nh3
from markdown_it import MarkdownIt

from ownstream.chat.text import well_formed

LINK_REL = "nofollow noreferrer noopener"
_INLINE_TAGS = {"a", "br", "strong", "em", "code", "pre", "img"}
_ATTRIBUTES = {"a": {"href"}, "img": {"src", "alt", "title", "class"}}

_LINK_SCHEMES = ("http://", "https://", "mailto:")
_EMOJI_PREFIX = "/img/emoji/"
_EMOJI_PATH = re.compile(r"[A-Za-z0-9._~!$&'()*+,;=:@/ %-]*")
_EMOJI_LABEL = re.compile(r":[^:\s<>\"'=]+:")
_CLASS_VALUE = re.compile(r"[A-Za-z0-9_ -]*")
# nh3 escapes `>` inside attribute values, so an <img> tag in its output ends at the first `>`.
_IMG_WITHOUT_SRC = re.compile(r"<img(?![^>]*\ssrc=)[^>]*>")
_MARKDOWN_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")
_WHITESPACE = re.compile(r"\s+")


@lru_cache(maxsize=1)
def _markdown() -> MarkdownIt:
    """CommonMark with raw HTML, no tables, and auto-linking of bare http(s) URLs only."""
    md = MarkdownIt("commonmark", {"html": True, "linkify": True}).enable("linkify")
    linkify = md.linkify
    assert linkify is not None, "markdown-it-py[linkify] is a dependency"
    for scheme in ("ftp:", "//", "mailto:"):
        linkify.add(scheme, None)
    linkify.set({"fuzzy_link": False, "fuzzy_email": False, "fuzzy_ip": False})
    return md


def _emoji_src_allowed(value: str) -> bool:
    if not value.lower().startswith(_EMOJI_PREFIX) or not _EMOJI_PATH.fullmatch(value):
        return False
    # Browsers resolve `..` (also spelt `%2e%2e`) before fetching; keep the image under /img/emoji/.
    decoded = unquote(value)
    return ".." not in decoded and "\\" not in decoded and "?" not in decoded and "#" not in decoded


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    if tag == "a":
        if attribute == "href":
            return value if value.lower().startswith(_LINK_SCHEMES) else None
        return value  # the rel and target we set ourselves
    if tag == "img":
        if attribute == "src":
            return value if _emoji_src_allowed(value) else None
        if attribute in ("alt", "title"):
            return value if _EMOJI_LABEL.fullmatch(value) else None
        if attribute == "class":
            return value if _CLASS_VALUE.fullmatch(value) else None
    return None


def _cleaner(tags: set[str]) -> nh3.Cleaner:
    return nh3.Cleaner(
        tags=tags,
        attributes=_ATTRIBUTES,
        attribute_filter=_filter_attribute,
        url_schemes={"http", "https", "mailto"},
        link_rel=LINK_REL,
        set_tag_attribute_values={"a": {"target": "_blank"}},
        strip_comments=True,
    )


@lru_cache(maxsize=1)
def _user_cleaner() -> nh3.Cleaner:
    return _cleaner(_INLINE_TAGS)


@lru_cache(maxsize=1)
def _system_cleaner() -> nh3.Cleaner:
    return _cleaner(_INLINE_TAGS | {"p"})


def _sanitize(html: str, cleaner: nh3.Cleaner) -> str:
    return _IMG_WITHOUT_SRC.sub("", cleaner.clean(html))


def render_chat_body(text: str) -> str:
    """A user's message: Markdown, sanitized, `<p>` removed, trimmed. Empty means "drop it"."""
    html = _markdown().render(well_formed(text).strip())
    return _sanitize(html, _user_cleaner()).strip()


def render_system_body(text: str) -> str:
    """A server-side message (system, action, welcome, notices): Markdown, sanitized, `<p>` kept."""
    html = _markdown().render(well_formed(text).strip())
    return _sanitize(html, _system_cleaner())


def markdown_literal(text: str) -> str:
    """`text` as Markdown that renders to exactly that text: whitespace folded to single spaces,
    punctuation backslash-escaped (which also escapes HTML). For names and titles inside notices."""
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", _WHITESPACE.sub(" ", text).strip())


class RenderedOnce:
    """Remembers the last text and its rendering, so a text that has not changed (the admin's welcome
    message, sent to every socket that joins) is not rendered again."""

    def __init__(self, render: Callable[[str], str]) -> None:
        self._render = render
        self._last: tuple[str, str] | None = None
        self.renders = 0

    def __call__(self, text: str) -> str:
        if self._last is None or self._last[0] != text:
            self._last = (text, self._render(text))
            self.renders += 1
        return self._last[1]
