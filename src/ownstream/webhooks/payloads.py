"""Webhook request bodies, built from bus events (reference §5). Pure: no I/O, no clock, no randomness.

Every body is `{"type": <event type>, "eventData": {…}}`. Chat events already carry Owncast's
`eventData` and pass through untouched; the stream events describe the server as configured at the
moment the event happened.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ownstream.clock import rfc3339
from ownstream.events import ChatEventOccurred

CHAT = "CHAT"
USER_JOINED = "USER_JOINED"
NAME_CHANGE = "NAME_CHANGE"
VISIBILITY_UPDATE = "VISIBILITY-UPDATE"
STREAM_STARTED = "STREAM_STARTED"
STREAM_STOPPED = "STREAM_STOPPED"
STREAM_TITLE_UPDATED = "STREAM_TITLE_UPDATED"

CHAT_EVENTS = frozenset({CHAT, USER_JOINED, NAME_CHANGE, VISIBILITY_UPDATE})
WEBHOOK_EVENTS = CHAT_EVENTS | {STREAM_STARTED, STREAM_STOPPED, STREAM_TITLE_UPDATED}
"""Owncast 0.0.11's six event types plus STREAM_TITLE_UPDATED, which Owncast added later."""


@dataclass(frozen=True)
class ServerDescription:
    """What the stream events report about the server: its name, raw summary and stream title."""

    name: str
    summary: str
    stream_title: str


def webhook_body(event_type: str, event_data: dict[str, Any]) -> dict[str, Any]:
    return {"type": event_type, "eventData": event_data}


def chat_event_body(event: ChatEventOccurred) -> dict[str, Any]:
    """Chat events carry their `eventData` already in Owncast's shape."""
    return webhook_body(event.type, event.data)


def stream_event_body(
    event_type: str, event_id: str, server: ServerDescription, timestamp: datetime
) -> dict[str, Any]:
    """STREAM_STARTED, STREAM_STOPPED and STREAM_TITLE_UPDATED share one `eventData` shape."""
    return webhook_body(
        event_type,
        {
            "id": event_id,
            "name": server.name,
            "streamTitle": server.stream_title,
            "summary": server.summary,
            "timestamp": rfc3339(timestamp),
        },
    )
