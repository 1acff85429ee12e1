"""Rows of `stream_event_series` and `stream_events`: scheduled streams (newer §14.1)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from ownstream.database.schema import stream_event_series as series_table
from ownstream.database.schema import stream_events as events_table
from ownstream.database.timestamps import for_db, from_db
from ownstream.domain.scheduled_events import CANCELLED, SCHEDULED, EventSeries, ScheduledEvent


def _series(row: Any) -> EventSeries:
    return EventSeries(
        id=row.id,
        name=row.name,
        description=row.description,
        reminder_message=row.reminder_message,
        recurrence=row.recurrence,
        duration_minutes=row.duration_minutes,
        active=bool(row.active),
        created_at=from_db(row.created_at) or row.created_at,
    )


def _event(row: Any) -> ScheduledEvent:
    reminded = tuple(int(part) for part in row.reminded.split(",") if part)
    return ScheduledEvent(
        id=row.id,
        series_id=row.series_id,
        name=row.name,
        description=row.description,
        reminder_message=row.reminder_message,
        start=from_db(row.start_time) or row.start_time,
        original_start=from_db(row.original_start),
        duration_minutes=row.duration_minutes,
        timezone=row.timezone,
        status=row.status,
        reminded_minutes=reminded,
        announced=tuple(part for part in row.announced.split(",") if part),
    )


def _event_values(event: ScheduledEvent) -> dict[str, Any]:
    return {
        "id": event.id,
        "series_id": event.series_id,
        "name": event.name,
        "description": event.description,
        "reminder_message": event.reminder_message,
        "start_time": for_db(event.start),
        "original_start": for_db(event.original_start),
        "duration_minutes": event.duration_minutes,
        "timezone": event.timezone,
        "status": event.status,
        "reminded": ",".join(str(minutes) for minutes in event.reminded_minutes),
        "announced": ",".join(event.announced),
    }


class ScheduleRepository:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    # --- series ------------------------------------------------------------------------------------

    async def all_series(self) -> list[EventSeries]:
        async with self._engine.connect() as conn:
            rows = await conn.execute(
                sa.select(series_table).order_by(series_table.c.created_at, series_table.c.id)
            )
            return [_series(row) for row in rows]

    async def series(self, series_id: str) -> EventSeries | None:
        async with self._engine.connect() as conn:
            row = (await conn.execute(sa.select(series_table).where(series_table.c.id == series_id))).first()
            return _series(row) if row is not None else None

    async def add_series(self, series: EventSeries) -> None:
        async with self._engine.begin() as conn:
            await conn.execute(
                sa.insert(series_table).values(
                    id=series.id,
                    name=series.name,
                    description=series.description,
                    reminder_message=series.reminder_message,
                    recurrence=series.recurrence,
                    duration_minutes=series.duration_minutes,
                    active=series.active,
                    created_at=for_db(series.created_at),
                )
            )

    async def replace_series(self, series: EventSeries, now: datetime) -> None:
        """Store the edited series and drop its future, non-cancelled occurrences (re-expanded next)."""
        async with self._engine.begin() as conn:
            await conn.execute(
                sa.update(series_table)
                .where(series_table.c.id == series.id)
                .values(
                    name=series.name,
                    description=series.description,
                    reminder_message=series.reminder_message,
                    recurrence=series.recurrence,
                    duration_minutes=series.duration_minutes,
                )
            )
            await conn.execute(
                sa.delete(events_table).where(
                    events_table.c.series_id == series.id,
                    events_table.c.start_time >= for_db(now),
                    events_table.c.status != CANCELLED,
                )
            )

    async def pause_series(self, series_id: str) -> None:
        async with self._engine.begin() as conn:
            await conn.execute(
                sa.update(series_table).where(series_table.c.id == series_id).values(active=False)
            )

    async def delete_series(self, series_id: str, now: datetime) -> None:
        """The series and its future occurrences; past ones stay, still naming it."""
        async with self._engine.begin() as conn:
            await conn.execute(
                sa.delete(events_table).where(
                    events_table.c.series_id == series_id, events_table.c.start_time >= for_db(now)
                )
            )
            await conn.execute(sa.delete(series_table).where(series_table.c.id == series_id))

    # --- occurrences -------------------------------------------------------------------------------

    async def event(self, event_id: str) -> ScheduledEvent | None:
        async with self._engine.connect() as conn:
            row = (await conn.execute(sa.select(events_table).where(events_table.c.id == event_id))).first()
            return _event(row) if row is not None else None

    async def events_between(
        self, start: datetime, end: datetime, *, only_scheduled: bool = False
    ) -> list[ScheduledEvent]:
        """Occurrences whose start lies in [start, end), sorted by start."""
        query = sa.select(events_table).where(
            events_table.c.start_time >= for_db(start), events_table.c.start_time < for_db(end)
        )
        if only_scheduled:
            query = query.where(events_table.c.status == SCHEDULED)
        async with self._engine.connect() as conn:
            rows = await conn.execute(query.order_by(events_table.c.start_time, events_table.c.id))
            return [_event(row) for row in rows]

    async def add_event(self, event: ScheduledEvent) -> None:
        async with self._engine.begin() as conn:
            await conn.execute(sa.insert(events_table).values(**_event_values(event)))

    async def add_missing(self, series_id: str, events: Sequence[ScheduledEvent]) -> int:
        """Insert the occurrences whose slot (`original_start`) the series has no row for; how many."""
        if not events:
            return 0
        async with self._engine.begin() as conn:
            taken = await self._taken_slots(conn, series_id, (e.original_start for e in events))
            missing = [event for event in events if for_db(event.original_start) not in taken]
            if missing:
                await conn.execute(sa.insert(events_table), [_event_values(event) for event in missing])
            return len(missing)

    @staticmethod
    async def _taken_slots(
        conn: AsyncConnection, series_id: str, slots: Iterable[datetime | None]
    ) -> set[datetime | None]:
        wanted = [for_db(slot) for slot in slots if slot is not None]
        rows = await conn.execute(
            sa.select(events_table.c.original_start).where(
                events_table.c.series_id == series_id, events_table.c.original_start.in_(wanted)
            )
        )
        return {for_db(from_db(row.original_start)) for row in rows}

    async def update_event(self, event: ScheduledEvent) -> None:
        values = _event_values(event)
        del values["id"]
        async with self._engine.begin() as conn:
            await conn.execute(sa.update(events_table).where(events_table.c.id == event.id).values(**values))

    async def delete_event(self, event_id: str) -> None:
        async with self._engine.begin() as conn:
            await conn.execute(sa.delete(events_table).where(events_table.c.id == event_id))
