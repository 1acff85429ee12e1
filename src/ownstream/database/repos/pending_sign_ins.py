"""Rows of `pending_sign_ins`: chat sign-ins waiting for the user's next step (an IndieAuth redirect back,
a fediverse one-time code typed in), seen by every process sharing the database (several web processes
behind one front, issue 16).

Each lives for a limited time and is used at most once: `take` deletes the row it returns, and of two
processes taking the same key at once only the one whose delete removed the row gets it. The key (an
IndieAuth state, a chat token) is kept as its SHA-256, as tokens are (repos/users.py), so the table holds
nothing a browser could replay.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from ownstream.database.schema import pending_sign_ins as table
from ownstream.database.timestamps import for_db, from_db
from ownstream.domain.ids import token_hash

Added = Literal["added", "full", "exists"]


@dataclass(frozen=True)
class PendingRow:
    kind: str
    user_id: str
    token_hash: str
    details: dict[str, Any]
    expires_at: datetime
    failures: int = 0


def expiry(now: datetime, lifetime: float) -> datetime:
    return now + timedelta(seconds=lifetime)


def _row(found: Any) -> PendingRow:
    return PendingRow(
        kind=found.kind,
        user_id=found.user_id,
        token_hash=found.token_hash,
        details=dict(found.details),
        expires_at=from_db(found.expires_at) or found.expires_at,
        failures=int(found.failures),
    )


class PendingSignInRepository:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def add(self, key: str, row: PendingRow, *, now: datetime, limit: int) -> Added:
        """Keep `row` under `key`: "full" when `limit` sign-ins of its kind are already waiting, "exists"
        when one is waiting under `key`. Expired rows of every kind are dropped first."""
        hashed = token_hash(key)
        async with self._engine.begin() as conn:
            await conn.execute(sa.delete(table).where(table.c.expires_at <= for_db(now)))
            if await self._live(conn, hashed) is not None:
                return "exists"
            waiting = await conn.scalar(
                sa.select(sa.func.count()).select_from(table).where(table.c.kind == row.kind)
            )
            if (waiting or 0) >= limit:
                return "full"
            await conn.execute(
                sa.insert(table).values(
                    state_hash=hashed,
                    kind=row.kind,
                    user_id=row.user_id,
                    token_hash=row.token_hash,
                    details=row.details,
                    failures=row.failures,
                    expires_at=for_db(row.expires_at),
                )
            )
            return "added"

    @staticmethod
    async def _live(conn: AsyncConnection, hashed: str) -> Any:
        return (await conn.execute(sa.select(table).where(table.c.state_hash == hashed))).first()

    async def waiting(self, kind: str, now: datetime) -> int:
        """How many sign-ins of `kind` are waiting and not expired."""
        async with self._engine.connect() as conn:
            count = await conn.scalar(
                sa.select(sa.func.count())
                .select_from(table)
                .where(table.c.kind == kind, table.c.expires_at > for_db(now))
            )
            return int(count or 0)

    async def peek(self, key: str, kind: str, now: datetime) -> PendingRow | None:
        """The sign-in waiting under `key`, left in place; None when there is none or it expired."""
        async with self._engine.connect() as conn:
            found = await self._live(conn, token_hash(key))
        if found is None or found.kind != kind:
            return None
        row = _row(found)
        return row if row.expires_at > now else None

    async def take(self, key: str, kind: str, now: datetime) -> PendingRow | None:
        """The sign-in waiting under `key`, removed so nobody can use it again; None when there is
        none, it expired, or another process took it first."""
        hashed = token_hash(key)
        async with self._engine.begin() as conn:
            found = await self._live(conn, hashed)
            if found is None or found.kind != kind:
                return None
            removed = await conn.execute(sa.delete(table).where(table.c.state_hash == hashed))
            if removed.rowcount != 1:
                return None
        row = _row(found)
        return row if row.expires_at > now else None

    async def count_failure(self, key: str) -> int:
        """One more wrong guess for the sign-in under `key`; how many there have been (0: no such row)."""
        hashed = token_hash(key)
        async with self._engine.begin() as conn:
            await conn.execute(
                sa.update(table).where(table.c.state_hash == hashed).values(failures=table.c.failures + 1)
            )
            failures = await conn.scalar(sa.select(table.c.failures).where(table.c.state_hash == hashed))
            return int(failures or 0)

    async def discard(self, key: str) -> None:
        async with self._engine.begin() as conn:
            await conn.execute(sa.delete(table).where(table.c.state_hash == token_hash(key)))
