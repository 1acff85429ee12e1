"""The parts that join processes, each on a real Redis (Debian's redis-server, one per test): the link
and its slot claim, the one event stream, the bus bridge and presence."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from ownstream.chat.flood import Verdict
from ownstream.chat.hub import ChatHub
from ownstream.cluster.bus_bridge import BusBridge
from ownstream.cluster.event_stream import STREAM_KEY, ClusterStream
from ownstream.cluster.flood_limit import FLOOD_PREFIX, RedisFloodLimit
from ownstream.cluster.presence import ClusterPresence
from ownstream.cluster.redis_link import RedisLink, describe_redis
from ownstream.cluster.stream_state import StreamStateKeeper, catch_up
from ownstream.events import ConfigChanged, EventBus, StreamOnline, StreamStarted, StreamStopped
from ownstream.startup import StartupError
from ownstream.stream.viewers import ViewerRegistry
from tests.e2e.cli_process import free_port
from tests.redis_server import RedisServer


async def eventually(check: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.01)


def test_the_url_is_described_without_its_password() -> None:
    assert describe_redis("redis://:hunter2@cache.example:6380/2") == "redis://cache.example:6380/2"
    assert describe_redis("redis://user:hunter2@cache.example/0") == "redis://cache.example/0"
    assert describe_redis("unix:///run/redis.sock?password=hunter2") == "unix:///run/redis.sock"


async def test_an_unreachable_redis_is_one_line_naming_the_setting() -> None:
    link = RedisLink(f"redis://:hunter2@127.0.0.1:{free_port()}/0", 1)
    with pytest.raises(StartupError) as refused:
        await link.open()
    await link.close()
    message = str(refused.value)
    assert message.startswith("Redis redis://127.0.0.1:")
    assert "--redis-url / OWNSTREAM_REDIS_URL" in message
    assert "hunter2" not in message and "\n" not in message


async def test_a_slot_is_held_by_one_process_at_a_time(redis_server: RedisServer) -> None:
    first = RedisLink(redis_server.url, 5)
    await first.open()
    second = RedisLink(redis_server.url, 5)
    with pytest.raises(StartupError, match="process slot 5 is in use by another process"):
        await second.open(slot_wait=0.3)
    await second.close()
    other_slot = RedisLink(redis_server.url, 6)
    await other_slot.open(slot_wait=0)
    await other_slot.close()
    await first.close()  # gives the slot back at once
    third = RedisLink(redis_server.url, 5)
    await third.open(slot_wait=0)
    await third.close()


class Recorder:
    def __init__(self, stream: ClusterStream) -> None:
        self.bodies: list[bytes] = []
        stream.on(b"t", lambda entry: self.bodies.append(entry[b"body"]))


async def started_streams(url: str, count: int) -> list[ClusterStream]:
    streams = []
    for slot in range(count):
        link = RedisLink(url, slot)
        await link.open()
        stream = ClusterStream(link)
        await stream.start()
        streams.append(stream)
    return streams


async def stop_streams(streams: list[ClusterStream]) -> None:
    for stream in streams:
        await stream.stop()
        await stream._link.close()


async def test_every_process_reads_every_entry_once_in_one_order_its_own_included(
    redis_server: RedisServer,
) -> None:
    streams = await started_streams(redis_server.url, 3)
    recorders = [Recorder(stream) for stream in streams]
    try:
        sent: dict[int, list[bytes]] = {index: [] for index in range(3)}
        for number in range(300):
            index = number % 3
            body = f"{index}:{number}".encode()
            sent[index].append(body)
            streams[index].send(b"t", {b"body": body})
            if number % 50 == 0:
                await asyncio.sleep(0)  # the writers run between sends too
        await eventually(lambda: all(len(recorder.bodies) == 300 for recorder in recorders))
        first = recorders[0].bodies
        assert all(recorder.bodies == first for recorder in recorders)
        for index, bodies in sent.items():
            assert [body for body in first if body.startswith(f"{index}:".encode())] == bodies
    finally:
        await stop_streams(streams)


async def test_an_entry_written_twice_by_a_retried_batch_is_applied_once(redis_server: RedisServer) -> None:
    streams = await started_streams(redis_server.url, 2)
    recorders = [Recorder(stream) for stream in streams]
    try:
        streams[0].send(b"t", {b"body": b"once"})
        await eventually(lambda: all(recorder.bodies == [b"once"] for recorder in recorders))
        commands = streams[0]._link.commands
        entries: Any = await commands.xrange(STREAM_KEY, "-", "+")
        ((_, fields),) = entries
        await commands.xadd(STREAM_KEY, fields)  # what a retry after a lost answer writes
        streams[1].send(b"t", {b"body": b"next"})
        await eventually(lambda: all(len(recorder.bodies) == 2 for recorder in recorders))
        assert [recorder.bodies for recorder in recorders] == [[b"once", b"next"]] * 2
    finally:
        await stop_streams(streams)


async def test_what_was_there_before_a_process_started_is_not_replayed(redis_server: RedisServer) -> None:
    (early,) = await started_streams(redis_server.url, 1)
    early_recorder = Recorder(early)
    early.send(b"t", {b"body": b"before"})
    await eventually(lambda: early_recorder.bodies == [b"before"])
    link = RedisLink(redis_server.url, 9)
    await link.open()
    late_stream = ClusterStream(link)
    late_recorder = Recorder(late_stream)
    await late_stream.start()
    try:
        early.send(b"t", {b"body": b"after"})
        await eventually(lambda: late_recorder.bodies == [b"after"])
    finally:
        await stop_streams([early, late_stream])


async def test_a_redis_restart_loses_nothing_sent_meanwhile(redis_server: RedisServer) -> None:
    streams = await started_streams(redis_server.url, 2)
    recorders = [Recorder(stream) for stream in streams]
    try:
        streams[0].send(b"t", {b"body": b"one"})
        await eventually(lambda: all(recorder.bodies == [b"one"] for recorder in recorders))
        redis_server.stop()
        streams[0].send(b"t", {b"body": b"two"})  # waits in the send queue while Redis is away
        await asyncio.sleep(0.5)
        redis_server.start()
        await eventually(lambda: all(recorder.bodies == [b"one", b"two"] for recorder in recorders), 20)
    finally:
        await stop_streams(streams)


async def test_the_bridge_carries_shared_state_to_the_subscribers_that_follow_other_processes(
    redis_server: RedisServer,
) -> None:
    streams = await started_streams(redis_server.url, 2)
    buses = [EventBus(), EventBus()]
    bridges = [BusBridge(bus, stream) for bus, stream in zip(buses, streams, strict=True)]
    for bridge in bridges:
        bridge.start()
    followed: list[list[object]] = [[], []]
    local_only: list[list[object]] = [[], []]
    for index, bus in enumerate(buses):
        bus.subscribe(ConfigChanged, followed[index].append, from_everywhere=True)
        bus.subscribe(StreamStopped, followed[index].append, from_everywhere=True)
        bus.subscribe(StreamStopped, local_only[index].append)
    try:
        changed = ConfigChanged(keys=("server_name",), origin="first")
        stopped = StreamStopped(stream_id="s1", stopped_at=datetime(2026, 12, 2, tzinfo=UTC))
        buses[0].publish(changed)
        buses[0].publish(stopped)
        await eventually(lambda: followed[1] == [changed, stopped])
        await asyncio.sleep(0.2)  # time for an echo that must not come
        assert followed[0] == [changed, stopped]  # its own, once, when published
        assert local_only == [[stopped], []]  # a webhook-like subscriber acts where it happened only
    finally:
        for bridge in bridges:
            bridge.stop()
        await stop_streams(streams)


async def test_presence_counts_the_sites_viewers_once_each_and_forgets_a_process_that_stops(
    redis_server: RedisServer,
) -> None:
    links = [RedisLink(redis_server.url, slot) for slot in (1, 2)]
    registries = [ViewerRegistry(15.0, time.monotonic) for _ in links]
    presences = [
        ClusterPresence(link, ChatHub(process_slot=link.slot), registry, 0.2)
        for link, registry in zip(links, registries, strict=True)
    ]
    registries[0].seen("192.0.2.1", "Firefox")
    registries[1].seen("192.0.2.2", "Safari")
    registries[1].seen("192.0.2.1", "Firefox")  # the same viewer, its segments from the other process
    for link in links:
        await link.open()
    for presence in presences:
        await presence.start()
    try:
        await presences[0].tick()
        assert [registry.count for registry in registries] == [2, 2]
        assert {viewer.ip_address for viewer in registries[0].active()} == {"192.0.2.1", "192.0.2.2"}
        assert [viewer.ip_address for viewer in registries[0].local()] == ["192.0.2.1"]
        await presences[1].stop()
        await presences[0].tick()
        assert registries[0].count == 1
    finally:
        await presences[0].stop()
        for link in links:
            await link.close()


async def test_a_process_starting_while_the_stream_is_live_catches_up_with_its_state(
    redis_server: RedisServer,
) -> None:
    media_link, web_link = RedisLink(redis_server.url, 0), RedisLink(redis_server.url, 1)
    await media_link.open()
    await web_link.open()
    media_bus, web_bus = EventBus(), EventBus()
    keeper = StreamStateKeeper(media_link, media_bus)
    keeper.start()
    heard: list[object] = []
    for kind in (StreamStarted, StreamOnline, StreamStopped):
        web_bus.subscribe_elsewhere(kind, heard.append)
    try:
        started = datetime(2026, 12, 2, 7, 0, tzinfo=UTC)
        media_bus.publish(StreamStarted(stream_id="s1", started_at=started))
        await media_bus.drain()
        media_bus.publish(StreamOnline(stream_id="s1"))
        await media_bus.drain()
        await catch_up(web_link, web_bus)
        assert heard == [StreamStarted(stream_id="s1", started_at=started), StreamOnline(stream_id="s1")]
        stopped = datetime(2026, 12, 2, 8, 0, tzinfo=UTC)
        media_bus.publish(StreamStopped(stream_id="s1", stopped_at=stopped))
        await media_bus.drain()
        heard.clear()
        await catch_up(web_link, web_bus)
        assert heard == [StreamStopped(stream_id="s1", stopped_at=stopped)]
    finally:
        keeper.stop()
        await media_link.close()
        await web_link.close()


async def test_the_flood_limit_is_one_bucket_per_user_and_yields_to_the_socket_while_redis_is_away(
    redis_server: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    link = RedisLink(redis_server.url, 1)
    await link.open()
    limit = RedisFloodLimit(link, rate=0.001, burst=2, mute_seconds=60)
    verdicts = [await limit.check("flooder") for _ in range(4)]
    assert verdicts == [Verdict.ALLOW, Verdict.ALLOW, Verdict.MUTE, Verdict.MUTED]
    assert await limit.check("someone-else") is Verdict.ALLOW
    assert 0 < await link.commands.ttl(FLOOD_PREFIX + "flooder") <= 2000 + 60 + 1
    redis_server.stop()
    with caplog.at_level(logging.WARNING, logger="ownstream.cluster.flood_limit"):
        assert [await limit.check("flooder") for _ in range(3)] == [None] * 3
    assert len([r for r in caplog.records if "per socket" in r.getMessage()]) == 1
    await link.close()
