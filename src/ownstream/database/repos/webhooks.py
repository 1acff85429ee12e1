"""Rows of the `webhooks` table: the URL and the event types each one receives."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from ownstream.database.schema import webhooks
from ownstream.database.timestamps import for_db, from_db


@dataclass(frozen=True)
class Webhook:
    id: int
    url: str
    events: tuple[str, ...]
    timestamp: datetime
    last_used: datetime | None


def _from_row(row: Any) -> Webhook:
    timestamp = from_db(row.timestamp)
    assert timestamp is not None
    return Webhook(
        id=row.id,
        url=row.url,
        events=tuple(row.events),
        timestamp=timestamp,
        last_used=from_db(row.last_used),
    )


class WebhookRepository:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def all(self) -> list[Webhook]:
        async with self._engine.connect() as conn:
            rows = await conn.execute(sa.select(webhooks).order_by(webhooks.c.id))
            return [_from_row(row) for row in rows]

    async def create(self, url: str, events: Sequence[str], now: datetime) -> Webhook:
        async with self._engine.begin() as conn:
            result = await conn.execute(
                webhooks.insert().values(url=url, events=list(events), timestamp=for_db(now), last_used=None)
            )
            key = result.inserted_primary_key
            assert key is not None
        return Webhook(id=int(key[0]), url=url, events=tuple(events), timestamp=now, last_used=None)

    async def delete(self, webhook_id: int) -> bool:
        """False when no webhook has that id."""
        async with self._engine.begin() as conn:
            result = await conn.execute(webhooks.delete().where(webhooks.c.id == webhook_id))
            return bool(result.rowcount)

    async def mark_used(self, webhook_id: int, when: datetime) -> None:
        async with self._engine.begin() as conn:
            await conn.execute(
                webhooks.update().where(webhooks.c.id == webhook_id).values(last_used=for_db(when))
            )
