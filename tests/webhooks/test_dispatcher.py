"""The dispatcher against real HTTP receivers on loopback: delivery, retries, timeouts, overflow, stop."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest

from ownstream.clock import SystemClock
from ownstream.database.repos.webhooks import Webhook
from ownstream.events import (
    ChatEventOccurred,
    EventBus,
    ReplayReady,
    StreamStarted,
    StreamStopped,
    StreamTitleChanged,
)
from ownstream.webhooks.dispatcher import USER_AGENT, DeliveryPolicy, WebhookDispatcher, origin_of
from ownstream.webhooks.payloads import ServerDescription
from tests.webhooks.receiver import receiving, unused_port

FAST = DeliveryPolicy(timeout=0.5, retry_delay=0.05, retries=3, workers=4, queue_size=100)


@dataclass
class FakeDirectory:
    hooks: list[Webhook] = field(default_factory=list)
    used: list[int] = field(default_factory=list)

    def add(self, url: str, *events: str) -> Webhook:
        hook = Webhook(len(self.hooks) + 1, url, events, datetime.now(UTC), None)
        self.hooks.append(hook)
        return hook

    def subscribers(self, event_type: str) -> list[Webhook]:
        return [hook for hook in self.hooks if event_type in hook.events]

    async def mark_used(self, webhook_id: int, when: datetime) -> None:
        self.used.append(webhook_id)


@dataclass
class Setup:
    bus: EventBus
    directory: FakeDirectory
    dispatcher: WebhookDispatcher
    server: list[ServerDescription]


async def started(policy: DeliveryPolicy = FAST) -> Setup:
    bus = EventBus()
    directory = FakeDirectory()
    server = [ServerDescription(name="Ownstream", summary="a *raw* summary", stream_title="first")]
    dispatcher = WebhookDispatcher(
        directory, bus, lambda: server[0], SystemClock(), policy, event_ids=lambda: "event-id"
    )
    dispatcher.start()
    return Setup(bus, directory, dispatcher, server)


@pytest.fixture
async def setup() -> AsyncIterator[Setup]:
    running = await started()
    yield running
    await running.dispatcher.stop(drain_timeout=0.1)


def chat(body: str = "hi") -> ChatEventOccurred:
    return ChatEventOccurred("CHAT", {"body": body, "rawBody": body, "id": "m1", "visible": True})


async def test_posts_json_to_each_subscribed_webhook(setup: Setup) -> None:
    async with receiving() as first, receiving() as second:
        setup.directory.add(first.url("/a?secret=1"), "CHAT")
        setup.directory.add(second.url(), "STREAM_STARTED")
        setup.bus.publish(chat())
        [body] = await first.wait_for(1)
        assert body == {
            "type": "CHAT",
            "eventData": {"body": "hi", "rawBody": "hi", "id": "m1", "visible": True},
        }
        request = first.requests[0]
        assert request.method == "POST"
        assert request.path == "/a"
        assert request.headers["Content-Type"] == "application/json"
        assert request.headers["User-Agent"] == USER_AGENT
        assert "Ownstream" in USER_AGENT
        await asyncio.sleep(0.1)
        assert second.requests == []
        assert setup.directory.used == [1]


async def test_stream_events_describe_the_server_at_that_moment(setup: Setup) -> None:
    async with receiving() as receiver:
        setup.directory.add(receiver.url(), "STREAM_STARTED", "STREAM_STOPPED", "STREAM_TITLE_UPDATED")
        started_at = datetime(2022, 3, 6, 12, 0, tzinfo=UTC)
        setup.bus.publish(StreamStarted(stream_id="s1", started_at=started_at))
        setup.server[0] = ServerDescription(name="Renamed", summary="later", stream_title="second")
        setup.bus.publish(StreamTitleChanged(title="third"))
        setup.bus.publish(StreamStopped(stream_id="s1", stopped_at=started_at))
        [start] = await receiver.wait_for(1, "STREAM_STARTED")
        [title] = await receiver.wait_for(1, "STREAM_TITLE_UPDATED")
        [stop] = await receiver.wait_for(1, "STREAM_STOPPED")
    assert start["eventData"] == {
        "id": "event-id",
        "name": "Ownstream",
        "streamTitle": "first",
        "summary": "a *raw* summary",
        "timestamp": start["eventData"]["timestamp"],
    }
    assert datetime.fromisoformat(start["eventData"]["timestamp"]) == started_at
    assert title["eventData"]["streamTitle"] == "third"
    assert title["eventData"]["name"] == "Renamed"
    assert stop["eventData"]["streamTitle"] == "second"


@pytest.mark.alone
async def test_server_errors_are_retried_with_backoff_then_given_up(setup: Setup) -> None:
    async with receiving(status=500) as receiver:
        setup.directory.add(receiver.url(), "CHAT")
        setup.bus.publish(chat())
        await receiver.wait_for(4)
        await asyncio.sleep(0.6)  # longer than the whole back-off schedule would need again
        assert len(receiver.requests) == 4  # one attempt and three retries
        gaps = [b.at - a.at for a, b in zip(receiver.requests, receiver.requests[1:], strict=False)]
        assert gaps[0] >= 0.04 and gaps[1] >= 0.09 and gaps[2] >= 0.19
        assert gaps[2] > gaps[0]
    assert setup.directory.used == []


@pytest.mark.parametrize("status", [200, 204, 302, 404, 410])
async def test_any_answer_below_500_counts_as_delivered(setup: Setup, status: int) -> None:
    async with receiving(status=status) as receiver:
        setup.directory.add(receiver.url(), "CHAT")
        setup.bus.publish(chat())
        await receiver.wait_for(1)
        await asyncio.sleep(0.2)
        assert len(receiver.requests) == 1
    assert setup.directory.used == [1]


async def test_nothing_listening_is_retried_and_never_marked_used(
    setup: Setup, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, "ownstream.webhooks")
    port = unused_port()
    setup.directory.add(f"http://127.0.0.1:{port}/hook?token=s3cret", "CHAT")
    setup.bus.publish(chat())
    await asyncio.sleep(0.6)
    assert setup.directory.used == []
    retries = [r for r in caplog.records if "retrying" in r.getMessage()]
    assert len(retries) == 3
    assert any("gave up" in r.getMessage() for r in caplog.records)
    assert "s3cret" not in caplog.text and "/hook" not in caplog.text


async def test_a_hanging_receiver_times_out_and_publishing_never_waits(setup: Setup) -> None:
    async with receiving(hang=True) as receiver:
        setup.directory.add(receiver.url(), "CHAT")
        began = time.monotonic()
        for index in range(50):
            setup.bus.publish(chat(str(index)))
        assert time.monotonic() - began < 0.2  # 50 events offered without waiting on any delivery
        await receiver.wait_for(FAST.workers)
        await asyncio.sleep(FAST.timeout + 0.2)
        # the first attempts timed out; their retries are in the queue behind the rest
        assert len(receiver.requests) >= 2 * FAST.workers
        assert setup.directory.used == []


async def test_full_queue_drops_with_one_warning(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, "ownstream.webhooks")
    running = await started(DeliveryPolicy(timeout=5, retry_delay=0.05, workers=1, queue_size=3))
    try:
        async with receiving(hang=True) as receiver:
            running.directory.add(receiver.url(), "CHAT")
            running.bus.publish(chat("first"))
            await receiver.wait_for(1)  # the only worker now hangs on it
            for index in range(10):
                running.bus.publish(chat(str(index)))
            assert running.dispatcher.dropped == 7
            warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
            assert len(warnings) == 1 and "full" in warnings[0].getMessage()
            receiver.release()
            await receiver.wait_for(4)
    finally:
        await running.dispatcher.stop(drain_timeout=0.1)


async def test_stop_cancels_workers_and_pending_retries() -> None:
    running = await started()
    async with receiving(status=503) as receiver:
        running.directory.add(receiver.url(), "CHAT")
        running.bus.publish(chat())
        await receiver.wait_for(1)
        await running.dispatcher.stop(drain_timeout=0.1)
        await asyncio.sleep(0.3)
        assert len(receiver.requests) == 1
    tasks = [t for t in asyncio.all_tasks() if t.get_name().startswith("webhooks:")]
    assert tasks == []
    running.bus.publish(chat())  # unsubscribed: nothing happens, nothing fails


def test_origin_hides_path_and_query() -> None:
    assert origin_of("https://user:pw@hooks.example:8443/x/y?token=z") == "https://hooks.example:8443"
    assert origin_of("http://[bad") == "<invalid url>"


async def test_a_finalised_replay_is_announced_to_its_subscribers(setup: Setup) -> None:
    async with receiving() as receiver:
        setup.directory.add(receiver.url(), "REPLAY_READY")
        setup.server[0] = ServerDescription(
            name="n", summary="s", stream_title="t", server_url="https://tv.example"
        )
        started = datetime(2026, 12, 2, 3, 0, tzinfo=UTC)
        setup.bus.publish(ReplayReady("r1", "Title", started, started, 10.0))
        [ready] = await receiver.wait_for(1, "REPLAY_READY")
    assert ready["eventData"]["url"] == "https://tv.example/replay/r1"
    assert ready["eventData"]["replay"]["id"] == "r1"


async def test_newer_events_carry_the_status_and_the_server_url() -> None:
    """Newer Owncast (0.2.4): every `eventData` starts with the server's `status` and its `serverURL`
    (left out while none is set); the 0.0.11 fields stay as they were."""
    status = {"online": False, "viewerCount": 3}
    bus, directory = EventBus(), FakeDirectory()
    server = [ServerDescription(name="O", summary="s", stream_title="t", server_url="", status=status)]
    dispatcher = WebhookDispatcher(
        directory, bus, lambda: server[0], SystemClock(), FAST, event_ids=lambda: "event-id"
    )
    dispatcher.start()
    try:
        async with receiving() as receiver:
            directory.add(receiver.url(), "CHAT", "STREAM_STARTED")
            bus.publish(chat())
            [first] = await receiver.wait_for(1, "CHAT")
            server[0] = ServerDescription("O", "s", "t", server_url="https://o.example", status=status)
            bus.publish(chat("again"))
            bus.publish(StreamStarted(stream_id="s1", started_at=datetime(2022, 3, 6, tzinfo=UTC)))
            [_, second] = await receiver.wait_for(2, "CHAT")
            [started] = await receiver.wait_for(1, "STREAM_STARTED")
    finally:
        await dispatcher.stop(drain_timeout=0.1)
    assert first["eventData"] == {
        "status": status,
        "body": "hi",
        "rawBody": "hi",
        "id": "m1",
        "visible": True,
    }
    assert list(second["eventData"])[:2] == ["status", "serverURL"]
    assert second["eventData"]["serverURL"] == "https://o.example" and second["eventData"]["body"] == "again"
    assert started["eventData"]["status"] == status and started["eventData"]["name"] == "O"
    assert started["eventData"]["serverURL"] == "https://o.example"
