"""Rows of `stream_event_series` and `stream_events`: scheduled streams (newer §14.1), and each
occurrence's federation state (`Create` sent, `Update` owed, `Delete` owed once the row is gone).

The federation columns are written only by the methods named for them (and `update_event(changed=True)`
marking an `Update` owed), never by a whole-row update, so a reminder or webhook stamp written from a stale
copy cannot undo a claim another process made. Claims are conditional updates: of several processes, one
sends each activity."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from ownstream.database.schema import stream_event_federation_deletes as deletes_table
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
        federated_at=from_db(row.federated_at),
        federation_updated_at=from_db(row.federation_updated_at),
        federation_pending=bool(row.federation_pending),
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

    async def replace_series(
        self, series: EventSeries, now: datetime, kept_slots: set[datetime] | None = None
    ) -> None:
        """Store the edited series and drop its future, non-cancelled, never-announced occurrences
        (re-expanded next). Announced ones stay (followers know them) with the series' new name,
        texts and duration and an `Update` owed, if the edited rule still produces their slot
        (`kept_slots`; None = keep every one); otherwise they go too, each owing a `Delete`."""
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
            future = sa.and_(
                events_table.c.series_id == series.id,
                events_table.c.start_time >= for_db(now),
                events_table.c.status != CANCELLED,
            )
            await conn.execute(sa.delete(events_table).where(future, events_table.c.federated_at.is_(None)))
            announced = (
                await conn.execute(
                    sa.select(events_table.c.id, events_table.c.original_start).where(
                        future, events_table.c.federated_at.is_not(None)
                    )
                )
            ).all()
            gone = []
            for row in announced:
                slot = from_db(row.original_start)
                if kept_slots is None or slot in kept_slots:
                    await conn.execute(
                        sa.update(events_table)
                        .where(events_table.c.id == row.id)
                        .values(
                            name=series.name,
                            description=series.description,
                            reminder_message=series.reminder_message,
                            duration_minutes=series.duration_minutes,
                            federation_pending=True,
                        )
                    )
                else:
                    gone.append(row.id)
            await self._queue_deletes(conn, gone, now)
            if gone:
                await conn.execute(sa.delete(events_table).where(events_table.c.id.in_(gone)))

    async def pause_series(self, series_id: str) -> None:
        async with self._engine.begin() as conn:
            await conn.execute(
                sa.update(series_table).where(series_table.c.id == series_id).values(active=False)
            )

    async def delete_series(self, series_id: str, now: datetime) -> None:
        """The series and its future occurrences (a `Delete` owed for each announced one); past ones
        stay, still naming it."""
        future = sa.and_(events_table.c.series_id == series_id, events_table.c.start_time >= for_db(now))
        async with self._engine.begin() as conn:
            announced = await conn.execute(
                sa.select(events_table.c.id).where(future, events_table.c.federated_at.is_not(None))
            )
            await self._queue_deletes(conn, [row.id for row in announced], now)
            await conn.execute(sa.delete(events_table).where(future))
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

    async def update_event(self, event: ScheduledEvent, *, changed: bool = False) -> None:
        """Store `event` (not its federation state). `changed`: what followers see changed (an edit or a
        cancellation), so an `Update` is owed if it was announced."""
        values = _event_values(event)
        del values["id"]
        if changed:
            values["federation_pending"] = True
        async with self._engine.begin() as conn:
            await conn.execute(sa.update(events_table).where(events_table.c.id == event.id).values(**values))

    async def delete_event(self, event_id: str, now: datetime) -> None:
        """Remove the occurrence; a `Delete` is owed if it was announced."""
        async with self._engine.begin() as conn:
            row = (
                await conn.execute(
                    sa.select(events_table.c.federated_at).where(events_table.c.id == event_id)
                )
            ).first()
            if row is not None and row.federated_at is not None:
                await self._queue_deletes(conn, [event_id], now)
            await conn.execute(sa.delete(events_table).where(events_table.c.id == event_id))

    # --- federation state --------------------------------------------------------------------------

    @staticmethod
    async def _queue_deletes(conn: AsyncConnection, event_ids: Sequence[str], now: datetime) -> None:
        if not event_ids:
            return
        queued = await conn.execute(
            sa.select(deletes_table.c.event_id).where(deletes_table.c.event_id.in_(list(event_ids)))
        )
        known = {row.event_id for row in queued}
        fresh = [
            {"event_id": event_id, "queued_at": for_db(now)}
            for event_id in event_ids
            if event_id not in known
        ]
        if fresh:
            await conn.execute(sa.insert(deletes_table), fresh)

    async def unannounced(self, now: datetime, limit: int) -> list[ScheduledEvent]:
        """Scheduled occurrences still to come that followers have not been told of, soonest first."""
        query = (
            sa.select(events_table)
            .where(
                events_table.c.status == SCHEDULED,
                events_table.c.federated_at.is_(None),
                events_table.c.start_time > for_db(now),
            )
            .order_by(events_table.c.start_time, events_table.c.id)
            .limit(limit)
        )
        async with self._engine.connect() as conn:
            return [_event(row) for row in await conn.execute(query)]

    async def updates_owed(self, limit: int) -> list[ScheduledEvent]:
        """Announced occurrences edited or cancelled since."""
        query = (
            sa.select(events_table)
            .where(events_table.c.federated_at.is_not(None), events_table.c.federation_pending.is_(True))
            .order_by(events_table.c.start_time, events_table.c.id)
            .limit(limit)
        )
        async with self._engine.connect() as conn:
            return [_event(row) for row in await conn.execute(query)]

    async def deletes_owed(self, limit: int) -> list[str]:
        query = sa.select(deletes_table.c.event_id).order_by(deletes_table.c.queued_at).limit(limit)
        async with self._engine.connect() as conn:
            return [row.event_id for row in await conn.execute(query)]

    async def claim_announcement(self, event_id: str, now: datetime) -> ScheduledEvent | None:
        """Mark the occurrence announced now, if it is scheduled and nobody announced it yet; the row as
        it is then (what the `Create` carries), or None when another process got there first."""
        claim = (
            sa.update(events_table)
            .where(
                events_table.c.id == event_id,
                events_table.c.federated_at.is_(None),
                events_table.c.status == SCHEDULED,
            )
            .values(federated_at=for_db(now), federation_pending=False)
        )
        return await self._claim(claim, event_id)

    async def claim_update(self, event_id: str, now: datetime) -> ScheduledEvent | None:
        """Clear the owed `Update`; the row as it is then, or None if nothing was owed any more. The
        stamp (the Event's `updated`, whole seconds) is later than the last one and than the
        announcement, so receivers that keep the newest revision, and the `Update`'s id, never tie."""
        owed = sa.and_(
            events_table.c.id == event_id,
            events_table.c.federated_at.is_not(None),
            events_table.c.federation_pending.is_(True),
        )
        async with self._engine.begin() as conn:
            row = (await conn.execute(sa.select(events_table).where(owed))).first()
            if row is None:
                return None
            stamp = now.astimezone(UTC).replace(microsecond=0)
            previous = from_db(row.federation_updated_at) or from_db(row.federated_at)
            if previous is not None and stamp <= previous:
                stamp = previous.replace(microsecond=0) + timedelta(seconds=1)
            claim = (
                sa.update(events_table)
                .where(owed)
                .values(federation_pending=False, federation_updated_at=for_db(stamp))
            )
            if (await conn.execute(claim)).rowcount != 1:
                return None
            fresh = (await conn.execute(sa.select(events_table).where(events_table.c.id == event_id))).first()
            return _event(fresh) if fresh is not None else None

    async def _claim(self, claim: sa.Update, event_id: str) -> ScheduledEvent | None:
        async with self._engine.begin() as conn:
            if (await conn.execute(claim)).rowcount != 1:
                return None
            row = (await conn.execute(sa.select(events_table).where(events_table.c.id == event_id))).first()
            return _event(row) if row is not None else None

    async def claim_delete(self, event_id: str) -> bool:
        """Take the owed `Delete` off the list; False if another process took it."""
        async with self._engine.begin() as conn:
            result = await conn.execute(sa.delete(deletes_table).where(deletes_table.c.event_id == event_id))
            return bool(result.rowcount == 1)
