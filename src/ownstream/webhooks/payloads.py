"""Webhook request bodies, built from bus events (reference §5). Pure: no I/O, no clock, no randomness.

Every body is `{"type": <event type>, "eventData": {…}}`, a `WebhookBody` serialised by
`domain.owncast_json`. Chat events already carry Owncast's `eventData` and pass through untouched; the
stream events describe the server as configured at the moment the event happened.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ownstream.clock import rfc3339
from ownstream.domain.chat_events import StreamWebhookData, WebhookBody
from ownstream.domain.event_types import STREAM_STARTED, STREAM_TITLE_UPDATED, WEBHOOK_EVENTS
from ownstream.domain.owncast_json import to_json
from ownstream.events import ChatEventOccurred

# The event type names live in `domain.event_types`; these are re-exported for callers of this module.
__all__ = [
    "STREAM_STARTED",
    "STREAM_TITLE_UPDATED",
    "WEBHOOK_EVENTS",
    "ServerDescription",
    "chat_event_body",
    "restream_event_body",
    "stream_event_body",
]


@dataclass(frozen=True)
class ServerDescription:
    """What the stream events report about the server: its name, raw summary and stream title."""

    name: str
    summary: str
    stream_title: str


def chat_event_body(event: ChatEventOccurred) -> dict[str, Any]:
    """Chat events carry their `eventData` already in Owncast's shape."""
    return to_json(WebhookBody(event.type, event.data))


def restream_event_body(
    event_type: str,
    event_id: str,
    destination_id: int,
    name: str,
    state: str,
    error: str | None,
    timestamp: datetime,
) -> dict[str, Any]:
    """RESTREAM_STARTED and RESTREAM_FAILED (ours): which destination, the state it is now in, and for a
    failure ffmpeg's last error line (the stream key masked)."""
    data: dict[str, Any] = {
        "id": event_id,
        "timestamp": rfc3339(timestamp),
        "destinationId": destination_id,
        "destinationName": name,
        "state": state,
    }
    if error is not None:
        data["error"] = error
    return to_json(WebhookBody(event_type, data))


def stream_event_body(
    event_type: str, event_id: str, server: ServerDescription, timestamp: datetime
) -> dict[str, Any]:
    """STREAM_STARTED, STREAM_STOPPED and STREAM_TITLE_UPDATED share one `eventData` shape."""
    data = StreamWebhookData(
        type=event_type,
        id=event_id,
        name=server.name,
        stream_title=server.stream_title,
        summary=server.summary,
        timestamp=timestamp,
    )
    return to_json(WebhookBody(event_type, data))
