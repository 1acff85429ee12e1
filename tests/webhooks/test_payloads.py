"""Webhook bodies are Owncast's `{"type", "eventData"}` (reference §5)."""

from datetime import UTC, datetime

from ownstream.clock import rfc3339
from ownstream.events import ChatEventOccurred
from ownstream.webhooks.payloads import (
    STREAM_STARTED,
    STREAM_TITLE_UPDATED,
    WEBHOOK_EVENTS,
    ServerDescription,
    chat_event_body,
    restream_event_body,
    stream_event_body,
)


def test_known_event_types() -> None:
    assert {
        "CHAT",
        "USER_JOINED",
        "NAME_CHANGE",
        "VISIBILITY-UPDATE",
        "STREAM_STARTED",
        "STREAM_STOPPED",
        "STREAM_TITLE_UPDATED",
        "RESTREAM_STARTED",
        "RESTREAM_FAILED",
        "USER_PARTED",  # newer Owncast (0.1.2, accepted by webhooks/create from 0.1.3)
    } == WEBHOOK_EVENTS


def test_chat_event_data_passes_through_untouched() -> None:
    data = {"type": "NAME_CHANGE", "id": "", "timestamp": "0001-01-01T00:00:00Z", "newName": "b", "user": {}}
    body = chat_event_body(ChatEventOccurred("NAME_CHANGE", data))
    assert body == {"type": "NAME_CHANGE", "eventData": data}
    assert body["eventData"] is data


def test_stream_event_shape() -> None:
    server = ServerDescription(name="My server", summary="**raw** summary", stream_title="Desert Bus")
    moment = datetime(2022, 3, 6, 20, 0, 0, 123456, tzinfo=UTC)
    body = stream_event_body(STREAM_STARTED, "abc123XY", server, moment)
    assert body["type"] == "STREAM_STARTED"
    data = body["eventData"]
    assert set(data) == {"id", "name", "streamTitle", "summary", "timestamp"}
    assert data["id"] == "abc123XY"
    assert data["name"] == "My server"
    assert data["summary"] == "**raw** summary"
    assert data["streamTitle"] == "Desert Bus"
    assert datetime.fromisoformat(data["timestamp"]) == moment
    assert data["timestamp"].count(":") >= 3  # carries an explicit offset


def test_title_updated_uses_the_same_shape() -> None:
    server = ServerDescription(name="n", summary="s", stream_title="new title")
    body = stream_event_body(STREAM_TITLE_UPDATED, "x", server, datetime.now(UTC))
    assert body["type"] == "STREAM_TITLE_UPDATED"
    assert body["eventData"]["streamTitle"] == "new title"


def test_restream_bodies_name_the_destination() -> None:
    when = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)
    started = restream_event_body("RESTREAM_STARTED", "ev1", 3, "YouTube", "live", None, when)
    assert started == {
        "type": "RESTREAM_STARTED",
        "eventData": {
            "id": "ev1",
            "timestamp": rfc3339(when),
            "destinationId": 3,
            "destinationName": "YouTube",
            "state": "live",
        },
    }
    failed = restream_event_body(
        "RESTREAM_FAILED", "ev2", 3, "YouTube", "failed", "the server refused: x", when
    )
    assert (
        failed["eventData"]["state"] == "failed" and failed["eventData"]["error"] == "the server refused: x"
    )
    assert {"RESTREAM_STARTED", "RESTREAM_FAILED"} <= WEBHOOK_EVENTS
