"""Posts to the fediverse as ActivityStreams documents, without I/O (reference §8, §8.8).

IRIs hang off the server URL: the local actor is `<server>/federation/user/<username>`, every
published object `<server>/federation/<id>`. In a post, each `#word` links to the Owncast directory's
tag page and becomes a `Hashtag` tag.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from ownstream.markdown import render_page_markdown

ACTIVITY_STREAMS = "https://www.w3.org/ns/activitystreams"
PUBLIC = ACTIVITY_STREAMS + "#Public"
NOTE_CONTEXT: list[Any] = [ACTIVITY_STREAMS, {"sensitive": "as:sensitive", "Hashtag": "as:Hashtag"}]
"""`sensitive` and `Hashtag` are Mastodon's extensions of the ActivityStreams vocabulary: named here so
that JSON-LD processors (Fedify, Misskey) keep them."""
TAG_PAGE = "https://directory.owncast.online/tags/"

_HASHTAG = re.compile(r"(?<![\w&#])#([A-Za-z0-9]+)")
_MARKUP = re.compile(r"(<[^>]*>)")
_NO_LINKS_INSIDE = ("a", "code", "pre")
_NOT_TAG_CHARACTERS = re.compile(r"[^A-Za-z0-9]+")


def actor_iri(server_url: str, username: str) -> str:
    return f"{server_url.rstrip('/')}/federation/user/{username}"


def object_iri(server_url: str, object_id: str) -> str:
    return f"{server_url.rstrip('/')}/federation/{object_id}"


def hashtag_link(tag: str) -> str:
    return f'<a class="hashtag" href="{TAG_PAGE}{tag}">#{tag}</a>'


def hashtag_object(tag: str) -> dict[str, str]:
    return {"type": "Hashtag", "name": f"#{tag}", "href": TAG_PAGE + tag}


def _tag_name(markup: str) -> tuple[str, bool]:
    """(`a`, True) for `<a …>`, (`a`, False) for `</a>`."""
    inner = markup[1:-1].strip()
    closing = inner.startswith("/")
    words = inner.lstrip("/").replace("/", " ").split(None, 1)
    return (words[0].lower() if words else ""), not closing


def link_hashtags(html: str) -> tuple[str, list[str]]:
    """Turn `#word` in the text of `html` into tag links, leaving markup, links and code alone.

    Returns the new HTML and the distinct tags in order of first use."""
    found: list[str] = []
    depth = 0
    pieces = []
    for piece in _MARKUP.split(html):
        if piece.startswith("<"):
            name, opening = _tag_name(piece)
            if name in _NO_LINKS_INSIDE:
                depth = depth + 1 if opening else max(depth - 1, 0)
            pieces.append(piece)
            continue
        if depth:
            pieces.append(piece)
            continue

        def link(match: re.Match[str]) -> str:
            tag = match.group(1)
            if tag not in found:
                found.append(tag)
            return hashtag_link(tag)

        pieces.append(_HASHTAG.sub(link, piece))
    return "".join(pieces), found


def render_post(text: str) -> tuple[str, list[str]]:
    """Markdown → safe HTML with hashtag links, and the hashtags used."""
    return link_hashtags(render_page_markdown(text))


def tag_word(tag: str) -> str:
    """A server tag as a hashtag: letters and digits only (Owncast drops everything else)."""
    return _NOT_TAG_CHARACTERS.sub("", tag)


def followers_iri(actor: str) -> str:
    return actor + "/followers"


def addressing(actor: str, public: bool) -> dict[str, list[str]]:
    """Public: to everyone, cc the followers (Mastodon's "public"); private: to the followers only."""
    if public:
        return {"to": [PUBLIC], "cc": [followers_iri(actor)]}
    return {"to": [followers_iri(actor)]}


def iso_seconds(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def note_document(
    *,
    iri: str,
    actor: str,
    content: str,
    published: datetime,
    tags: list[str],
    public: bool,
    url: str | None = None,
    attachment: list[dict[str, Any]] | None = None,
    sensitive: bool = False,
    in_reply_to: str | None = None,
) -> dict[str, Any]:
    """A `Note` by the local actor, addressed as `addressing` says."""
    note: dict[str, Any] = {
        "@context": NOTE_CONTEXT,
        "id": iri,
        "type": "Note",
        "attributedTo": actor,
        "content": content,
        "published": iso_seconds(published),
        **addressing(actor, public),
        "tag": [hashtag_object(tag) for tag in tags],
    }
    if url is not None:
        note["url"] = url
    if attachment:
        note["attachment"] = attachment
    if sensitive:
        note["sensitive"] = True
    if in_reply_to is not None:
        note["inReplyTo"] = in_reply_to
    return note
