"""Simulcast: the destinations (validated writes to the database, an in-memory copy), one supervisor
each, and what happens when the stream starts and ends.

When a stream starts, every enabled destination is started as its own output of that stream; when it
ends, the lifecycle stops them all with the other outputs. Creating, enabling, disabling, editing or
deleting a destination while live starts or stops that destination alone.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Protocol

from ownstream.clock import Clock
from ownstream.config.model import RuntimeConfig
from ownstream.database.repos.restream import DestinationRow, DestinationValues, RestreamRepository
from ownstream.errors import Invalid
from ownstream.events import EventBus, StreamEnding, StreamStarted
from ownstream.outbound.retry import RetryPolicy
from ownstream.settings import Timings
from ownstream.simulcast.destinations import (
    Destination,
    parse_destination_url,
    validate_name,
    validate_variant,
)
from ownstream.simulcast.output import DestinationOutput, ForwarderSettings
from ownstream.simulcast.supervisor import (
    DestinationStatus,
    DestinationSupervisor,
    OutputConductor,
    SupervisorTools,
)

log = logging.getLogger(__name__)
audit = logging.getLogger("ownstream.audit")


class CurrentConfig(Protocol):
    @property
    def current(self) -> RuntimeConfig: ...


@dataclass(frozen=True)
class DestinationChanges:
    """An update: only the fields given change (`variant_given` tells a null variant from none)."""

    name: object = None
    url: object = None
    enabled: bool | None = None
    variant: object = None
    variant_given: bool = False


class SimulcastService:
    def __init__(
        self,
        repository: RestreamRepository,
        config: CurrentConfig,
        conductor: OutputConductor,
        bus: EventBus,
        clock: Clock,
        timings: Timings,
        *,
        hls_dir: Path,
        ca_file: str | None,
    ) -> None:
        self._repository = repository
        self._config = config
        self._bus = bus
        self._clock = clock
        self._forwarding = ForwarderSettings(
            hls_dir=hls_dir,
            stall_timeout=timings.simulcast_stall_timeout,
            stop_timeout=timings.simulcast_stop_timeout,
            ca_file=ca_file,
            monotonic=clock.monotonic,
        )
        self._tools = SupervisorTools(
            conductor=conductor,
            bus=bus,
            retry=RetryPolicy(
                retries=None, first_delay=timings.simulcast_first_retry, max_delay=timings.simulcast_max_retry
            ),
            healthy_after=timings.simulcast_healthy_after,
            monotonic=clock.monotonic,
            now=clock.now,
            make_output=lambda destination, listener: DestinationOutput(
                destination, self._forwarding, listener
            ),
        )
        self._supervisors: dict[int, DestinationSupervisor] = {}
        self._live = False
        self._tasks: set[asyncio.Task[None]] = set()
        self._unsubscribe: list[Callable[[], None]] = []

    async def load(self) -> None:
        for row in await self._repository.all():
            try:
                destination = _destination(row)
            except Invalid as error:  # only a hand-edited database gets here
                log.error("simulcast destination %d is left out: %s", row.id, error.message)
                continue
            self._supervisors[destination.id] = DestinationSupervisor(destination, self._tools)

    async def reload(self) -> None:
        """Read the destinations again. Only for a process without the stream (a web process after the
        media process made a change): supervisors are replaced, not stopped."""
        self._supervisors.clear()
        await self.load()

    def start(self) -> None:
        if self._unsubscribe:
            return
        self._unsubscribe = [
            self._bus.subscribe(StreamStarted, self._on_stream_started),
            self._bus.subscribe(StreamEnding, self._on_stream_ending),
        ]

    async def stop(self) -> None:
        """Shutdown: no new starts or retries (the lifecycle then stops the outputs with the stream)."""
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self._unsubscribe = []
        self._live = False
        for supervisor in self._supervisors.values():
            supervisor.stream_over()
        if self._tasks:
            await asyncio.wait(list(self._tasks), timeout=10.0)
        for supervisor in self._supervisors.values():
            await supervisor.settle()
            supervisor.stream_over()

    # --- reads ----------------------------------------------------------------------------------------
    def destinations(self) -> list[Destination]:
        return [supervisor.destination for supervisor in self._sorted()]

    def statuses(self) -> list[DestinationStatus]:
        return [supervisor.status() for supervisor in self._sorted()]

    def secrets(self) -> list[str]:
        """Every stream key, for the log filter's last line of defence."""
        return [supervisor.destination.url.key for supervisor in self._supervisors.values()]

    def output_of(self, destination_id: int) -> DestinationOutput | None:
        supervisor = self._supervisors.get(destination_id)
        return supervisor.output if supervisor is not None else None

    # --- writes ---------------------------------------------------------------------------------------
    async def create(self, name: object, url: object, enabled: bool, variant: object) -> Destination:
        values = DestinationValues(
            name=validate_name(name),
            url=parse_destination_url(url).full,
            enabled=enabled,
            variant=validate_variant(variant, self._variant_count()),
        )
        destination = _destination(await self._repository.create(values, self._clock.now()))
        supervisor = self._supervisors[destination.id] = DestinationSupervisor(destination, self._tools)
        audit.info("simulcast destination %s created%s", destination.label, "" if enabled else " (disabled)")
        if destination.enabled and self._live:
            await supervisor.begin()
        return destination

    async def update(self, destination_id: int, changes: DestinationChanges) -> Destination:
        supervisor = self._supervisor(destination_id)
        current = supervisor.destination
        name = validate_name(changes.name) if changes.name is not None else current.name
        url = parse_destination_url(changes.url) if changes.url is not None else current.url
        variant = current.variant
        if changes.variant_given and changes.variant != current.variant:
            variant = validate_variant(changes.variant, self._variant_count())
        enabled = current.enabled if changes.enabled is None else changes.enabled
        now = self._clock.now()
        values = DestinationValues(name=name, url=url.full, enabled=enabled, variant=variant)
        if not await self._repository.update(destination_id, values, now):
            raise Invalid(f"no simulcast destination has id {destination_id}")
        updated = replace(current, name=name, url=url, enabled=enabled, variant=variant, updated_at=now)
        audit.info("simulcast destination %s updated", updated.label)
        sending = url != current.url or variant != current.variant
        if sending or enabled != current.enabled:
            await supervisor.halt()
            if sending:
                await supervisor.replace(updated)
            else:
                supervisor.rename(updated)
            if enabled and self._live:
                await supervisor.begin()
        else:
            supervisor.rename(updated)
        return updated

    async def delete(self, destination_id: int) -> None:
        supervisor = self._supervisor(destination_id)
        if not await self._repository.delete(destination_id):
            raise Invalid(f"no simulcast destination has id {destination_id}")
        self._supervisors.pop(destination_id, None)
        await supervisor.halt()
        audit.info("simulcast destination %s deleted", supervisor.destination.label)

    # --- the stream -----------------------------------------------------------------------------------
    def _on_stream_started(self, _event: StreamStarted) -> None:
        self._live = True
        for supervisor in self._sorted():
            if supervisor.destination.enabled:
                task = asyncio.get_running_loop().create_task(
                    supervisor.begin(), name=f"simulcast-start:{supervisor.destination.id}"
                )
                self._tasks.add(task)
                task.add_done_callback(self._task_done)

    def _on_stream_ending(self, _event: StreamEnding) -> None:
        self._live = False
        for supervisor in self._supervisors.values():
            supervisor.stream_over()

    def _task_done(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and (error := task.exception()) is not None:
            log.error("starting a simulcast destination failed", exc_info=error)

    # --- inside ---------------------------------------------------------------------------------------
    def _supervisor(self, destination_id: object) -> DestinationSupervisor:
        supervisor = self._supervisors.get(destination_id) if isinstance(destination_id, int) else None
        if supervisor is None:
            raise Invalid(f"no simulcast destination has id {destination_id}")
        return supervisor

    def _sorted(self) -> list[DestinationSupervisor]:
        return [self._supervisors[key] for key in sorted(self._supervisors)]

    def _variant_count(self) -> int:
        return len(self._config.current.video_variants)


def _destination(row: DestinationRow) -> Destination:
    return Destination(
        id=row.id,
        name=row.name,
        url=parse_destination_url(row.url),
        enabled=row.enabled,
        variant=row.variant,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )
