"""Inspecting rendered chat HTML the way a browser would: real tags and attributes, not substrings."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

ALLOWED_TAGS = {"a", "br", "strong", "em", "code", "pre", "img", "p"}
SAFE_LINK_PREFIXES = ("http://", "https://", "mailto:")


@dataclass
class Tag:
    name: str
    attributes: dict[str, str] = field(default_factory=dict)


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[Tag] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(Tag(tag, {name: value or "" for name, value in attrs}))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)


def tags_of(html: str) -> list[Tag]:
    collector = _Collector()
    collector.feed(html)
    collector.close()
    return collector.tags


def unsafe_parts(html: str) -> list[str]:
    """Everything in `html` that could run script or load something from elsewhere."""
    problems = []
    if "<script" in html.lower():
        problems.append("a <script> tag")
    for tag in tags_of(html):
        if tag.name not in ALLOWED_TAGS:
            problems.append(f"tag <{tag.name}>")
        for name, value in tag.attributes.items():
            lowered = "".join(value.split()).lower()
            if name.startswith("on"):
                problems.append(f"handler {name} on <{tag.name}>")
            if lowered.startswith(("javascript:", "data:", "vbscript:")):
                problems.append(f"{name}={value!r} on <{tag.name}>")
        href = tag.attributes.get("href")
        if tag.name == "a" and href is not None and not href.lower().startswith(SAFE_LINK_PREFIXES):
            problems.append(f"link to {href!r}")
        if tag.name == "img":
            src = tag.attributes.get("src", "")
            if not src.lower().startswith("/img/emoji/") or ".." in src or "%2e" in src.lower():
                problems.append(f"image {src!r}")
        if "style" in tag.attributes:
            problems.append(f"style on <{tag.name}>")
    return problems


class _Normalizer(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.items: list[tuple[str, ...]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.items.append(("start", tag, *sorted(f"{name}={value}" for name, value in attrs)))

    def handle_endtag(self, tag: str) -> None:
        self.items.append(("end", tag))

    def handle_data(self, data: str) -> None:
        self.items.append(("text", data))


def normalized(html: str) -> list[tuple[str, ...]]:
    """`html` as a list of tags (attributes sorted) and text, to compare markup regardless of
    attribute order."""
    normalizer = _Normalizer()
    normalizer.feed(html)
    normalizer.close()
    return normalizer.items
