"""Rows of `ap_outbox` (reference §4): objects this server published, kept as their JSON documents."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from ownstream.database.schema import ap_outbox
from ownstream.database.timestamps import for_db, from_db


@dataclass(frozen=True)
class OutboxObject:
    iri: str
    value: dict[str, Any]
    """The ActivityStreams document, as served at `iri`."""
    type: str
    created_at: datetime
    live_notification: bool = False
    """True for the automatic go-live post, False for posts written by the admin."""


def _from_row(row: sa.Row[Any]) -> OutboxObject:
    created_at = from_db(row.created_at)
    assert created_at is not None
    return OutboxObject(
        iri=row.iri,
        value=dict(row.value),
        type=row.type,
        created_at=created_at,
        live_notification=bool(row.live_notification),
    )


class OutboxRepository:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def add(self, item: OutboxObject) -> None:
        async with self._engine.begin() as conn:
            await conn.execute(
                sa.insert(ap_outbox).values(
                    iri=item.iri,
                    value=item.value,
                    type=item.type,
                    created_at=for_db(item.created_at),
                    live_notification=item.live_notification,
                )
            )

    async def get(self, iri: str) -> OutboxObject | None:
        async with self._engine.connect() as conn:
            row = (await conn.execute(sa.select(ap_outbox).where(ap_outbox.c.iri == iri))).first()
        return _from_row(row) if row is not None else None

    async def count(self) -> int:
        async with self._engine.connect() as conn:
            return int(await conn.scalar(sa.select(sa.func.count()).select_from(ap_outbox)) or 0)

    async def newest(self, limit: int, offset: int = 0) -> list[OutboxObject]:
        query = (
            sa.select(ap_outbox)
            .order_by(ap_outbox.c.created_at.desc(), ap_outbox.c.iri)
            .limit(limit)
            .offset(offset)
        )
        async with self._engine.connect() as conn:
            return [_from_row(row) for row in await conn.execute(query)]

    async def last_live_notification(self) -> datetime | None:
        """When the newest go-live post was published; None when there is none."""
        query = sa.select(sa.func.max(ap_outbox.c.created_at)).where(ap_outbox.c.live_notification.is_(True))
        async with self._engine.connect() as conn:
            return from_db(await conn.scalar(query))
