"""Markdown for the page texts (server summary, extra page content): rendered, then allow-listed; and
the rendered HTML as plain text for link previews.

Owncast passes raw HTML in these through; we keep Markdown and harmless HTML but strip anything that can
run script, so an admin-pasted snippet can't turn into stored XSS for every viewer.
"""

from __future__ import annotations

from functools import lru_cache
from html.parser import HTMLParser

import nh3
from markdown_it import MarkdownIt

PAGE_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "del", "details", "div", "em", "h1", "h2", "h3", "h4",
    "h5", "h6", "hr", "i", "img", "kbd", "li", "ol", "p", "pre", "s", "small", "span", "strong", "sub",
    "summary", "sup", "table", "tbody", "td", "th", "thead", "tr", "u", "ul",
}  # fmt: skip
PAGE_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"align"},
    "th": {"align"},
    "*": {"class"},
}


@lru_cache(maxsize=1)
def _renderer() -> MarkdownIt:
    return MarkdownIt("commonmark", {"html": True, "linkify": True, "breaks": False}).enable(
        ["linkify", "table", "strikethrough"]
    )


def render_page_markdown(text: str) -> str:
    """Markdown → sanitized HTML, trimmed."""
    html = _renderer().render(text.strip())
    clean = nh3.clean(
        html,
        tags=PAGE_TAGS,
        attributes=PAGE_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener noreferrer",
    )
    return clean.strip()


class _TextCollector(HTMLParser):
    _BLOCKS = frozenset(
        {"p", "br", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "blockquote", "pre"}
    )

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._BLOCKS:
            self.parts.append(" ")
        elif tag == "img":
            self.parts.append(next((value or "" for name, value in attrs if name == "alt"), ""))

    def handle_endtag(self, tag: str) -> None:
        if tag in self._BLOCKS:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def plain_text(html: str) -> str:
    """Rendered HTML reduced to one line of text (link previews, meta descriptions): tags dropped,
    entities decoded, images replaced by their alt text, whitespace collapsed."""
    collector = _TextCollector()
    collector.feed(html)
    collector.close()
    return " ".join("".join(collector.parts).split())
