"""Rows of the `restream_destinations` table: where the live stream is forwarded (simulcast).

The URL is stored whole, stream key included (the forwarder needs it); what may be shown or logged is
decided above this layer (`simulcast/destinations.py`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from ownstream.database.schema import restream_destinations as table
from ownstream.database.timestamps import for_db, from_db


@dataclass(frozen=True)
class DestinationRow:
    id: int
    name: str
    url: str
    enabled: bool
    variant: int | None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class DestinationValues:
    """What the admin sets: everything but the id and the times."""

    name: str
    url: str
    enabled: bool
    variant: int | None


def _from_row(row: Any) -> DestinationRow:
    created, updated = from_db(row.created_at), from_db(row.updated_at)
    assert created is not None and updated is not None
    return DestinationRow(
        id=row.id,
        name=row.name,
        url=row.url,
        enabled=bool(row.enabled),
        variant=row.variant,
        created_at=created,
        updated_at=updated,
    )


class RestreamRepository:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def all(self) -> list[DestinationRow]:
        async with self._engine.connect() as conn:
            rows = await conn.execute(sa.select(table).order_by(table.c.id))
            return [_from_row(row) for row in rows]

    async def create(self, values: DestinationValues, now: datetime) -> DestinationRow:
        async with self._engine.begin() as conn:
            result = await conn.execute(
                table.insert().values(
                    name=values.name,
                    url=values.url,
                    enabled=values.enabled,
                    variant=values.variant,
                    created_at=for_db(now),
                    updated_at=for_db(now),
                )
            )
            key = result.inserted_primary_key
            assert key is not None
        return DestinationRow(int(key[0]), values.name, values.url, values.enabled, values.variant, now, now)

    async def update(self, destination_id: int, values: DestinationValues, now: datetime) -> bool:
        """False when no destination has that id."""
        async with self._engine.begin() as conn:
            result = await conn.execute(
                table.update()
                .where(table.c.id == destination_id)
                .values(
                    name=values.name,
                    url=values.url,
                    enabled=values.enabled,
                    variant=values.variant,
                    updated_at=for_db(now),
                )
            )
            return bool(result.rowcount)

    async def delete(self, destination_id: int) -> bool:
        """False when no destination has that id."""
        async with self._engine.begin() as conn:
            result = await conn.execute(table.delete().where(table.c.id == destination_id))
            return bool(result.rowcount)
