"""Scheduled streams on the fediverse, without I/O (newer §14.1 "Federation (later revisions)"): each
announced occurrence is an ActivityPub `Event` at `<server>/federation/events/<id>`, sent as `Create`,
then `Update` for an edit or a cancellation and `Delete` when the occurrence is removed; a reminder is a
`Note` (federation/service.py publishes it like the go-live post).

What the receivers read:
- Mastodon turns an `Event` into a post (its "converted" object types): `name` as a heading, then
  `summary`, then a link to `url`; it ignores `content` for these types. So `summary` carries the time and
  the description, and `url` the public schedule page. Mastodon applies `Update`s to its own types only
  (Note, Question), never to an Event's post, so a cancellation is also posted as a Note replying to the
  Event (`cancellation_text`); a `Delete` does remove the Event's post.
- Mobilizon and Gancio read `startTime`, `endTime` and the iCalendar status `ical:status`
  (`CONFIRMED` / `CANCELLED`). Mastodon has no status field, so a cancelled occurrence's `name` begins
  with "Cancelled:" and its `summary` says so.
- JSON-LD processors (Fedify, Misskey) keep `ical:status` because the `ical` prefix is in the context.
"""

from __future__ import annotations

import re
from datetime import datetime
from html import escape
from typing import Any

from ownstream.domain.scheduled_events import CANCELLED, ScheduledEvent
from ownstream.federation.activities import create
from ownstream.federation.notes import ACTIVITY_STREAMS, addressing, iso_seconds, link_hashtags
from ownstream.schedule.timing import spoken_start

ICAL = "http://www.w3.org/2002/12/cal/ical#"
EVENT_CONTEXT: list[Any] = [ACTIVITY_STREAMS, {"ical": ICAL, "Hashtag": "as:Hashtag"}]
EVENTS_PATH = "/federation/events/"
CANCELLED_PREFIX = "Cancelled: "
CANCELLED_TEXT = "This scheduled stream is cancelled."
_URL_LINE = re.compile(r"https?://\S+")


def event_iri(server_url: str, event_id: str) -> str:
    return f"{server_url.rstrip('/')}{EVENTS_PATH}{event_id}"


def schedule_page(server_url: str, event_id: str) -> str:
    """The public page of one occurrence (the link reminders carry)."""
    return f"{server_url.rstrip('/')}/schedule/{event_id}"


def text_html(text: str) -> str:
    """Plain text as HTML paragraphs: blank lines part paragraphs, single newlines become `<br>`, a line
    that is only an http(s) URL becomes a link. Everything else is escaped."""
    paragraphs = []
    for block in re.split(r"\n\s*\n", text.strip()):
        lines = []
        for line in block.splitlines():
            line = line.strip()
            if _URL_LINE.fullmatch(line):
                link = escape(line, quote=True)
                lines.append(f'<a href="{link}">{link}</a>')
            elif line:
                lines.append(escape(line, quote=False))
        if lines:
            paragraphs.append("<p>" + "<br>".join(lines) + "</p>")
    return "".join(paragraphs)


def event_document(
    event: ScheduledEvent,
    *,
    server_url: str,
    actor: str,
    public: bool,
    published: datetime,
    updated: datetime | None = None,
) -> dict[str, Any]:
    """The `Event` for one occurrence as it is now."""
    cancelled = event.status == CANCELLED
    page = schedule_page(server_url, event.id)
    when = f"<p>{escape(spoken_start(event), quote=False)}</p>"
    notice = f"<p>{CANCELLED_TEXT}</p>" if cancelled else ""
    summary = notice + when + text_html(event.description)
    link = escape(page, quote=True)
    document: dict[str, Any] = {
        "@context": EVENT_CONTEXT,
        "id": event_iri(server_url, event.id),
        "type": "Event",
        "attributedTo": actor,
        "name": (CANCELLED_PREFIX if cancelled else "") + event.name,
        "summary": summary,
        "content": summary + f'<p><a href="{link}">{link}</a></p>',
        "mediaType": "text/html",
        "startTime": iso_seconds(event.start),
        "endTime": iso_seconds(event.end),
        "url": page,
        "published": iso_seconds(published),
        "ical:status": "CANCELLED" if cancelled else "CONFIRMED",
        **addressing(actor, public),
    }
    if updated is not None:
        document["updated"] = iso_seconds(updated)
    return document


def create_event(document: dict[str, Any], *, public: bool) -> dict[str, Any]:
    """`Create` of the `Event` (its id is the Event's with `#create`)."""
    return create(document, public=public)


def update_event(document: dict[str, Any], *, public: bool) -> dict[str, Any]:
    """`Update` carrying the whole `Event` (with its `updated`); one id per revision."""
    actor = document["attributedTo"]
    body = {key: value for key, value in document.items() if key != "@context"}
    stamp = document.get("updated") or document["published"]
    revision = re.sub(r"[^0-9]", "", stamp)
    return {
        "@context": document.get("@context", ACTIVITY_STREAMS),
        "id": f"{document['id']}#update-{revision}",
        "type": "Update",
        "actor": actor,
        **addressing(actor, public),
        "object": body,
    }


def delete_event(iri: str, *, actor: str, public: bool) -> dict[str, Any]:
    """`Delete` of an announced occurrence, its object a `Tombstone` (what Mastodon looks up by id)."""
    return {
        "@context": ACTIVITY_STREAMS,
        "id": iri + "#delete",
        "type": "Delete",
        "actor": actor,
        **addressing(actor, public),
        "object": {"id": iri, "type": "Tombstone"},
    }


def cancellation_text(event: ScheduledEvent, server_url: str) -> str:
    """The post that tells followers an announced occurrence is cancelled (plain text, as reminders)."""
    return (
        f"{CANCELLED_PREFIX}{event.name}\n{spoken_start(event)}\n\n{CANCELLED_TEXT}\n"
        f"{schedule_page(server_url, event.id)}"
    )


def reminder_html(text: str) -> tuple[str, list[str]]:
    """A reminder's plain text (schedule/timing.py `reminder_text`) as the HTML of a Note, with its
    `#words` linked as hashtags; the hashtags used."""
    return link_hashtags(text_html(text))
