"""The one row of `stream_stats`: viewer peaks and the last connect and disconnect times."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from ownstream.database.schema import stream_stats
from ownstream.database.timestamps import for_db, from_db
from ownstream.database.upsert import upsert

ROW_ID = 1


@dataclass(frozen=True)
class StoredStats:
    session_peak: int = 0
    overall_peak: int = 0
    last_connect_time: datetime | None = None
    last_disconnect_time: datetime | None = None


class StatsRepository:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def load(self) -> StoredStats:
        """What was saved last (all zero and None before the first stream)."""
        async with self._engine.connect() as conn:
            row = (await conn.execute(sa.select(stream_stats).where(stream_stats.c.id == ROW_ID))).first()
        if row is None:
            return StoredStats()
        return StoredStats(
            session_peak=row.session_peak_viewers,
            overall_peak=row.overall_peak_viewers,
            last_connect_time=from_db(row.last_connect_time),
            last_disconnect_time=from_db(row.last_disconnect_time),
        )

    async def save(self, stats: StoredStats) -> None:
        values = {
            "id": ROW_ID,
            "session_peak_viewers": stats.session_peak,
            "overall_peak_viewers": stats.overall_peak,
            "last_connect_time": for_db(stats.last_connect_time),
            "last_disconnect_time": for_db(stats.last_disconnect_time),
            "updated_at": datetime.now(UTC),
        }
        async with self._engine.begin() as conn:
            await upsert(conn, stream_stats, values, keys=["id"])
