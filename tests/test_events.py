import asyncio
import logging

import pytest

from ownstream.events import ConfigChanged, EventBus, StreamOnline


async def test_sync_and_async_handlers_receive_events() -> None:
    bus = EventBus()
    seen: list[str] = []
    done = asyncio.Event()

    def sync_handler(event: StreamOnline) -> None:
        seen.append("sync:" + event.stream_id)

    async def async_handler(event: StreamOnline) -> None:
        await asyncio.sleep(0)
        seen.append("async:" + event.stream_id)
        done.set()

    bus.subscribe(StreamOnline, sync_handler)
    bus.subscribe(StreamOnline, async_handler)
    bus.publish(StreamOnline(stream_id="a"))
    assert seen == ["sync:a"]
    await asyncio.wait_for(done.wait(), 1)
    assert seen == ["sync:a", "async:a"]


async def test_failing_handler_is_logged_and_others_still_run(caplog: pytest.LogCaptureFixture) -> None:
    bus = EventBus()
    seen: list[str] = []

    def broken(_event: StreamOnline) -> None:
        raise RuntimeError("boom")

    async def broken_async(_event: StreamOnline) -> None:
        raise RuntimeError("async boom")

    bus.subscribe(StreamOnline, broken)
    bus.subscribe(StreamOnline, broken_async)
    bus.subscribe(StreamOnline, lambda event: seen.append(event.stream_id))
    with caplog.at_level(logging.ERROR):
        bus.publish(StreamOnline(stream_id="b"))
        await bus.drain()
    assert seen == ["b"]
    assert sum("failed" in record.message for record in caplog.records) == 2


async def test_unsubscribe() -> None:
    bus = EventBus()
    seen: list[str] = []
    unsubscribe = bus.subscribe(StreamOnline, lambda event: seen.append(event.stream_id))
    unsubscribe()
    bus.publish(StreamOnline(stream_id="c"))
    assert seen == []


async def test_events_from_other_processes_reach_only_the_subscribers_that_follow_them() -> None:
    bus = EventBus()
    everywhere: list[object] = []
    here_only: list[object] = []
    unsubscribe = bus.subscribe(ConfigChanged, everywhere.append, from_everywhere=True)
    bus.subscribe(ConfigChanged, here_only.append)
    local = ConfigChanged(keys=("server_name",), origin="here")
    remote = ConfigChanged(keys=("stream_title",), origin="there")
    bus.publish(local)
    bus.deliver_from_elsewhere(remote)
    assert everywhere == [local, remote]
    assert here_only == [local]
    unsubscribe()
    bus.publish(local)
    bus.deliver_from_elsewhere(remote)
    assert everywhere == [local, remote]
