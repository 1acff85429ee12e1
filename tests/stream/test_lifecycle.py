"""The lifecycle conducting fake outputs: no ffmpeg, no disk, no sockets, so it runs in milliseconds."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, replace

import pytest

from ownstream.clock import SystemClock
from ownstream.config.model import RuntimeConfig, StreamKeyEntry
from ownstream.events import EventBus, StreamOnline, StreamStarted, StreamStopped
from ownstream.ingest.flv import FlvTag
from ownstream.ingest.publish import PublishRefusal, PublishRequest, StreamSink
from ownstream.outputs.protocol import OutputFailed, OutputState, QueuePolicy
from ownstream.settings import Timings
from ownstream.stream.lifecycle import StreamEnded, StreamLifecycle, StreamState
from ownstream.stream.stats import StreamStats
from tests.e2e.waiting import wait_until
from tests.outputs.fakes import FakeOutput, FakePrimary, MemoryStats, opening, video

TIMINGS = Timings(online_grace=0.0, output_stall_timeout=0.2, offline_cleanup_delay=0.05)
REQUEST = PublishRequest(app="live", stream_key="abc123", remote_addr="127.0.0.1:5000")


class Config:
    def __init__(self) -> None:
        self.current = RuntimeConfig()


@dataclass
class Stage:
    lifecycle: StreamLifecycle
    primary: FakePrimary
    recorder: FakeOutput
    pusher: FakeOutput
    stats: MemoryStats
    events: list[object]


@pytest.fixture
async def stage() -> AsyncIterator[Stage]:
    bus = EventBus()
    events: list[object] = []
    for kind in (StreamStarted, StreamOnline, StreamStopped):
        bus.subscribe(kind, events.append)
    stored = MemoryStats()
    stats = StreamStats(stored, SystemClock(), TIMINGS)
    await stats.load()
    primary = FakePrimary()
    recorder = FakeOutput("recorder")
    pusher = FakeOutput("pusher", QueuePolicy(max_bytes=2_000))
    lifecycle = StreamLifecycle(TIMINGS, Config(), stats, bus, SystemClock(), primary, [recorder, pusher])
    yield Stage(lifecycle, primary, recorder, pusher, stored, events)
    await lifecycle.stop()


async def publish(stage: Stage) -> StreamSink:
    sink = await stage.lifecycle.open_publish(REQUEST)
    assert not isinstance(sink, PublishRefusal)
    return sink


async def write(sink: StreamSink, tags: list[FlvTag], timeout: float = 0.1) -> None:
    await asyncio.wait_for(sink.write(tags), timeout)


async def until(condition: Callable[[], bool], timeout: float = 1.0) -> None:
    async def check() -> bool:
        return condition()

    await wait_until(check, timeout, "the condition", interval=0.005)


def kinds(events: list[object]) -> list[str]:
    return [type(event).__name__ for event in events]


async def test_a_stream_starts_every_output_goes_online_when_playable_and_stops_them(stage: Stage) -> None:
    sink = await publish(stage)
    lifecycle = stage.lifecycle
    assert lifecycle.state is StreamState.STARTING and lifecycle.connected
    contexts = [output.context for output in (stage.primary, stage.recorder, stage.pusher)]
    assert len({context.stream_id for context in contexts}) == 1
    assert kinds(stage.events) == ["StreamStarted"]
    assert stage.stats.saved.last_connect_time is not None

    await write(sink, opening())
    await write(sink, [video(index) for index in range(3)])
    for output in (stage.primary, stage.recorder, stage.pusher):
        await output.wait_for(4 + 3)
        assert output.frames() == [0, 1, 2]
    assert lifecycle.ingest.total_bytes == sum(len(tag.data) for tag in [*opening(), *map(video, range(3))])

    await asyncio.sleep(0.02)
    assert lifecycle.state is StreamState.STARTING  # past the grace period, but not playable yet
    stage.primary.make_playable()
    await until(lambda: lifecycle.online)
    assert kinds(stage.events) == ["StreamStarted", "StreamOnline"]

    await sink.close()
    assert not lifecycle.connected and not lifecycle.online
    assert stage.lifecycle.state is StreamState.OFFLINE
    assert [output.stops for output in (stage.primary, stage.recorder, stage.pusher)] == [1, 1, 1]
    assert kinds(stage.events) == ["StreamStarted", "StreamOnline", "StreamStopped"]
    assert stage.stats.saved.last_disconnect_time is not None
    with pytest.raises(StreamEnded):
        await sink.write([video(3)])


@pytest.mark.parametrize(
    ("request_", "refusal"),
    [
        (replace(REQUEST, stream_key="wrong"), PublishRefusal.WRONG_STREAM_KEY),
        (replace(REQUEST, app="other"), PublishRefusal.UNKNOWN_APPLICATION),
    ],
)
async def test_refusals_start_nothing(
    stage: Stage, request_: PublishRequest, refusal: PublishRefusal
) -> None:
    assert await stage.lifecycle.open_publish(request_) is refusal
    assert stage.primary.contexts == [] and stage.events == []


async def test_any_listed_stream_key_publishes_and_the_one_key_no_longer_does() -> None:
    config = Config()
    config.current = RuntimeConfig(
        stream_keys=(StreamKeyEntry(key="first-key"), StreamKeyEntry(key="second-key", comment="guest"))
    )
    stats = StreamStats(MemoryStats(), SystemClock(), TIMINGS)
    await stats.load()
    lifecycle = StreamLifecycle(TIMINGS, config, stats, EventBus(), SystemClock(), FakePrimary(), [])
    try:
        assert await lifecycle.open_publish(REQUEST) is PublishRefusal.WRONG_STREAM_KEY, "abc123 is unlisted"
        assert await lifecycle.open_publish(replace(REQUEST, stream_key="first")) is (
            PublishRefusal.WRONG_STREAM_KEY
        )
        assert not isinstance(
            await lifecycle.open_publish(replace(REQUEST, stream_key="second-key")), PublishRefusal
        )
    finally:
        await lifecycle.stop()


async def test_a_second_publisher_is_refused_while_one_is_live(stage: Stage) -> None:
    await publish(stage)
    assert await stage.lifecycle.open_publish(REQUEST) is PublishRefusal.ALREADY_LIVE
    assert len(stage.primary.contexts) == 1


async def test_a_primary_that_cannot_start_refuses_the_publisher_and_starts_nothing_else(
    stage: Stage,
) -> None:
    stage.primary.crash_on_start = OSError("no space left on device")
    assert await stage.lifecycle.open_publish(REQUEST) is PublishRefusal.START_FAILED
    assert stage.lifecycle.state is StreamState.OFFLINE and stage.events == []
    assert stage.recorder.contexts == []
    stage.primary.crash_on_start = None
    await publish(stage)  # the next publisher is taken
    assert stage.lifecycle.connected


async def test_another_output_that_cannot_start_is_left_out(stage: Stage) -> None:
    stage.recorder.crash_on_start = OSError("read-only file system")
    sink = await publish(stage)
    await write(sink, [*opening(), video(0)])
    await stage.pusher.wait_for(5)
    assert stage.recorder.received == []
    assert [status.name for status in stage.lifecycle.output_statuses()] == ["primary", "pusher"]


async def test_a_stalling_output_never_stalls_ingest_or_the_others(stage: Stage) -> None:
    sink = await publish(stage)
    stage.pusher.stall()
    await write(sink, opening())
    for index in range(45):
        await write(sink, [video(index)], timeout=0.05)
    await stage.primary.wait_for(4 + 45)
    await stage.recorder.wait_for(4 + 45)
    status = {status.name: status for status in stage.lifecycle.output_statuses()}
    assert status["pusher"].dropped_tags > 0 and status["pusher"].queued_bytes <= 2_000
    assert status["primary"].dropped_tags == 0 and status["recorder"].dropped_tags == 0
    stage.pusher.resume()
    await until(lambda: stage.pusher.frames()[-1:] == [44])
    assert stage.pusher.frames() == list(range(30, 45))  # from the keyframe after it fell behind
    assert stage.lifecycle.connected


async def test_a_crashing_output_is_logged_and_the_stream_goes_on(
    stage: Stage, caplog: pytest.LogCaptureFixture
) -> None:
    sink = await publish(stage)
    stage.pusher.crash_next = OutputFailed("the remote server closed the connection")
    await write(sink, opening())
    for index in range(3):
        await write(sink, [video(index)])
    await stage.primary.wait_for(4 + 3)
    await stage.recorder.wait_for(4 + 3)
    assert stage.lifecycle.connected and stage.pusher.stops == 1
    line = "output pusher failed (the remote server closed the connection); the stream goes on without it"
    assert line in caplog.text
    states = {status.name: status.state for status in stage.lifecycle.output_statuses()}
    assert states == {
        "primary": OutputState.RUNNING,
        "recorder": OutputState.RUNNING,
        "pusher": OutputState.FAILED,
    }


async def test_a_crashing_primary_ends_the_stream(stage: Stage) -> None:
    sink = await publish(stage)
    stage.primary.crash_next = OutputFailed("the transcoder stopped accepting input")
    await write(sink, opening())
    await until(lambda: stage.lifecycle.state is StreamState.OFFLINE)
    assert kinds(stage.events) == ["StreamStarted", "StreamStopped"]
    assert [output.stops for output in (stage.primary, stage.recorder, stage.pusher)] == [1, 1, 1]
    with pytest.raises(StreamEnded):
        await sink.write([video(0)])
    await sink.close()  # the publisher leaving afterwards changes nothing
    assert kinds(stage.events) == ["StreamStarted", "StreamStopped"]


async def test_a_primary_dying_before_it_is_playable_never_goes_online(stage: Stage) -> None:
    await publish(stage)
    stage.primary.die()
    await until(lambda: stage.lifecycle.state is StreamState.OFFLINE)
    stage.primary.make_playable()
    await asyncio.sleep(0.02)
    assert kinds(stage.events) == ["StreamStarted", "StreamStopped"]
    assert stage.lifecycle.transcoder_failures == 1


async def test_a_stalled_primary_holds_ingest_only_up_to_the_stall_timeout(
    stage: Stage, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    sink = await publish(stage)
    await write(sink, opening())
    await stage.primary.wait_for(4)
    stage.primary.stall()
    loop = asyncio.get_running_loop()
    started = loop.time()
    for index in range(0, 48, 4):  # 120 KB a write against a 1 MB queue: ten writes fill it
        await write(sink, [video(frame, size=30_000) for frame in range(index, index + 4)], timeout=1)
    waited = loop.time() - started
    assert TIMINGS.output_stall_timeout <= waited < TIMINGS.output_stall_timeout + 0.5
    assert "output primary took no media for 0.2 s" in caplog.text
    await stage.recorder.wait_for(4 + 48)  # the other outputs got everything meanwhile
    stage.primary.resume()
    for index in range(48, 64, 4):
        await write(sink, [video(frame, size=30_000) for frame in range(index, index + 4)])
    await until(lambda: stage.primary.frames()[-1:] == [63])
    # The batch it held when it stalled, then the stream again from the next keyframe.
    assert stage.primary.frames() == [0, 1, 2, 3, 60, 61, 62, 63]


async def test_outputs_discard_what_an_earlier_run_left_and_clean_up_after_the_stream(stage: Stage) -> None:
    await stage.lifecycle.discard_previous_run()
    assert [output.discards for output in (stage.primary, stage.recorder, stage.pusher)] == [1, 1, 1]
    sink = await publish(stage)
    await sink.close()
    await until(lambda: stage.primary.discards == 2)
    await until(lambda: stage.pusher.discards == 2)


async def test_an_admin_disconnect_ends_the_stream(stage: Stage) -> None:
    sink = await publish(stage)
    assert await stage.lifecycle.disconnect()
    assert stage.lifecycle.state is StreamState.OFFLINE
    assert not await stage.lifecycle.disconnect()
    with pytest.raises(StreamEnded):
        await sink.write([video(0)])


async def test_an_output_started_mid_stream_joins_at_the_next_keyframe(stage: Stage) -> None:
    late = FakeOutput("late")
    assert not await stage.lifecycle.start_output(late)  # offline: nothing to join
    sink = await publish(stage)
    await write(sink, opening())
    await write(sink, [video(index) for index in range(5)])
    assert await stage.lifecycle.start_output(late)
    await write(sink, [video(index) for index in range(5, 32)])
    await late.wait_for(4 + 2)
    assert late.frames() == [30, 31] and late.context.stream_id == stage.primary.context.stream_id
    await sink.close()
    assert late.stops == 1
