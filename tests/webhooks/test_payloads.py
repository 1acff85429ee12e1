"""Webhook bodies are Owncast's `{"type", "eventData"}` (reference §5)."""

from datetime import UTC, datetime, timedelta

from ownstream.clock import rfc3339
from ownstream.events import ChatEventOccurred, ClipCreated, ReplayReady
from ownstream.webhooks.payloads import (
    STREAM_STARTED,
    STREAM_TITLE_UPDATED,
    WEBHOOK_EVENTS,
    ServerDescription,
    chat_event_body,
    clip_created_body,
    replay_ready_body,
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
        "REPLAY_READY",
        "CLIP_CREATED",
        "SCHEDULED_EVENTS",  # Owncast's development branch (scheduled streams, newer §14.1)
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


def test_replay_ready_links_the_replay_from_the_server_url() -> None:
    started = datetime(2026, 12, 2, 3, 0, tzinfo=UTC)
    event = ReplayReady(
        "r1", "Desert Bus", started, datetime(2026, 12, 2, 4, 0, 0, 500000, tzinfo=UTC), 3600.5
    )
    server = ServerDescription(name="n", summary="s", stream_title="t", server_url="https://live.example/")
    body = replay_ready_body(event, "ev1", server, datetime(2026, 12, 2, 4, 0, 5, tzinfo=UTC))
    assert body == {
        "type": "REPLAY_READY",
        "eventData": {
            "id": "ev1",
            "timestamp": "2026-12-02T04:00:05Z",
            "replay": {
                "id": "r1",
                "title": "Desert Bus",
                "startTime": "2026-12-02T03:00:00Z",
                "endTime": "2026-12-02T04:00:00.500000Z",
                "duration": 3600.5,
            },
            "url": "https://live.example/replay/r1",
            "playlist": "https://live.example/replay/r1/stream.m3u8",
            "download": "https://live.example/replay/r1/download.mp4",
        },
    }
    without_url = replay_ready_body(event, "ev1", ServerDescription("n", "s", "t"), started)
    assert without_url["eventData"]["url"] == "/replay/r1"


def test_clip_created_links_the_clip_from_the_server_url() -> None:
    started = datetime(2026, 12, 2, 3, 0, 2, tzinfo=UTC)
    event = ClipCreated("c1", "Goal", "r1", started, started + timedelta(seconds=4), 4.0, "mod")
    server = ServerDescription(name="n", summary="s", stream_title="t", server_url="https://live.example/")
    body = clip_created_body(event, "ev2", server, datetime(2026, 12, 2, 4, 0, 5, tzinfo=UTC))
    assert body == {
        "type": "CLIP_CREATED",
        "eventData": {
            "id": "ev2",
            "timestamp": "2026-12-02T04:00:05Z",
            "clip": {
                "id": "c1",
                "title": "Goal",
                "replayId": "r1",
                "startTime": "2026-12-02T03:00:02Z",
                "endTime": "2026-12-02T03:00:06Z",
                "duration": 4.0,
                "clippedBy": "mod",
            },
            "url": "https://live.example/clip/c1",
            "playlist": "https://live.example/clip/c1/stream.m3u8",
            "download": "https://live.example/clip/c1/download.mp4",
        },
    }
    without_url = clip_created_body(event, "ev2", ServerDescription("n", "s", "t"), started)
    assert without_url["eventData"]["url"] == "/clip/c1"
