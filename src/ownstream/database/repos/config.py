"""Key/value rows of runtime configuration."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from ownstream.database.schema import config
from ownstream.database.upsert import upsert


class ConfigRepository:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def load_all(self) -> dict[str, Any]:
        async with self._engine.connect() as conn:
            rows = await conn.execute(sa.select(config.c.key, config.c.value))
            return {key: value for key, value in rows}

    async def get(self, key: str) -> Any:
        """One stored value, or None."""
        async with self._engine.connect() as conn:
            return await conn.scalar(sa.select(config.c.value).where(config.c.key == key))

    async def insert_if_absent(self, key: str, value: Any) -> bool:
        """Store `value` under `key` unless a row has that key already (another process may insert it at
        the same moment: the key's uniqueness decides); whether this call stored it. The insert is its
        own transaction, so a refused one leaves nothing to roll back on either engine."""
        row = {"key": key, "value": value, "updated_at": datetime.now(UTC)}
        try:
            async with self._engine.begin() as conn:
                await conn.execute(sa.insert(config).values(row))
        except IntegrityError:
            return False
        return True

    async def save(self, values: dict[str, Any]) -> None:
        """Upsert several keys in one transaction."""
        if not values:
            return
        now = datetime.now(UTC)
        async with self._engine.begin() as conn:
            for key, value in values.items():
                await upsert(conn, config, {"key": key, "value": value, "updated_at": now}, keys=["key"])
