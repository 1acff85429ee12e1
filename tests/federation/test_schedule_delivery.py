"""Scheduled streams on the fediverse through a real server (admin API → schedule → announcer → signed
delivery queue) to an inbox on loopback: `Create(Event)`, `Update` for an edit and a cancellation, `Delete`
for a removed occurrence, each once; the Event served at its id with the ActivityStreams content type (and
hidden as the other objects are); a reminder as a signed post. With the real Fedify peer too: it verifies
our signatures, accepts the activities and dereferences the Event."""

from __future__ import annotations

import math
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from yarl import URL

from ownstream.database.repos.deliveries import DeliveryRepository
from ownstream.database.repos.followers import Follower
from tests.e2e.waiting import wait_until
from tests.federation.conftest import enable_federation, federation_of, federation_settings
from tests.federation.peer import RFC9421, FediversePeer, of_type
from tests.federation.remote_stub import RemoteStub
from tests.harness import RunningServer, admin_auth, running_server

ADMIN = admin_auth()
AS2 = "application/activity+json"


@pytest.fixture
async def stub() -> AsyncIterator[RemoteStub]:
    remote = RemoteStub()
    await remote.start()
    yield remote
    await remote.stop()


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[RunningServer]:
    data = tmp_path / "data"
    settings = federation_settings(data, federation_retry_delay=0.1, schedule_interval=0.2)
    async with running_server(data, settings) as running:
        await enable_federation(running)
        yield running


@pytest.fixture
async def http(server: RunningServer) -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(server.base_url) as session:
        yield session


async def admin_set(http: aiohttp.ClientSession, path: str, value: object) -> None:
    async with http.post(f"/api/admin/config/{path}", json={"value": value}, headers=ADMIN) as response:
        assert response.status == 200, await response.text()


async def admin_post(http: aiohttp.ClientSession, path: str, body: object) -> Any:
    async with http.post(path, json=body, headers=ADMIN) as response:
        answer = await response.json()
        assert response.status == 200 and "error" not in answer, answer
        return answer


def in_days(days: float) -> str:
    return (datetime.now(UTC) + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")


async def add_follower(server: RunningServer, stub: RemoteStub) -> None:
    iri = f"{stub.origin}/users/fan"
    now = datetime.now(UTC)
    await federation_of(server).followers.add(
        Follower(
            iri=iri,
            inbox=iri + "/inbox",
            shared_inbox=None,
            username="fan@127.0.0.1",
            request=iri + "/follow",
            created_at=now,
            approved_at=now,
        )
    )


def received(stub: RemoteStub, kind: str) -> list[dict[str, Any]]:
    return [activity for activity in stub.delivered_activities() if activity["type"] == kind]


async def test_events_reach_the_inbox_created_updated_cancelled_and_deleted(
    server: RunningServer, stub: RemoteStub, http: aiohttp.ClientSession
) -> None:
    await add_follower(server, stub)
    await admin_set(http, "schedule/enabled", True)
    schedule = await admin_post(
        http,
        "/api/admin/schedule/event",
        {"name": "Build night", "description": "A bench.", "start": in_days(2), "timezone": "Europe/Berlin"},
    )
    [event] = schedule["events"]
    iri = f"{server.base_url}/federation/events/{event['id']}"

    async def created() -> bool:
        return len(received(stub, "Create")) == 1

    await wait_until(created, 10, "the Create(Event)")
    path, headers, _body = stub.delivered[0]
    assert path == "/users/fan/inbox" and headers["Content-Type"] == AS2
    assert 'headers="(request-target) host date digest"' in headers["Signature"]
    [create] = received(stub, "Create")
    announced = create["object"]
    assert announced["type"] == "Event" and announced["id"] == iri
    assert announced["name"] == "Build night" and announced["startTime"] == event["startTime"]
    assert announced["url"] == f"{server.base_url}/schedule/{event['id']}"
    assert announced["attributedTo"] == f"{server.base_url}/federation/user/streamer"

    # Dereferenceable at its id, as the other objects: ActivityStreams JSON, a browser goes to the page.
    async with http.get(URL(iri).path, headers={"Accept": AS2}) as response:
        assert response.status == 200 and response.content_type == AS2
        served = await response.json()
    assert {k: v for k, v in served.items() if k != "@context"} == announced
    async with http.get(URL(iri).path, headers={"Accept": "text/html"}, allow_redirects=False) as response:
        assert response.status == 307

    await admin_post(http, "/api/admin/schedule/event", {"id": event["id"], "name": "Bench night"})
    await admin_post(http, "/api/admin/schedule/event/delete", {"id": event["id"], "cancel": True})

    async def updated_twice() -> bool:
        return len(received(stub, "Update")) == 2

    await wait_until(updated_twice, 10, "two Updates")
    edited, cancelled = sorted(received(stub, "Update"), key=lambda a: str(a["object"]["updated"]))
    assert edited["id"] != cancelled["id"], "each revision has its own id (and a later `updated`)"
    assert edited["object"]["name"] == "Bench night" and "updated" in edited["object"]
    assert cancelled["object"]["name"] == "Cancelled: Bench night"
    assert cancelled["object"]["ical:status"] == "CANCELLED"

    second = await admin_post(http, "/api/admin/schedule/event", {"name": "Gone soon", "start": in_days(3)})
    gone = next(e for e in second["events"] if e["name"] == "Gone soon")
    await admin_post(http, "/api/admin/schedule/event/delete", {"id": gone["id"]})

    async def deleted() -> bool:
        return len(received(stub, "Delete")) == 1

    await wait_until(deleted, 10, "the Delete")
    [delete] = received(stub, "Delete")
    gone_iri = f"{server.base_url}/federation/events/{gone['id']}"
    assert delete["object"] == {"id": gone_iri, "type": "Tombstone"}
    async with http.get(URL(gone_iri).path, headers={"Accept": AS2}) as response:
        assert response.status == 404

    # Later ticks send nothing again.
    services = server.server.services
    assert services is not None
    for _ in range(3):
        await services.schedule.tick()
    await wait_until(lambda: journal_empty(server), 10, "the queue to drain")
    assert sorted(
        f"{a['type']} {a['object']['type']}" for a in stub.delivered_activities()
    ) == [
        "Create Event", "Create Event", "Create Note", "Delete Tombstone", "Update Event", "Update Event"
    ]  # fmt: skip
    [reply] = [a["object"] for a in received(stub, "Create") if a["object"]["type"] == "Note"]
    assert reply["inReplyTo"] == iri and reply["content"].startswith("<p>Cancelled: Bench night<br>")

    await admin_set(http, "federation/private", True)
    async with http.get(URL(iri).path, headers={"Accept": AS2}) as response:
        assert response.status == 404, "objects are hidden in private mode"


async def journal_empty(server: RunningServer) -> bool:
    engine = server.server._engine
    assert engine is not None
    return await DeliveryRepository(engine).count("federation") == 0


async def test_a_reminder_is_a_signed_post(
    server: RunningServer, stub: RemoteStub, http: aiohttp.ClientSession
) -> None:
    await add_follower(server, stub)
    await admin_set(http, "schedule/enabled", True)
    await admin_set(http, "schedule/remindermessage", "Starting soon:")
    await admin_set(http, "schedule/firstreminderminutes", 0)
    await admin_set(http, "schedule/secondreminderminutes", 15)
    start = datetime.fromtimestamp(math.ceil(time.time()), UTC) + timedelta(minutes=15, seconds=2)
    schedule = await admin_post(
        http,
        "/api/admin/schedule/event",
        {"name": "Build night", "start": start.strftime("%Y-%m-%dT%H:%M:%SZ")},
    )
    [event] = schedule["events"]

    async def reminded() -> bool:
        return any(a["object"]["type"] == "Note" for a in received(stub, "Create"))

    await wait_until(reminded, 10, "the reminder post")
    [note] = [a["object"] for a in received(stub, "Create") if a["object"]["type"] == "Note"]
    page = f"{server.base_url}/schedule/{event['id']}"
    assert note["url"] == page
    assert note["content"].startswith("<p>Starting soon:</p><p>Build night<br>")
    assert f'<a href="{page}">{page}</a>' in note["content"]
    [post] = await federation_of(server).outbox.newest(1, 0)
    assert post.iri == note["id"], "stored in the outbox like every post"


@pytest.mark.xdist_group("fedify")
async def test_the_fedify_peer_verifies_and_dereferences_the_events(tmp_path: Path) -> None:
    data = tmp_path / "data"
    peer = FediversePeer(first_knock=RFC9421, log_path=tmp_path / "peer.log")
    await peer.start()
    try:
        async with (
            running_server(data, federation_settings(data)) as server,
            aiohttp.ClientSession(server.base_url) as http,
        ):
            await enable_federation(server)
            await peer.follow(f"{server.base_url}/federation/user/streamer")
            await peer.wait_for(of_type("Accept"))
            await admin_set(http, "schedule/enabled", True)
            schedule = await admin_post(
                http, "/api/admin/schedule/event", {"name": "Build night", "start": in_days(1)}
            )
            [event] = schedule["events"]
            iri = f"{server.base_url}/federation/events/{event['id']}"
            [create] = await peer.wait_for(of_type("Create", "Event"))
            assert create["object"]["id"] == iri and create["object"]["name"] == "Build night"
            looked_up = await peer.lookup(iri)
            assert looked_up["type"] == "Event" and looked_up["id"] == iri
            assert looked_up["startTime"] == event["startTime"]

            await admin_post(http, "/api/admin/schedule/event", {"id": event["id"], "name": "Bench night"})
            [update] = await peer.wait_for(of_type("Update", "Event"))
            assert update["object"]["name"] == "Bench night"
            await admin_post(http, "/api/admin/schedule/event/delete", {"id": event["id"]})
            [delete] = await peer.wait_for(of_type("Delete"))
            target = delete["object"]
            assert (target["id"] if isinstance(target, dict) else target) == iri
    finally:
        await peer.stop()
