"""Notification subscriptions (`notifications` table)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Collection
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from ownstream.database.schema import notifications

BROWSER_PUSH = "BROWSER_PUSH_NOTIFICATION"
PAGE = 1_000


@dataclass(frozen=True)
class Subscription:
    id: int
    channel: str
    destination: str


class NotificationRepository:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def add(self, channel: str, destination: str) -> None:
        """Store a subscription; one already stored stays as it is."""
        exists = sa.select(notifications.c.id).where(
            notifications.c.channel == channel, notifications.c.destination == destination
        )
        async with self._engine.begin() as conn:
            if (await conn.execute(exists)).first() is not None:
                return
            try:
                await conn.execute(
                    notifications.insert().values(
                        channel=channel, destination=destination, created_at=datetime.now(UTC)
                    )
                )
            except IntegrityError:
                return  # registered at the same moment by another request

    async def count(self, channel: str) -> int:
        query = (
            sa.select(sa.func.count()).select_from(notifications).where(notifications.c.channel == channel)
        )
        async with self._engine.connect() as conn:
            return int((await conn.execute(query)).scalar_one())

    async def pages(self, channel: str) -> AsyncIterator[list[Subscription]]:
        """Every subscription of a channel, a page at a time (by id, so deletions between pages are safe)."""
        after = 0
        while True:
            query = (
                sa.select(notifications.c.id, notifications.c.channel, notifications.c.destination)
                .where(notifications.c.channel == channel, notifications.c.id > after)
                .order_by(notifications.c.id)
                .limit(PAGE)
            )
            async with self._engine.connect() as conn:
                rows = (await conn.execute(query)).all()
            if not rows:
                return
            yield [Subscription(row.id, row.channel, row.destination) for row in rows]
            after = rows[-1].id

    async def remove(self, ids: Collection[int]) -> None:
        if not ids:
            return
        async with self._engine.begin() as conn:
            await conn.execute(notifications.delete().where(notifications.c.id.in_(list(ids))))
