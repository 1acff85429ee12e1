"""Rows of `ap_accepted_activities` (reference §4): inbound follows, likes and shares that were handled.

`type` holds the chat event name (`FEDIVERSE_ENGAGEMENT_FOLLOW`, `_LIKE`, `_REPOST`); the same
(object, actor, type) is only handled once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from ownstream.database.schema import ap_accepted_activities as activities
from ownstream.database.timestamps import for_db, from_db

FOLLOW = "FEDIVERSE_ENGAGEMENT_FOLLOW"
LIKE = "FEDIVERSE_ENGAGEMENT_LIKE"
REPOST = "FEDIVERSE_ENGAGEMENT_REPOST"


@dataclass(frozen=True)
class AcceptedActivity:
    iri: str
    """The IRI of the object acted on (for a follow, the Follow activity)."""
    actor: str
    type: str
    timestamp: datetime


def _from_row(row: sa.Row[Any]) -> AcceptedActivity:
    timestamp = from_db(row.timestamp)
    assert timestamp is not None
    return AcceptedActivity(iri=row.iri, actor=row.actor, type=row.type, timestamp=timestamp)


class AcceptedActivityRepository:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def add(self, activity: AcceptedActivity) -> None:
        async with self._engine.begin() as conn:
            await conn.execute(
                sa.insert(activities).values(
                    iri=activity.iri,
                    actor=activity.actor,
                    type=activity.type,
                    timestamp=for_db(activity.timestamp),
                )
            )

    async def latest(self, limit: int = 100) -> list[AcceptedActivity]:
        """Newest first."""
        query = (
            sa.select(activities).order_by(activities.c.timestamp.desc(), activities.c.id.desc()).limit(limit)
        )
        async with self._engine.connect() as conn:
            return [_from_row(row) for row in await conn.execute(query)]

    async def seen(self, iri: str, actor: str, activity_type: str) -> bool:
        query = sa.select(sa.literal(1)).where(
            activities.c.iri == iri, activities.c.actor == actor, activities.c.type == activity_type
        )
        async with self._engine.connect() as conn:
            return await conn.scalar(query.limit(1)) is not None

    async def remove(self, iri: str, actor: str, activity_type: str) -> int:
        """Forget a handled activity (it was undone), so that it counts again if repeated."""
        async with self._engine.begin() as conn:
            result = await conn.execute(
                sa.delete(activities).where(
                    activities.c.iri == iri, activities.c.actor == actor, activities.c.type == activity_type
                )
            )
        return int(result.rowcount)
