"""Webhook request bodies, built from bus events (reference §5). Pure: no I/O, no clock, no randomness.

Every body is `{"type": <event type>, "eventData": {…}}`, a `WebhookBody` serialised by
`domain.owncast_json`. Chat events already carry Owncast's `eventData` and pass through untouched; the
stream events describe the server as configured at the moment the event happened.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from ownstream.clock import rfc3339
from ownstream.domain.chat_events import StreamWebhookData, WebhookBody
from ownstream.domain.event_types import (
    CLIP_CREATED,
    REPLAY_READY,
    STREAM_STARTED,
    STREAM_TITLE_UPDATED,
    WEBHOOK_EVENTS,
)
from ownstream.domain.owncast_json import to_json
from ownstream.events import ChatEventOccurred, ClipCreated, ReplayReady

# The event type names live in `domain.event_types`; these are re-exported for callers of this module.
__all__ = [
    "STREAM_STARTED",
    "STREAM_TITLE_UPDATED",
    "WEBHOOK_EVENTS",
    "ServerDescription",
    "chat_event_body",
    "clip_created_body",
    "replay_ready_body",
    "restream_event_body",
    "stream_event_body",
    "with_server_fields",
]


@dataclass(frozen=True)
class ServerDescription:
    """What the stream events report about the server: its name, raw summary and stream title; and what
    newer Owncast (0.2.4) puts in every event: the server's status and its URL."""

    name: str
    summary: str
    stream_title: str
    server_url: str = ""
    """The server's public URL (`serverurl`), for links; empty when the admin has not set it."""
    status: dict[str, Any] | None = None
    """None: the 0.0.11 bodies, without `status` and `serverURL`."""


def with_server_fields(body: dict[str, Any], server: ServerDescription) -> dict[str, Any]:
    """`body` with newer Owncast's `status` and `serverURL` (left out while unset) first in `eventData`;
    every 0.0.11 field stays as it was."""
    data = body.get("eventData")
    if server.status is None or not isinstance(data, dict):
        return body
    extra: dict[str, Any] = {"status": server.status}
    if server.server_url:
        extra["serverURL"] = server.server_url
    return {**body, "eventData": {**extra, **data}}


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


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def replay_ready_body(
    event: ReplayReady, event_id: str, server: ServerDescription, timestamp: datetime
) -> dict[str, Any]:
    """REPLAY_READY (ours): the finalised replay and where to watch and download it (absolute when the
    server URL is set, else paths on this server)."""
    page = f"{server.server_url.rstrip('/')}/replay/{event.replay_id}"
    data = {
        "id": event_id,
        "timestamp": _utc(timestamp),
        "replay": {
            "id": event.replay_id,
            "title": event.title,
            "startTime": _utc(event.started_at),
            "endTime": _utc(event.ended_at),
            "duration": round(event.duration, 3),
        },
        "url": page,
        "playlist": f"{page}/stream.m3u8",
        "download": f"{page}/download.mp4",
    }
    return to_json(WebhookBody(REPLAY_READY, data))


def clip_created_body(
    event: ClipCreated, event_id: str, server: ServerDescription, timestamp: datetime
) -> dict[str, Any]:
    """CLIP_CREATED (ours): the new clip and where to watch and download it (absolute when the server
    URL is set, else paths on this server)."""
    page = f"{server.server_url.rstrip('/')}/clip/{event.clip_id}"
    data = {
        "id": event_id,
        "timestamp": _utc(timestamp),
        "clip": {
            "id": event.clip_id,
            "title": event.title,
            "replayId": event.replay_id,
            "startTime": _utc(event.started_at),
            "endTime": _utc(event.ended_at),
            "duration": round(event.duration, 3),
            "clippedBy": event.clipped_by,
        },
        "url": page,
        "playlist": f"{page}/stream.m3u8",
        "download": f"{page}/download.mp4",
    }
    return to_json(WebhookBody(CLIP_CREATED, data))
