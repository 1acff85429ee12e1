"""Markdown for the page texts (server summary, extra page content): rendered, then allow-listed.

Owncast passes raw HTML in these through; we keep Markdown and harmless HTML but strip anything that can
run script, so an admin-pasted snippet can't turn into stored XSS for every viewer.
"""

from __future__ import annotations

from functools import lru_cache

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
