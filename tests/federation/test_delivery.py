"""Signed delivery through the persistent queue (federation/delivery.py) to a receiver on loopback: one
POST per shared inbox, retries on 5xx, 4xx dropped, 410 Gone removes the follower, profile Updates
batched, and the go-live post's rules (federation/go_live.py)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from ownstream.database.repos.deliveries import DeliveryRepository
from ownstream.database.repos.followers import Follower
from ownstream.events import StreamEnding, StreamOnline
from ownstream.federation.delivery import SignedDelivery
from ownstream.federation.go_live import GoLivePoster
from tests.e2e.waiting import wait_until
from tests.federation.conftest import enable_federation, federation_of, federation_settings
from tests.federation.remote_stub import RemoteStub
from tests.harness import RunningServer, running_server

NOW = datetime(2026, 6, 1, tzinfo=UTC)


@pytest.fixture
async def stub() -> AsyncIterator[RemoteStub]:
    remote = RemoteStub()
    await remote.start()
    yield remote
    await remote.stop()


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[RunningServer]:
    data = tmp_path / "data"
    async with running_server(data, federation_settings(data, federation_retry_delay=0.1)) as running:
        await enable_federation(running)
        yield running


def follower(stub: RemoteStub, name: str, *, shared: bool) -> Follower:
    iri = f"{stub.origin}/users/{name}"
    return Follower(
        iri=iri,
        inbox=iri + "/inbox",
        shared_inbox=f"{stub.origin}/inbox" if shared else None,
        username=f"{name}@127.0.0.1",
        request=iri + "/follow",
        created_at=NOW,
        approved_at=NOW,
    )


def delivery_of(server: RunningServer) -> SignedDelivery:
    delivery = server.server.federation_delivery
    assert delivery is not None
    return delivery


async def journal_empty(server: RunningServer) -> bool:
    engine = server.server._engine
    assert engine is not None
    return await DeliveryRepository(engine).count("federation") == 0


async def test_one_post_per_shared_inbox(server: RunningServer, stub: RemoteStub) -> None:
    followers = federation_of(server).followers
    for name, shared in (("a", True), ("b", True), ("c", False)):
        await followers.add(follower(stub, name, shared=shared))
    await followers.add(replace(follower(stub, "pending", shared=False), approved_at=None))
    await federation_of(server).publish_post("to everyone")

    async def delivered() -> bool:
        return len(stub.delivered) >= 2 and await journal_empty(server)

    await wait_until(delivered, 10, "two deliveries")
    assert sorted(path for path, _h, _b in stub.delivered) == ["/inbox", "/users/c/inbox"]
    for _path, headers, body in stub.delivered:
        assert json.loads(body)["type"] == "Create"
        assert headers["Content-Type"] == "application/activity+json"
        assert 'headers="(request-target) host date digest"' in headers["Signature"]


async def test_server_errors_are_retried_and_other_refusals_dropped(
    server: RunningServer, stub: RemoteStub
) -> None:
    followers = federation_of(server).followers
    await followers.add(follower(stub, "flaky", shared=False))
    stub.inbox_statuses = [503, 500]
    await federation_of(server).publish_post("third time lucky")

    async def delivered() -> bool:
        return len(stub.delivered) == 3 and await journal_empty(server)

    await wait_until(delivered, 10, "the delivery after two server errors")
    queue = delivery_of(server).queue
    assert (queue.delivered, queue.failed_attempts) == (1, 2)

    stub.delivered.clear()
    stub.inbox_statuses = [404]
    await federation_of(server).publish_post("nobody home")
    await wait_until(lambda: journal_empty(server), 10, "the refused delivery to be dropped")
    assert len(stub.delivered) == 1
    assert await followers.get(follower(stub, "flaky", shared=False).iri) is not None  # only 410 removes


async def test_gone_removes_a_follower_but_not_a_shared_inbox(
    server: RunningServer, stub: RemoteStub
) -> None:
    followers = federation_of(server).followers
    gone, sharing = follower(stub, "gone", shared=False), follower(stub, "sharing", shared=True)
    await followers.add(gone)
    await followers.add(sharing)
    stub.inbox_status = 410
    await federation_of(server).publish_post("anyone there?")

    async def removed() -> bool:
        return await followers.get(gone.iri) is None and await journal_empty(server)

    await wait_until(removed, 10, "the follower behind 410 Gone to be removed")
    assert await followers.get(sharing.iri) is not None


async def test_profile_changes_go_out_as_one_update(server: RunningServer, stub: RemoteStub) -> None:
    await federation_of(server).followers.add(follower(stub, "watcher", shared=False))
    services = server.server.services
    assert services is not None
    await services.config.update(server_name="New name")
    await services.config.update(server_summary="New *summary*")
    await services.config.update(stream_title="not a profile setting")

    async def updated() -> bool:
        return len(stub.delivered) >= 1 and await journal_empty(server)

    await wait_until(updated, 10, "the Update")
    await asyncio.sleep(0.5)  # nothing more comes
    [update] = stub.delivered_activities()
    assert update["type"] == "Update" and update["object"]["type"] == "Service"
    assert update["object"]["name"] == "New name"
    assert update["object"]["summary"] == "<p>New <em>summary</em></p>"


class SteppingClock:
    """Starts at the real time (the server stores its posts' times from its own clock)."""

    def __init__(self) -> None:
        self.moment = datetime.now(UTC)

    def now(self) -> datetime:
        return self.moment

    def monotonic(self) -> float:
        return self.moment.timestamp()


async def test_go_live_posts_at_most_once_per_interval(server: RunningServer) -> None:
    federation = federation_of(server)
    services = server.server.services
    assert services is not None
    live = [True]
    clock = SteppingClock()
    poster = GoLivePoster(federation, services.bus, lambda: live[0], clock, delay=0.05, min_interval=600)
    assert await poster.post_if_due()
    clock.moment += timedelta(minutes=9)
    assert not await poster.post_if_due()
    live[0] = False
    clock.moment += timedelta(minutes=2)
    assert not await poster.post_if_due()
    live[0] = True
    await services.config.update(federation_go_live_message="  ")
    assert not await poster.post_if_due()
    await services.config.update(federation_go_live_message="Live!")
    await services.config.update(federation_enabled=False)
    assert not await poster.post_if_due()
    await services.config.update(federation_enabled=True)
    assert await poster.post_if_due()
    assert [post.live_notification for post in await federation.outbox.newest(10)] == [True, True]


async def test_a_stream_that_ends_before_the_delay_posts_nothing(server: RunningServer) -> None:
    federation = federation_of(server)
    services = server.server.services
    assert services is not None
    poster = GoLivePoster(
        federation, services.bus, lambda: True, SteppingClock(), delay=0.2, min_interval=600
    )
    poster.start()
    try:
        services.bus.publish(StreamOnline("s1"))
        services.bus.publish(StreamEnding("s1"))
        await asyncio.sleep(0.4)
        assert poster.posted == 0
        services.bus.publish(StreamOnline("s2"))

        async def posted() -> bool:
            return poster.posted == 1

        await wait_until(posted, 5, "the go-live post")
    finally:
        await poster.stop()
