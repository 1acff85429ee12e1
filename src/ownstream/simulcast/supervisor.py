"""One destination's supervision while a stream is live: start its output, watch it, try again with
back-off, and say where it stands.

    idle ──stream live & enabled──▶ connecting ──data sent──▶ live
                                       │  ▲                     │ lost (ffmpeg exited, stalled, killed)
                                       ▼  │ after 2 s, 4 s … 60 s
                                     retrying ◀─────────────────┘
    connecting/live ──the remote refused (wrong key, unknown app)──▶ failed (no retry until edited,
                                                                      switched on again, or next stream)

The back-off starts from its first delay again once a run has stayed live for `healthy_after`. A lost
or refused destination is announced once per outage (`RestreamFailed`), its return once
(`RestreamStarted`). Starting and stopping go through the lifecycle (`start_output`, `stop_output`), so
they touch this destination's output only.
"""

from __future__ import annotations

import asyncio
import enum
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from ownstream.events import EventBus, RestreamFailed, RestreamStarted
from ownstream.outbound.retry import RetryPolicy
from ownstream.simulcast.destinations import Destination
from ownstream.simulcast.output import DestinationOutput

log = logging.getLogger(__name__)


class DestinationState(enum.Enum):
    IDLE = "idle"
    CONNECTING = "connecting"
    LIVE = "live"
    RETRYING = "retrying"
    FAILED = "failed"


class OutputConductor(Protocol):
    """The stream lifecycle, as far as a destination needs it."""

    async def start_output(self, output: DestinationOutput) -> bool: ...

    async def stop_output(self, output: DestinationOutput) -> bool: ...


@dataclass(frozen=True)
class DestinationStatus:
    destination: Destination
    state: DestinationState
    bitrate: float
    """Bits per second sent over the last seconds."""
    uptime: float | None
    """Seconds since it went live (None unless live)."""
    retry_in: float | None
    """Seconds until the next attempt (None unless retrying)."""
    last_error: str | None
    restarts: int
    """Attempts after a failure during this server's run."""
    bytes_sent: int
    """Bytes sent to the destination during this server's run."""


@dataclass(frozen=True)
class SupervisorTools:
    conductor: OutputConductor
    bus: EventBus
    retry: RetryPolicy
    healthy_after: float
    monotonic: Callable[[], float]
    now: Callable[[], datetime]
    make_output: Callable[[Destination, DestinationSupervisor], DestinationOutput]


class DestinationSupervisor:
    def __init__(self, destination: Destination, tools: SupervisorTools) -> None:
        self._tools = tools
        self.destination = destination
        self.state = DestinationState.IDLE
        self._output = tools.make_output(destination, self)
        self._lock = asyncio.Lock()
        self._active = False
        """Between `begin` and `halt`/`stream_over`: this destination should be sent the stream."""
        self._attached = False
        """Its output is part of the stream (started and not stopped by us)."""
        self._attempt = 0
        self._retry: asyncio.Task[None] | None = None
        self._retry_at: float | None = None
        self._live_since: float | None = None
        self._outage_announced = False
        self.last_error: str | None = None
        self.restarts = 0
        self._bytes_before = 0

    # --- driven by the service ------------------------------------------------------------------------
    async def begin(self) -> None:
        """The stream is live and this destination enabled: connect (again, from a clean slate)."""
        async with self._lock:
            self._cancel_retry()
            self._active = True
            self._attempt = 0
            self._outage_announced = False
            await self._launch()

    async def halt(self) -> None:
        """Switched off, edited or deleted while live: stop this destination's output only."""
        async with self._lock:
            self._active = False
            self._cancel_retry()
            if self._attached:
                self._attached = False
                await self._tools.conductor.stop_output(self._output)
            self._set_idle()

    def stream_over(self) -> None:
        """The stream is ending: the lifecycle stops every output; forget pending retries."""
        self._active = False
        self._attached = False
        self._cancel_retry()
        self._set_idle()

    async def replace(self, destination: Destination) -> None:
        """A new URL or variant: the next start uses them (call `halt` first if it was running)."""
        async with self._lock:
            self._bytes_before += self._output.bytes_sent
            self.destination = destination
            self._output = self._tools.make_output(destination, self)

    def rename(self, destination: Destination) -> None:
        self.destination = destination
        self._output.destination = destination

    async def settle(self) -> None:
        """Wait for a start in progress (shutdown)."""
        async with self._lock:
            self._cancel_retry()

    @property
    def output(self) -> DestinationOutput:
        return self._output

    def status(self) -> DestinationStatus:
        monotonic = self._tools.monotonic()
        live = self.state is DestinationState.LIVE
        return DestinationStatus(
            destination=self.destination,
            state=self.state,
            bitrate=self._output.bitrate() if live else 0.0,
            uptime=monotonic - self._live_since if live and self._live_since is not None else None,
            retry_in=max(0.0, self._retry_at - monotonic) if self._retry_at is not None else None,
            last_error=self.last_error,
            restarts=self.restarts,
            bytes_sent=self._bytes_before + self._output.bytes_sent,
        )

    # --- the output's reports (ForwarderListener) -----------------------------------------------------
    def forwarder_live(self, output: DestinationOutput) -> None:
        if output is not self._output or not self._active:
            return
        self.state = DestinationState.LIVE
        self._live_since = self._tools.monotonic()
        self._outage_announced = False
        destination = self.destination
        log.info("simulcast %s is live", destination.label)
        self._tools.bus.publish(RestreamStarted(destination.id, destination.name, self._tools.now()))

    def forwarder_ended(self, output: DestinationOutput, reason: str, refused: bool) -> None:
        if output is not self._output or not self._active:
            return
        self._attached = False
        self._failed(reason, refused)

    # --- inside -------------------------------------------------------------------------------------
    async def _launch(self) -> None:
        """Start the output (the lock is held)."""
        if not self._active:
            return
        self.state = DestinationState.CONNECTING
        self._retry_at = None
        self._live_since = None
        # Attached before the start returns: a forwarder that dies at once reports (and detaches) meanwhile.
        self._attached = True
        try:
            started = await self._tools.conductor.start_output(self._output)
        except Exception as error:
            log.debug("simulcast %s could not start", self.destination.id, exc_info=True)
            self._attached = False
            self._failed(str(error) or type(error).__name__, refused=False)
            return
        if not started:  # no stream any more
            self._attached = False
            self._active = False
            self._set_idle()

    def _failed(self, reason: str, refused: bool) -> None:
        tools = self._tools
        destination = self.destination
        was_live = self.state is DestinationState.LIVE
        live_for = tools.monotonic() - self._live_since if self._live_since is not None else 0.0
        if was_live and live_for >= tools.healthy_after:
            self._attempt = 0
        self.last_error = reason
        self._live_since = None
        if refused:
            self.state = DestinationState.FAILED
            self._retry_at = None
            log.error("simulcast %s failed: %s; not retrying until it is edited or switched on again",
                      destination.label, reason)  # fmt: skip
            self._announce_failure("failed", reason, always=True)
            return
        delay = tools.retry.delay(self._attempt)
        self._attempt += 1
        self.restarts += 1
        self.state = DestinationState.RETRYING
        self._retry_at = tools.monotonic() + delay
        log.warning("simulcast %s lost: %s; trying again in %.3g s", destination.label, reason, delay)
        self._announce_failure("retrying", reason, always=was_live)
        self._retry = asyncio.get_running_loop().create_task(
            self._retry_after(delay), name=f"simulcast-retry:{destination.id}"
        )

    def _announce_failure(self, state: str, reason: str, *, always: bool) -> None:
        if self._outage_announced and not always:
            return
        self._outage_announced = True
        destination = self.destination
        self._tools.bus.publish(
            RestreamFailed(destination.id, destination.name, state, reason, self._tools.now())
        )

    async def _retry_after(self, delay: float) -> None:
        await asyncio.sleep(delay)
        async with self._lock:
            self._retry = None  # from here on the start runs to its end; `halt` waits for the lock
            await self._launch()

    def _cancel_retry(self) -> None:
        retry, self._retry = self._retry, None
        self._retry_at = None
        if retry is not None and retry is not asyncio.current_task():
            retry.cancel()

    def _set_idle(self) -> None:
        self.state = DestinationState.IDLE
        self._retry_at = None
        self._live_since = None
