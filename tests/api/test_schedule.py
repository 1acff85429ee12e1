"""Scheduled streams over HTTP (api/routes/schedule.py, schedule/service.py; reference newer §14.1): the
admin's create/update/delete with Owncast's shapes, messages and check order, the public schedule and
calendar, `/api/status.scheduledEvent`, the settings, and chat opened before an event."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from ownstream.api.state import Services
from ownstream.events import StreamStopped
from tests.chat.client import ChatSocket, register
from tests.harness import RunningServer, admin_auth, make_settings, running_server

ADMIN = admin_auth()
WEEKLY = "DTSTART;TZID=Europe/Berlin:20270314T200000\nRRULE:FREQ=WEEKLY;BYDAY=SU"


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[RunningServer]:
    async with running_server(tmp_path / "data", make_settings(tmp_path / "data")) as running:
        yield running


@pytest.fixture
async def http(server: RunningServer) -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(server.base_url) as session:
        yield session


def svc(server: RunningServer) -> Services:
    assert server.server.services is not None
    return server.server.services


def in_future(**delta: float) -> str:
    return (datetime.now(UTC) + timedelta(**delta)).replace(microsecond=0).isoformat().replace("+00:00", "Z")


async def post(
    http: aiohttp.ClientSession, path: str, body: Any, raw: bytes | None = None
) -> tuple[int, Any]:
    data = raw if raw is not None else json.dumps(body).encode()
    async with http.post(path, data=data, headers=ADMIN) as response:
        text = await response.text()
        return response.status, json.loads(text) if text.strip().startswith(("{", "[")) else text


async def admin_schedule(http: aiohttp.ClientSession) -> dict[str, Any]:
    async with http.get("/api/admin/schedule", headers=ADMIN) as response:
        assert response.status == 200
        document: dict[str, Any] = await response.json()
        return document


async def setting(http: aiohttp.ClientSession, path: str, value: Any) -> None:
    status, body = await post(http, f"/api/admin/config/schedule/{path}", {"value": value})
    assert status == 200, body


async def test_starts_with_milliseconds_as_browsers_send_them(http: aiohttp.ClientSession) -> None:
    """`Date.toISOString()` writes `….000Z`: a create and a move with it are compared with "now" as
    instants (once read as a time without zone, which failed with a 500)."""
    start = (datetime.now(UTC) + timedelta(days=2)).replace(microsecond=0)
    browser_text = start.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    status, document = await post(http, "/api/admin/schedule/event", {"name": "Quiz", "start": browser_text})
    assert status == 200, document
    [event] = document["events"]
    assert event["startTime"] == start.strftime("%Y-%m-%dT%H:%M:%SZ")
    moved = start + timedelta(hours=1)
    body = {"id": event["id"], "name": "Quiz", "start": moved.isoformat(timespec="milliseconds")}
    status, document = await post(http, "/api/admin/schedule/event", body)
    assert status == 200, document
    assert document["events"][0]["startTime"] == moved.strftime("%Y-%m-%dT%H:%M:%SZ")
    past = (datetime.now(UTC) - timedelta(hours=1)).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    status, document = await post(
        http, "/api/admin/schedule/event", {"id": event["id"], "name": "Quiz", "start": past}
    )
    assert (status, document) == (400, {"error": "start must be in the future"})


async def test_one_off_create_update_cancel_delete(http: aiohttp.ClientSession) -> None:
    assert await admin_schedule(http) == {"series": [], "events": []}
    start = in_future(days=2)
    status, document = await post(
        http,
        "/api/admin/schedule/event",
        {"name": "  Build night ", "start": start, "timezone": "America/Los_Angeles"},
    )
    assert status == 200, document
    [event] = document["events"]
    assert event == {
        "id": event["id"],
        "name": "Build night",
        "description": "",
        "startTime": start,
        "durationMinutes": 60,
        "timezone": "America/Los_Angeles",
        "status": "scheduled",
    }
    later = in_future(days=3)
    status, document = await post(
        http,
        "/api/admin/schedule/event",
        {"id": event["id"], "name": "Build night 2", "start": later, "durationMinutes": 90},
    )
    assert status == 200
    assert document["events"][0] | {"id": ""} == event | {
        "id": "",
        "name": "Build night 2",
        "startTime": later,
        "durationMinutes": 90,
    }
    status, document = await post(
        http, "/api/admin/schedule/event/delete", {"id": event["id"], "cancel": True}
    )
    assert status == 200 and document["events"][0]["status"] == "cancelled"
    status, document = await post(http, "/api/admin/schedule/event/delete", {"id": event["id"]})
    assert (status, document) == (200, {"series": [], "events": []})


async def test_series_materializes_pauses_and_deletes(
    http: aiohttp.ClientSession, server: RunningServer
) -> None:
    daily = f"DTSTART:{(datetime.now(UTC) + timedelta(hours=1)):%Y%m%dT%H0000}Z\nRRULE:FREQ=DAILY"
    status, document = await post(
        http,
        "/api/admin/schedule/event",
        {"name": "Daily", "recurrence": daily, "timezone": "ignored", "durationMinutes": 30},
    )
    assert status == 200, document
    [series] = document["series"]
    assert series == {
        "id": series["id"],
        "name": "Daily",
        "description": "",
        "recurrence": daily,
        "durationMinutes": 30,
        "active": True,
    }
    events = document["events"]
    assert len(events) == 30 and {e["seriesId"] for e in events} == {series["id"]}
    assert all(e["timezone"] == "UTC" and e["durationMinutes"] == 30 for e in events)
    # Deleting one occurrence frees its slot: the next expansion fills it again; cancelling keeps it.
    await post(http, "/api/admin/schedule/event/delete", {"id": events[0]["id"], "cancel": True})
    await post(http, "/api/admin/schedule/event/delete", {"id": events[1]["id"]})
    await svc(server).schedule.tick()
    refreshed = (await admin_schedule(http))["events"]
    assert len(refreshed) == 30 and refreshed[0]["id"] == events[0]["id"]
    assert refreshed[0]["status"] == "cancelled" and refreshed[1]["id"] != events[1]["id"]
    # An edit of the series keeps omitted fields and re-expands the future.
    status, document = await post(http, "/api/admin/schedule/event", {"id": series["id"], "name": "Daily!"})
    assert status == 200 and document["series"][0] | {"name": "Daily"} == series
    assert all(e["name"] == "Daily!" for e in document["events"] if e["status"] == "scheduled")
    status, document = await post(
        http, "/api/admin/schedule/event/delete", {"id": series["id"], "cancel": True}
    )
    assert document["series"][0]["active"] is False and len(document["events"]) == 30
    status, document = await post(http, "/api/admin/schedule/event/delete", {"id": series["id"]})
    assert (status, document) == (200, {"series": [], "events": []})


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"", "EOF"),
        (b"{", "unexpected EOF"),
        (b"[1]", "json: cannot unmarshal array into Go value of type ScheduledEventInput"),
        (
            b'{"name": "x", "durationMinutes": 1.5}',
            "json: cannot unmarshal number 1.5 into Go struct field ScheduledEventInput.durationMinutes"
            " of type int",
        ),
        (
            b'{"name": 5}',
            "json: cannot unmarshal number 5 into Go struct field ScheduledEventInput.name of type string",
        ),
        (b'{"name": "x", "start": "tomorrow"}', None),
        (b'{"name": "   "}', "name is required"),
        (b"{}", "name is required"),
        (b'{"name": "x", "durationMinutes": 0}', "durationMinutes is out of range"),
        (b'{"name": "x", "durationMinutes": 10081}', "durationMinutes is out of range"),
        (
            b'{"name": "x", "start": "2030-01-01T00:00:00Z", "recurrence": " R "}',
            "start and recurrence are mutually exclusive",
        ),
        (b'{"name": "x", "recurrence": "RRULE:FREQ=WEEKLY"}', "recurrence value has no DTSTART"),
        (b'{"name": "x", "recurrence": "DTSTART:20300101T000000Z"}', "recurrence value has no RRULE"),
        (b'{"name": "x", "recurrence": "DTSTART;TZID=No/Where:20300101T000000\\nRRULE:FREQ=DAILY"}', None),
        (b'{"name": "x"}', "start is required for a one-off event"),
        (b'{"name": "x", "start": "2001-01-01T00:00:00Z"}', "start must be in the future"),
        (b'{"name": "x", "start": "2099-01-01T00:00:00Z", "timezone": "Mars/Base"}', "unknown timezone"),
        (b'{"name": "x", "id": "nope"}', "no scheduled event or series with that id"),
        (b'{"name": "x", "id": "nope", "timezone": ""}', "timezone cannot be changed on an update"),
    ],
)
async def test_bad_events_are_400_error_bodies_and_change_nothing(
    http: aiohttp.ClientSession, body: bytes, message: str | None
) -> None:
    await post(http, "/api/admin/schedule/event", {"name": "keep", "start": in_future(days=1)})
    before = await admin_schedule(http)
    status, document = await post(http, "/api/admin/schedule/event", None, raw=body)
    assert status == 400 and set(document) == {"error"}
    if message is not None:
        assert document["error"] == message
    else:
        assert document["error"].startswith(("parsing time", "unable to parse recurrence value: "))
    assert await admin_schedule(http) == before


async def test_update_rules(http: aiohttp.ClientSession) -> None:
    _, document = await post(http, "/api/admin/schedule/event", {"name": "S", "recurrence": WEEKLY})
    series_id = document["series"][0]["id"]
    _, document = await post(http, "/api/admin/schedule/event", {"name": "O", "start": in_future(days=1)})
    one_off = next(e["id"] for e in document["events"] if "seriesId" not in e)
    for body, message in (
        (
            {"id": series_id, "name": "S", "start": in_future(days=1)},
            "a recurring series has no single start, edit its recurrence instead",
        ),
        (
            {"id": one_off, "name": "O", "recurrence": WEEKLY},
            "a one-off event cannot become a recurring series, create a new series instead",
        ),
        ({"id": one_off, "name": "O", "start": "2001-01-01T00:00:00Z"}, "start must be in the future"),
        ({"id": one_off, "name": ""}, "name is required"),
    ):
        before = await admin_schedule(http)
        assert await post(http, "/api/admin/schedule/event", body) == (400, {"error": message})
        assert await admin_schedule(http) == before
    for body in ({}, {"id": "nope"}, {"id": "nope", "cancel": True}):
        assert await post(http, "/api/admin/schedule/event/delete", body) == (
            400,
            {"error": "no scheduled event or series with that id"},
        )


async def test_preview_follows_berlin_across_the_spring_and_autumn_changes(
    http: aiohttp.ClientSession,
) -> None:
    status, document = await post(http, "/api/admin/schedule/preview", {"recurrence": WEEKLY})
    assert (status, document) == (
        200,
        {
            "occurrences": [
                "2027-03-14T20:00:00+01:00",
                "2027-03-21T20:00:00+01:00",
                "2027-03-28T20:00:00+02:00",
                "2027-04-04T20:00:00+02:00",
                "2027-04-11T20:00:00+02:00",
            ]
        },
    )
    autumn = "DTSTART;TZID=Europe/Berlin:20271017T200000\nRRULE:FREQ=WEEKLY;BYDAY=SU;COUNT=3"
    _, document = await post(http, "/api/admin/schedule/preview", {"recurrence": autumn})
    assert document["occurrences"] == [
        "2027-10-17T20:00:00+02:00",
        "2027-10-24T20:00:00+02:00",
        "2027-10-31T20:00:00+01:00",
    ]
    assert await post(http, "/api/admin/schedule/preview", {"recurrence": ""}) == (
        400,
        {"error": "recurrence value is empty"},
    )
    hourly = f"DTSTART:{datetime.now(UTC):%Y%m%dT%H0000}Z\nRRULE:FREQ=HOURLY"
    assert await post(http, "/api/admin/schedule/preview", {"recurrence": hourly}) == (
        400,
        {"error": "recurrence rule produces too many occurrences"},
    )
    past = "DTSTART:20200101T000000Z\nRRULE:FREQ=DAILY;COUNT=2"
    assert await post(http, "/api/admin/schedule/preview", {"recurrence": past}) == (200, {"occurrences": []})


async def test_settings_shapes_and_messages(http: aiohttp.ClientSession) -> None:
    for path, value, message in (
        ("enabled", True, "schedule feature updated"),
        ("showcountdown", True, "schedule countdown setting updated"),
        ("chatopenminutes", 30.0, "schedule chat open setting updated"),
        ("remindermessage", "See you soon", "schedule reminder message updated"),
        ("firstreminderminutes", 1440, "schedule reminder setting updated"),
        ("secondreminderminutes", 0, "schedule reminder setting updated"),
    ):
        assert await post(http, f"/api/admin/config/schedule/{path}", {"value": value}) == (
            200,
            {"success": True, "message": message},
        )
    async with http.get("/api/admin/serverconfig", headers=ADMIN) as response:
        assert (await response.json())["schedule"] == {
            "enabled": True,
            "showCountdown": True,
            "chatOpenMinutesBefore": 30,
            "reminderMessage": "See you soon",
            "firstReminderMinutes": 1440,
            "secondReminderMinutes": 0,
        }
    async with http.get("/api/config") as response:
        assert (await response.json())["schedule"] == {
            "enabled": True,
            "showCountdown": True,
            "chatOpenMinutesBefore": 30,
        }
    assert await post(http, "/api/admin/config/schedule/enabled", None, raw=b"nope") == (
        400,
        {"success": False, "message": "unable to parse new value"},
    )


async def test_public_schedule_calendar_and_status(
    http: aiohttp.ClientSession, server: RunningServer
) -> None:
    start = in_future(minutes=30)
    await post(
        http, "/api/admin/schedule/event", {"name": "Soon, really", "start": start, "description": "d"}
    )
    async with http.get("/api/schedule") as response:
        assert response.status == 200 and await response.json() == []
    async with http.get("/api/schedule.ics") as response:
        assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
        assert "BEGIN:VEVENT" not in await response.text()
    async with http.get("/api/status") as response:
        assert "scheduledEvent" not in await response.json()

    await setting(http, "enabled", True)
    await setting(http, "chatopenminutes", 60)
    async with http.get("/api/schedule") as response:
        [event] = await response.json()
        assert event["name"] == "Soon, really" and response.headers["Access-Control-Allow-Origin"] == "*"
    async with http.get("/api/schedule.ics") as response:
        text = await response.text()
        assert f"UID:{event['id']}@owncast\r\n" in text and "SUMMARY:Soon\\, really\r\n" in text
    async with http.get("/api/status") as response:
        assert (await response.json())["scheduledEvent"] == {
            "id": event["id"],
            "name": "Soon, really",
            "description": "d",
            "startTime": start,
            "durationMinutes": 60,
            "chatOpen": True,
        }
    # The range rules, and typed query parameters the way the generated router refuses them.
    window = {"from": in_future(days=1), "to": in_future(days=2)}
    async with http.get("/api/schedule", params=window) as response:
        assert await response.json() == []
    for params, message in (
        ({"from": in_future(days=2), "to": in_future(days=1)}, "to must be after from"),
        ({"from": in_future(days=1), "to": in_future(days=400)}, "requested schedule range is too large"),
    ):
        async with http.get("/api/schedule", params=params) as response:
            assert (response.status, await response.json()) == (400, {"error": message})
    async with http.get("/api/schedule", params={"from": "yesterday"}) as response:
        assert response.status == 400 and response.content_type == "text/plain"
        assert (await response.text()).startswith("Invalid format for parameter from:")
    async with http.options("/api/schedule") as response:
        assert response.status == 204


async def test_chat_opens_before_a_scheduled_stream(
    http: aiohttp.ClientSession, server: RunningServer
) -> None:
    services = svc(server)
    # A stream ended an hour ago: offline chat is closed (Owncast's five minutes are long over).
    services.bus.publish(StreamStopped(stream_id="s1", stopped_at=services.clock.now() - timedelta(hours=1)))
    user = await register(http, server.base_url, "early")
    socket = await ChatSocket.open(http, server.base_url, user.token)
    await socket.next()
    await socket.chat("anyone here?")
    await socket.expect_silence()

    await setting(http, "enabled", True)
    await setting(http, "chatopenminutes", 10)
    await post(http, "/api/admin/schedule/event", {"name": "Soon", "start": in_future(minutes=20)})
    await socket.chat("still closed")
    await socket.expect_silence()
    await post(http, "/api/admin/schedule/event", {"name": "Sooner", "start": in_future(minutes=5)})
    await socket.chat("open now")
    assert (await socket.expect("CHAT"))["body"] == "open now"
    assert [item["body"] for item in await services.chat.history()] == ["open now"]
    await socket.ws.close()
