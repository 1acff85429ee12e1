"""Reminders and webhooks of scheduled streams (schedule/service.py through notifications/service.py and
the webhook dispatcher): a real server whose schedule loop runs every 0.2 s, a Discord webhook stand-in, a
Web Push service stand-in and a webhook receiver on loopback. Each arrives when it is due — not before —
and only once."""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import aiohttp
import pytest

from tests.harness import RunningServer, admin_auth, make_settings, running_server
from tests.notifications.push_service import push_service
from tests.webhooks.receiver import receiving

ADMIN = admin_auth()
LEAD_MINUTES = 15
AHEAD_SECONDS = 3.0


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[RunningServer]:
    settings = replace(make_settings(tmp_path / "data", schedule_interval=0.2), allow_private_addresses=True)
    async with running_server(tmp_path / "data", settings) as running:
        yield running


async def admin_set(http: aiohttp.ClientSession, path: str, value: object) -> None:
    async with http.post(f"/api/admin/config/{path}", json={"value": value}, headers=ADMIN) as response:
        assert response.status == 200, await response.text()


async def test_reminder_reaches_discord_and_web_push_at_the_lead_time(server: RunningServer) -> None:
    async with (
        receiving() as discord,
        push_service() as pushes,
        aiohttp.ClientSession(server.base_url) as http,
    ):
        async with http.post("/api/chat/register", json={"displayName": "fan"}) as response:
            token = (await response.json())["accessToken"]
        async with http.post(
            "/api/notifications/register",
            params={"accessToken": token},
            json={"channel": "BROWSER_PUSH_NOTIFICATION", "destination": pushes.subscribe("fan").to_json()},
        ) as response:
            assert response.status == 200
        await admin_set(http, "notifications/discord", {"enabled": True, "webhook": discord.url("/discord")})
        await admin_set(http, "notifications/browser", {"enabled": True, "goLiveMessage": "Live!"})
        await admin_set(http, "name", "Bench Builders")
        await admin_set(http, "serverurl", "https://stream.example")
        await admin_set(http, "schedule/enabled", True)
        await admin_set(http, "schedule/remindermessage", "Starting soon:")
        await admin_set(http, "schedule/firstreminderminutes", 0)
        await admin_set(http, "schedule/secondreminderminutes", LEAD_MINUTES)

        # Starts in 15 minutes and 3 seconds: the reminder is due in 3 seconds.
        start = datetime.fromtimestamp(math.ceil(time.time()), UTC) + timedelta(
            minutes=LEAD_MINUTES, seconds=AHEAD_SECONDS
        )
        due = time.monotonic() + (start - timedelta(minutes=LEAD_MINUTES)).timestamp() - time.time()
        async with http.post(
            "/api/admin/schedule/event",
            json={
                "name": "Build night",
                "start": start.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "timezone": "Europe/Berlin",
            },
            headers=ADMIN,
        ) as response:
            assert response.status == 200
            [event] = (await response.json())["events"]

        [post] = await discord.wait_for(1)
        [push] = await pushes.wait_for(1)
        arrived = discord.requests[0].at
        await asyncio.sleep(1.0)  # several more ticks: nothing is sent twice

    local = start.astimezone(ZoneInfo("Europe/Berlin"))
    half = "AM" if local.hour < 12 else "PM"
    spoken = (
        f"{local:%A}, {local:%B} {local.day} at {local.hour % 12 or 12}:{local:%M} {half} {local.tzname()}"
    )
    link = f"https://stream.example/schedule/{event['id']}"
    expected = f"Starting soon:\n\nBuild night\n{spoken}\n{link}"
    assert post == {
        "username": "Bench Builders",
        "content": expected,
        "avatar_url": "https://stream.example/logo",
    }
    assert push.payload == {"title": "Bench Builders", "body": expected, "icon": "/logo"}
    assert push.headers["Topic"] == "owncast-schedule-reminder"
    assert due - 0.1 <= arrived <= due + 2.5, f"arrived {arrived - due:+.2f} s from the moment it was due"
    assert len(discord.requests) == 1 and len(pushes.delivered) == 1


async def test_scheduled_events_webhooks_warn_then_start(server: RunningServer) -> None:
    async with receiving() as receiver, aiohttp.ClientSession(server.base_url) as http:
        async with http.post(
            "/api/admin/webhooks/create",
            json={"url": receiver.url("/hook"), "events": ["SCHEDULED_EVENTS"]},
            headers=ADMIN,
        ) as response:
            assert response.status == 200, await response.text()
        await admin_set(http, "serverurl", "https://stream.example")
        start = datetime.fromtimestamp(math.ceil(time.time()) + 3, UTC)
        async with http.post(
            "/api/admin/schedule/event",
            json={"name": "Soon", "start": start.strftime("%Y-%m-%dT%H:%M:%SZ")},
            headers=ADMIN,
        ) as response:
            [event] = (await response.json())["events"]
        await asyncio.sleep(0.6)
        assert receiver.requests == [], "nothing while the schedule is off"
        await admin_set(http, "schedule/enabled", True)
        started_at = time.monotonic() + start.timestamp() - time.time()
        warning, started = await receiver.wait_for(2)
        await asyncio.sleep(0.6)
    assert [body["type"] for body in (warning, started)] == ["SCHEDULED_EVENTS"] * 2
    assert [body["eventData"]["action"] for body in (warning, started)] == ["10-minute-warning", "started"]
    data = started["eventData"]
    assert list(data) == ["status", "serverURL", "event", "action", "timestamp"]
    assert data["event"] == event and data["serverURL"] == "https://stream.example"
    assert data["status"]["online"] is False
    assert receiver.requests[1].at >= started_at - 0.1, "started only once the start is reached"
    assert len(receiver.requests) == 2


async def test_at_its_start_the_stream_title_becomes_the_events_name(server: RunningServer) -> None:
    """As when the admin sets the title: stored (/api/status, /api/config), STREAM_TITLE_UPDATED, and the
    `started` webhook's status already carries it."""
    async with receiving() as receiver, aiohttp.ClientSession(server.base_url) as http:
        await admin_set(http, "streamtitle", "Waiting room")
        async with http.post(
            "/api/admin/webhooks/create",
            json={"url": receiver.url("/hook"), "events": ["SCHEDULED_EVENTS", "STREAM_TITLE_UPDATED"]},
            headers=ADMIN,
        ) as response:
            assert response.status == 200, await response.text()
        await admin_set(http, "schedule/enabled", True)
        start = datetime.fromtimestamp(math.ceil(time.time()) + 3, UTC)
        async with http.post(
            "/api/admin/schedule/event",
            json={"name": "Synth night", "start": start.strftime("%Y-%m-%dT%H:%M:%SZ")},
            headers=ADMIN,
        ) as response:
            assert response.status == 200, await response.text()
        [warning] = await receiver.wait_for(1, "SCHEDULED_EVENTS")
        async with http.get("/api/status") as response:
            assert (await response.json())["streamTitle"] == "Waiting room", "not before the start"
        [retitled] = await receiver.wait_for(1, "STREAM_TITLE_UPDATED")
        _, started = await receiver.wait_for(2, "SCHEDULED_EVENTS")
        async with http.get("/api/status") as response:
            assert (await response.json())["streamTitle"] == "Synth night"
        async with http.get("/api/config") as response:
            assert (await response.json())["streamTitle"] == "Synth night"
        await asyncio.sleep(0.6)
    assert warning["eventData"]["action"] == "10-minute-warning"
    assert started["eventData"]["action"] == "started"
    assert started["eventData"]["status"]["streamTitle"] == "Synth night"
    assert retitled["eventData"]["streamTitle"] == "Synth night"
    assert len(receiver.bodies("STREAM_TITLE_UPDATED")) == 1, "once, at the start"
