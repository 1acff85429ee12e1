"""Rows of `ip_bans`: one banned client address each."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from ownstream.database.schema import ip_bans
from ownstream.database.timestamps import for_db, from_db


@dataclass(frozen=True)
class IpBan:
    ip_address: str
    notes: str
    created_at: datetime


class IpBansRepository:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def add(self, ban: IpBan) -> bool:
        """Store a ban; False when the address is banned already (the row is left as it was)."""
        async with self._engine.begin() as conn:
            exists = await conn.scalar(
                sa.select(sa.func.count()).select_from(ip_bans).where(ip_bans.c.ip_address == ban.ip_address)
            )
            if exists:
                return False
            await conn.execute(
                sa.insert(ip_bans).values(
                    ip_address=ban.ip_address, notes=ban.notes, created_at=for_db(ban.created_at)
                )
            )
            return True

    async def remove(self, ip_address: str) -> None:
        async with self._engine.begin() as conn:
            await conn.execute(sa.delete(ip_bans).where(ip_bans.c.ip_address == ip_address))

    async def contains(self, ip_address: str) -> bool:
        async with self._engine.connect() as conn:
            count = await conn.scalar(
                sa.select(sa.func.count()).select_from(ip_bans).where(ip_bans.c.ip_address == ip_address)
            )
            return bool(count)

    async def all(self) -> list[IpBan]:
        async with self._engine.connect() as conn:
            rows = await conn.execute(sa.select(ip_bans).order_by(ip_bans.c.created_at, ip_bans.c.ip_address))
            return [
                IpBan(row.ip_address, row.notes, from_db(row.created_at) or row.created_at) for row in rows
            ]
