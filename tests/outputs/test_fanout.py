"""The fan-out: every output gets the stream through its own queue; none can hold up ingest or the rest."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime

import pytest

from ownstream.config.model import RuntimeConfig
from ownstream.ingest.flv import FlvTag, TagRole
from ownstream.outputs.fanout import MediaFanout
from ownstream.outputs.protocol import (
    OutputFailed,
    OutputState,
    QueuePolicy,
    StreamContext,
    StreamOutput,
)
from tests.outputs.fakes import FakeOutput, FakePrimary, opening, video

STREAM = StreamContext(stream_id="s1", started_at=datetime(2026, 1, 2, tzinfo=UTC), config=RuntimeConfig())


class Failures:
    def __init__(self) -> None:
        self.seen: list[tuple[str, str]] = []

    def __call__(self, output: StreamOutput, reason: str) -> None:
        self.seen.append((output.name, reason))


def fanout(failures: Failures | None = None, stall_timeout: float = 0.2) -> MediaFanout:
    return MediaFanout(STREAM, stall_timeout=stall_timeout, on_failure=failures or Failures())


async def publish(fan: MediaFanout, tags: list[FlvTag]) -> None:
    """What the lifecycle's sink does with one socket read's worth of tags."""
    fan.publish(tags, sum(len(tag.data) for tag in tags))
    await fan.wait_for_room()


async def test_every_output_gets_the_whole_stream_from_its_first_byte() -> None:
    fan = fanout()
    first, second = FakeOutput("first"), FakeOutput("second")
    await fan.add(first)
    await fan.add(second)
    assert first.context.stream_id == "s1" and first.context.config == RuntimeConfig()
    await publish(fan, opening())
    for index in range(5):
        await publish(fan, [video(index)])
    await first.wait_for(9)
    await second.wait_for(9)
    assert first.roles()[0] is TagRole.FILE_HEADER
    assert [tag.data for tag in first.received] == [tag.data for tag in second.received]
    await fan.stop()
    assert (first.stops, second.stops) == (1, 1)
    assert [status.state for status in fan.statuses()] == [OutputState.STOPPED] * 2


async def test_a_stalled_output_holds_up_neither_ingest_nor_the_others() -> None:
    fan = fanout()
    healthy = FakeOutput("healthy")
    stuck = FakeOutput("stuck", QueuePolicy(max_bytes=2_000))
    await fan.add(healthy)
    await fan.add(stuck)
    stuck.stall()
    await publish(fan, opening())
    for index in range(45):
        await asyncio.wait_for(publish(fan, [video(index)]), 0.05)
    await healthy.wait_for(4 + 45)
    assert healthy.frames() == list(range(45))
    stuck_status = next(status for status in fan.statuses() if status.name == "stuck")
    assert stuck_status.dropped_tags > 0 and stuck_status.queued_bytes <= 2_000
    stuck.resume()
    await stuck.wait_for(4)
    await asyncio.sleep(0.01)
    # Its first delivery was taken before it stalled; after it the stream resumes at a keyframe.
    assert stuck.frames()[-1] == 44 and 30 in stuck.frames()
    resumed = stuck.frames()[stuck.frames().index(30) :]
    assert resumed == list(range(30, 45))
    await fan.stop()


@pytest.mark.parametrize("error", [OutputFailed("the connection broke"), RuntimeError("a bug")])
async def test_a_crashing_output_is_detached_and_stopped_and_the_others_go_on(
    error: Exception, caplog: pytest.LogCaptureFixture
) -> None:
    failures = Failures()
    fan = fanout(failures)
    healthy, crashing = FakeOutput("healthy"), FakeOutput("crashing")
    await fan.add(healthy)
    await fan.add(crashing)
    crashing.crash_next = error
    await publish(fan, opening())
    await asyncio.sleep(0.01)
    assert failures.seen and failures.seen[0][0] == "crashing"
    assert crashing.stops == 1
    for index in range(3):
        await publish(fan, [video(index)])
    await healthy.wait_for(4 + 3)
    assert crashing.received == []
    tracebacks = [record for record in caplog.records if record.exc_info]
    if isinstance(error, OutputFailed):
        assert failures.seen == [("crashing", "the connection broke")] and tracebacks == []
    else:
        assert failures.seen == [("crashing", "RuntimeError: a bug")] and len(tracebacks) == 1
    await fan.stop()
    assert crashing.stops == 1  # not stopped twice
    states = {status.name: status.state for status in fan.statuses()}
    assert states == {"healthy": OutputState.STOPPED, "crashing": OutputState.FAILED}


async def test_an_output_that_fails_between_writes_is_detached() -> None:
    failures = Failures()
    fan = fanout(failures)
    primary = FakePrimary()
    await fan.add(primary)
    primary.die()
    await asyncio.sleep(0)
    assert failures.seen == [("primary", "the transcoder exited")]
    await asyncio.wait_for(publish(fan, opening()), 0.1)
    await fan.stop()
    assert primary.stops == 1


async def test_stopping_hands_over_what_is_queued_and_gives_up_on_a_stuck_output(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING)
    fan = fanout(stall_timeout=0.1)
    slow, stuck = FakeOutput("slow"), FakeOutput("stuck")
    await fan.add(slow)
    await fan.add(stuck)
    slow.stall()
    stuck.stall()
    await publish(fan, opening())
    await publish(fan, [video(0)])
    loop = asyncio.get_running_loop()
    asyncio.get_running_loop().call_later(0.05, slow.resume)
    started = loop.time()
    await fan.stop()
    assert loop.time() - started < 1
    assert slow.frames() == [0] and stuck.received == []
    assert (slow.stops, stuck.stops) == (1, 1)
    assert "output stuck did not take the end of the stream" in caplog.text


async def test_an_output_added_mid_stream_starts_at_the_next_keyframe() -> None:
    fan = fanout()
    early = FakeOutput("early")
    await fan.add(early)
    await publish(fan, opening())
    for index in range(10):
        await publish(fan, [video(index)])
    late = FakeOutput("late")
    await fan.add(late)
    for index in range(10, 32):
        await publish(fan, [video(index)])
    await late.wait_for(4 + 2)
    assert late.roles()[:4] == [
        TagRole.FILE_HEADER,
        TagRole.METADATA,
        TagRole.VIDEO_CONFIG,
        TagRole.AUDIO_CONFIG,
    ]
    assert late.frames() == [30, 31]
    await early.wait_for(4 + 32)
    assert late.received[0].data == early.received[0].data
    await fan.stop()


async def test_an_output_without_a_queue_is_started_and_stopped_but_never_fed() -> None:
    fan = fanout()
    watcher = FakeOutput("watcher", queue=None)
    await fan.add(watcher)
    await publish(fan, [*opening(), video(0)])
    await fan.stop()
    assert watcher.contexts and watcher.received == [] and watcher.stops == 1


async def test_a_lossless_output_paces_ingest_while_it_takes() -> None:
    fan = fanout(stall_timeout=5.0)
    primary = FakePrimary(queue=QueuePolicy(max_bytes=300, lossless=True))
    await fan.add(primary)
    primary.stall()
    await publish(fan, opening())
    held = asyncio.create_task(publish(fan, [video(index, size=200) for index in range(5)]))
    await asyncio.sleep(0.05)
    assert not held.done()
    primary.resume()
    await asyncio.wait_for(held, 1)
    await primary.wait_for(4 + 5)
    assert primary.frames() == list(range(5))
    await fan.stop()


async def test_a_failed_output_restarted_mid_stream_joins_at_the_next_keyframe() -> None:
    fan = fanout()
    pusher = FakeOutput("pusher")
    await fan.add(pusher)
    await publish(fan, opening())
    await pusher.wait_for(4)
    pusher.crash_next = OutputFailed("the connection broke")
    await publish(fan, [video(0)])
    await asyncio.sleep(0.01)
    assert pusher.stops == 1
    for index in range(1, 10):
        await publish(fan, [video(index)])
    await fan.add(pusher)  # its owner restarts it (a reconnecting simulcast target)
    for index in range(10, 32):
        await publish(fan, [video(index)])
    await pusher.wait_for(4 + 4 + 2)
    restarted = pusher.received[4:]
    assert [tag.role for tag in restarted[:4]] == [
        TagRole.FILE_HEADER,
        TagRole.METADATA,
        TagRole.VIDEO_CONFIG,
        TagRole.AUDIO_CONFIG,
    ]
    assert pusher.frames() == [30, 31] and len(pusher.contexts) == 2
    assert [status.state for status in fan.statuses()] == [OutputState.RUNNING]
    await fan.stop()
    assert pusher.stops == 2


async def test_an_output_removed_mid_stream_is_stopped_and_the_others_go_on() -> None:
    fan = fanout()
    kept, removed = FakeOutput("kept"), FakeOutput("removed")
    await fan.add(kept)
    await fan.add(removed)
    await publish(fan, opening())
    await removed.wait_for(4)
    removed.stall()  # removing must not wait for a write that never returns
    await publish(fan, [video(0)])
    assert await fan.remove(removed) is True
    assert removed.stops == 1 and [status.name for status in fan.statuses()] == ["kept"]
    for index in range(1, 5):
        await publish(fan, [video(index)])
    await kept.wait_for(4 + 5)
    assert kept.frames() == list(range(5))
    assert await fan.remove(removed) is False  # no longer part of the stream
    await fan.add(removed)  # switched on again: it joins like a late output
    removed.resume()
    for index in range(5, 31):
        await publish(fan, [video(index)])
    await removed.wait_for(4 + 4 + 1)
    assert removed.frames()[-1] == 30 and len(removed.contexts) == 2
    await fan.stop()
    assert (kept.stops, removed.stops) == (1, 2)
