"""Rows of `outbound_deliveries`: the journal of a persistent outbound queue (outbound/queue.py).

A delivery is added when submitted, rescheduled after each failed attempt and removed once delivered
or given up; whatever is here at start-up is still owed.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from ownstream.database.schema import outbound_deliveries as table
from ownstream.database.timestamps import for_db, from_db


@dataclass(frozen=True)
class PendingDelivery:
    id: int
    queue: str
    method: str
    url: str
    content_type: str
    body: bytes
    topic: str
    tag: str
    attempt: int
    """Attempts that failed so far."""
    created_at: datetime
    due_at: datetime


@dataclass(frozen=True)
class NewDelivery:
    method: str
    url: str
    content_type: str
    body: bytes
    topic: str
    tag: str


def _from_row(row: Any) -> PendingDelivery:
    created_at, due_at = from_db(row.created_at), from_db(row.due_at)
    assert created_at is not None and due_at is not None
    return PendingDelivery(
        id=row.id,
        queue=row.queue,
        method=row.method,
        url=row.url,
        content_type=row.content_type,
        body=bytes(row.body),
        topic=row.topic,
        tag=row.tag,
        attempt=row.attempt,
        created_at=created_at,
        due_at=due_at,
    )


class DeliveryRepository:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def add(
        self,
        queue: str,
        *,
        method: str,
        url: str,
        content_type: str,
        body: bytes,
        topic: str,
        tag: str,
        created_at: datetime,
    ) -> int:
        """A new delivery, due at once; its id."""
        async with self._engine.begin() as conn:
            result = await conn.execute(
                table.insert().values(
                    queue=queue,
                    method=method,
                    url=url,
                    content_type=content_type,
                    body=body,
                    topic=topic,
                    tag=tag,
                    attempt=0,
                    created_at=for_db(created_at),
                    due_at=for_db(created_at),
                )
            )
            key = result.inserted_primary_key
            assert key is not None
        return int(key[0])

    async def add_many(self, queue: str, deliveries: list[NewDelivery], created_at: datetime) -> list[int]:
        """New deliveries, due at once, in one transaction; their ids in the same order."""
        ids: list[int] = []
        async with self._engine.begin() as conn:
            for delivery in deliveries:
                result = await conn.execute(
                    table.insert().values(
                        queue=queue,
                        method=delivery.method,
                        url=delivery.url,
                        content_type=delivery.content_type,
                        body=delivery.body,
                        topic=delivery.topic,
                        tag=delivery.tag,
                        attempt=0,
                        created_at=for_db(created_at),
                        due_at=for_db(created_at),
                    )
                )
                key = result.inserted_primary_key
                assert key is not None
                ids.append(int(key[0]))
        return ids

    async def reschedule(self, entry_id: int, *, attempt: int, due_at: datetime, last_error: str) -> None:
        async with self._engine.begin() as conn:
            await conn.execute(
                table.update()
                .where(table.c.id == entry_id)
                .values(attempt=attempt, due_at=for_db(due_at), last_error=last_error)
            )

    async def remove(self, entry_id: int) -> None:
        async with self._engine.begin() as conn:
            await conn.execute(table.delete().where(table.c.id == entry_id))

    async def remove_many(self, entry_ids: Collection[int]) -> None:
        if not entry_ids:
            return
        async with self._engine.begin() as conn:
            await conn.execute(table.delete().where(table.c.id.in_(list(entry_ids))))

    def _waiting(self, queue: str, exclude: Collection[int]) -> sa.ColumnElement[bool]:
        condition = table.c.queue == queue
        if exclude:
            condition = sa.and_(condition, table.c.id.not_in(list(exclude)))
        return condition

    async def due(
        self, queue: str, now: datetime, limit: int, exclude: Collection[int] = ()
    ) -> list[PendingDelivery]:
        """Up to `limit` deliveries of `queue` due by `now`, soonest first, leaving out `exclude`."""
        if limit <= 0:
            return []
        query = (
            sa.select(table)
            .where(self._waiting(queue, exclude), table.c.due_at <= for_db(now))
            .order_by(table.c.due_at, table.c.id)
            .limit(limit)
        )
        async with self._engine.connect() as conn:
            return [_from_row(row) for row in await conn.execute(query)]

    async def next_due(self, queue: str, exclude: Collection[int] = ()) -> datetime | None:
        """When the soonest delivery of `queue` (leaving out `exclude`) is due; None when there is none."""
        query = sa.select(sa.func.min(table.c.due_at)).where(self._waiting(queue, exclude))
        async with self._engine.connect() as conn:
            return from_db((await conn.execute(query)).scalar_one_or_none())

    async def count(self, queue: str) -> int:
        query = sa.select(sa.func.count()).select_from(table).where(table.c.queue == queue)
        async with self._engine.connect() as conn:
            return int((await conn.execute(query)).scalar_one())
