"""A direct (private) message from the local actor to one remote account, without I/O: the `Create` of a
`Note` addressed to that actor alone and mentioning it, which Mastodon and others show as a private
mention. Used for the chat's one-time codes (newer Owncast §7.3). Never stored in the outbox."""

from __future__ import annotations

from datetime import datetime
from html import escape
from typing import Any

from ownstream.federation.notes import ACTIVITY_STREAMS, iso_seconds


def direct_note_create(
    *, iri: str, actor: str, recipient: str, recipient_handle: str, text: str, published: datetime
) -> dict[str, Any]:
    """`recipient` is the actor IRI, `recipient_handle` its `user@host`; `text` is plain text."""
    user = recipient_handle.split("@", 1)[0]
    mention = (
        f'<span class="h-card"><a href="{escape(recipient)}" class="u-url mention">'
        f"@<span>{escape(user)}</span></a></span>"
    )
    note = {
        "id": iri,
        "type": "Note",
        "attributedTo": actor,
        "content": f"<p>{mention} {escape(text)}</p>",
        "published": iso_seconds(published),
        "to": [recipient],
        "cc": [],
        "tag": [{"type": "Mention", "href": recipient, "name": f"@{recipient_handle}"}],
    }
    return {
        "@context": ACTIVITY_STREAMS,
        "id": iri + "#create",
        "type": "Create",
        "actor": actor,
        "published": note["published"],
        "to": [recipient],
        "cc": [],
        "object": note,
    }
