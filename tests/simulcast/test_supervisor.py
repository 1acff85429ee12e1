"""A destination's supervision, driven by hand: back-off doubling to its cap and starting over after a
healthy run, a refusal stopping the retries, each outage announced once. The lifecycle is a recorder
here (the real one, with real ffmpeg, is in tests/e2e/test_simulcast.py)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ownstream.events import EventBus, RestreamFailed, RestreamStarted
from ownstream.outbound.retry import RetryPolicy
from ownstream.simulcast.destinations import Destination, parse_destination_url
from ownstream.simulcast.output import DestinationOutput, ForwarderSettings
from ownstream.simulcast.supervisor import DestinationState, DestinationSupervisor, SupervisorTools

NOW = datetime(2026, 12, 2, tzinfo=UTC)
DESTINATION = Destination(
    1, "YouTube", parse_destination_url("rtmp://h/live/key-0123456789abcdef"), True, None, NOW, NOW
)


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class Conductor:
    """Records starts and stops; outputs are never really started."""

    def __init__(self) -> None:
        self.started: list[DestinationOutput] = []
        self.stopped: list[DestinationOutput] = []
        self.live = True
        self.arrived = asyncio.Event()

    async def start_output(self, output: DestinationOutput) -> bool:
        if self.live:
            self.started.append(output)
            self.arrived.set()
        return self.live

    async def stop_output(self, output: DestinationOutput) -> bool:
        self.stopped.append(output)
        return True


def supervisor(conductor: Conductor, clock: Clock, bus: EventBus) -> DestinationSupervisor:
    settings = ForwarderSettings(
        Path("/nowhere"), stall_timeout=5, stop_timeout=1, ca_file=None, monotonic=clock
    )
    tools = SupervisorTools(
        conductor=conductor,
        bus=bus,
        retry=RetryPolicy(retries=None, first_delay=0.01, max_delay=0.04),
        healthy_after=30.0,
        monotonic=clock,
        now=lambda: NOW,
        make_output=lambda destination, listener: DestinationOutput(destination, settings, listener),
    )
    return DestinationSupervisor(DESTINATION, tools)


async def next_start(conductor: Conductor, count: int) -> None:
    async with asyncio.timeout(2):
        while len(conductor.started) < count:
            conductor.arrived.clear()
            await conductor.arrived.wait()


async def test_back_off_doubles_to_its_cap_and_starts_over_after_a_healthy_run() -> None:
    conductor, clock, bus = Conductor(), Clock(), EventBus()
    events: list[object] = []
    bus.subscribe(RestreamStarted, events.append)
    bus.subscribe(RestreamFailed, events.append)
    watched = supervisor(conductor, clock, bus)
    await watched.begin()
    assert watched.status().state is DestinationState.CONNECTING and len(conductor.started) == 1
    delays = []
    for attempt in range(5):
        watched.forwarder_ended(watched.output, "Connection refused", refused=False)
        status = watched.status()
        assert status.state is DestinationState.RETRYING and status.last_error == "Connection refused"
        assert status.retry_in is not None
        delays.append(round(status.retry_in, 6))
        await next_start(conductor, attempt + 2)
    assert delays == [0.01, 0.02, 0.04, 0.04, 0.04]
    assert [type(event) for event in events] == [RestreamFailed]  # one outage, announced once

    watched.forwarder_live(watched.output)
    assert watched.status().state is DestinationState.LIVE and isinstance(events[-1], RestreamStarted)
    clock.now += 10  # a short run: the back-off goes on where it was
    watched.forwarder_ended(watched.output, "Broken pipe", refused=False)
    assert watched.status().retry_in == pytest.approx(0.04)
    await next_start(conductor, 7)
    watched.forwarder_live(watched.output)
    clock.now += 30  # a healthy run: it starts over
    watched.forwarder_ended(watched.output, "Broken pipe", refused=False)
    assert watched.status().retry_in == pytest.approx(0.01) and watched.restarts == 7
    assert [type(event).__name__ for event in events][-3:] == [
        "RestreamFailed",
        "RestreamStarted",
        "RestreamFailed",
    ]
    await watched.halt()
    assert watched.status().state is DestinationState.IDLE


async def test_a_refusal_stops_retrying_until_begun_again() -> None:
    conductor, clock, bus = Conductor(), Clock(), EventBus()
    failures: list[RestreamFailed] = []
    bus.subscribe(RestreamFailed, failures.append)
    watched = supervisor(conductor, clock, bus)
    await watched.begin()
    watched.forwarder_ended(watched.output, "the server refused: Publishing denied", refused=True)
    await asyncio.sleep(0.1)
    status = watched.status()
    assert status.state is DestinationState.FAILED and status.retry_in is None and status.restarts == 0
    assert len(conductor.started) == 1
    assert [(event.state, event.error) for event in failures] == [
        ("failed", "the server refused: Publishing denied")
    ]
    await watched.begin()  # switched on again, or the next stream
    assert watched.status().state is DestinationState.CONNECTING and len(conductor.started) == 2


async def test_the_stream_ending_cancels_a_pending_retry_and_stale_reports_are_ignored() -> None:
    conductor, clock, bus = Conductor(), Clock(), EventBus()
    watched = supervisor(conductor, clock, bus)
    await watched.begin()
    old = watched.output
    watched.forwarder_ended(old, "Connection refused", refused=False)
    watched.stream_over()
    await asyncio.sleep(0.1)
    assert watched.status().state is DestinationState.IDLE and len(conductor.started) == 1
    watched.forwarder_live(old)  # a report from a run that no longer counts
    assert watched.status().state is DestinationState.IDLE
    conductor.live = False
    await watched.begin()  # no stream to join
    assert watched.status().state is DestinationState.IDLE
