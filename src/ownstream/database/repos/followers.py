"""Rows of `ap_followers` (reference §4): who follows this server on the fediverse, and in what state.

A follower is *approved* when `approved_at` is set, *pending* while neither `approved_at` nor
`disabled_at` is, and *blocked* (rejected or blocked) once `disabled_at` is set. Approving and
blocking each clear the other mark.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from ownstream.database.schema import ap_followers
from ownstream.database.timestamps import for_db, from_db


@dataclass(frozen=True)
class Follower:
    iri: str
    """The actor IRI, which identifies the follower."""
    inbox: str
    username: str
    """`user@host`."""
    request: str
    """The IRI of the Follow activity, which an Accept refers to."""
    created_at: datetime
    name: str | None = None
    image: str | None = None
    approved_at: datetime | None = None
    disabled_at: datetime | None = None
    shared_inbox: str | None = None
    """The follower's server's shared inbox, when it has one (one delivery for all its followers)."""

    @property
    def delivery_inbox(self) -> str:
        return self.shared_inbox or self.inbox


def _from_row(row: sa.Row[Any]) -> Follower:
    created_at = from_db(row.created_at)
    assert created_at is not None
    return Follower(
        iri=row.iri,
        inbox=row.inbox,
        username=row.username,
        request=row.request,
        created_at=created_at,
        name=row.name,
        image=row.image,
        approved_at=from_db(row.approved_at),
        disabled_at=from_db(row.disabled_at),
        shared_inbox=row.shared_inbox,
    )


_APPROVED = sa.and_(ap_followers.c.approved_at.is_not(None), ap_followers.c.disabled_at.is_(None))
_PENDING = sa.and_(ap_followers.c.approved_at.is_(None), ap_followers.c.disabled_at.is_(None))
_BLOCKED = ap_followers.c.disabled_at.is_not(None)


class FollowerRepository:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def add(self, follower: Follower) -> bool:
        """Store a new follower; False (and no change) when that actor is already known."""
        values = {
            "iri": follower.iri,
            "inbox": follower.inbox,
            "name": follower.name,
            "username": follower.username,
            "image": follower.image,
            "request": follower.request,
            "created_at": for_db(follower.created_at),
            "approved_at": for_db(follower.approved_at),
            "disabled_at": for_db(follower.disabled_at),
            "shared_inbox": follower.shared_inbox,
        }
        async with self._engine.begin() as conn:
            exists = await conn.scalar(sa.select(sa.literal(1)).where(ap_followers.c.iri == follower.iri))
            if exists:
                return False
            await conn.execute(sa.insert(ap_followers).values(**values))
        return True

    async def get(self, iri: str) -> Follower | None:
        async with self._engine.connect() as conn:
            row = (await conn.execute(sa.select(ap_followers).where(ap_followers.c.iri == iri))).first()
        return _from_row(row) if row is not None else None

    async def _select(
        self, condition: sa.ColumnElement[bool], order: sa.ColumnElement[Any]
    ) -> list[Follower]:
        query = sa.select(ap_followers).where(condition).order_by(order.desc(), ap_followers.c.iri)
        async with self._engine.connect() as conn:
            return [_from_row(row) for row in await conn.execute(query)]

    async def approved(self) -> list[Follower]:
        """Newest follow first."""
        return await self._select(_APPROVED, ap_followers.c.created_at)

    async def pending(self) -> list[Follower]:
        """Newest request first."""
        return await self._select(_PENDING, ap_followers.c.created_at)

    async def blocked(self) -> list[Follower]:
        """Most recently blocked first."""
        return await self._select(_BLOCKED, ap_followers.c.disabled_at)

    async def approved_count(self) -> int:
        async with self._engine.connect() as conn:
            count = await conn.scalar(sa.select(sa.func.count()).select_from(ap_followers).where(_APPROVED))
        return int(count or 0)

    async def approve(self, iri: str, when: datetime) -> bool:
        """False when no follower has that IRI."""
        return await self._update(iri, approved_at=for_db(when), disabled_at=None)

    async def block(self, iri: str, when: datetime) -> bool:
        """Reject a request or block a follower. False when no follower has that IRI."""
        return await self._update(iri, approved_at=None, disabled_at=for_db(when))

    async def refresh(
        self,
        iri: str,
        *,
        inbox: str,
        shared_inbox: str | None,
        username: str,
        name: str | None,
        image: str | None,
    ) -> bool:
        """The follower's profile as its server now says (an Update, a new Follow). False when unknown."""
        async with self._engine.begin() as conn:
            result = await conn.execute(
                sa.update(ap_followers)
                .where(ap_followers.c.iri == iri)
                .values(inbox=inbox, shared_inbox=shared_inbox, username=username, name=name, image=image)
            )
        return result.rowcount > 0

    async def set_request(self, iri: str, request: str) -> None:
        """The Follow activity to refer to in the next Accept (a follower who followed again)."""
        async with self._engine.begin() as conn:
            await conn.execute(
                sa.update(ap_followers).where(ap_followers.c.iri == iri).values(request=request)
            )

    async def remove_where_inbox(self, inbox: str) -> list[str]:
        """Remove the followers whose personal inbox this is (it answered 410 Gone); their IRIs."""
        async with self._engine.begin() as conn:
            rows = await conn.execute(sa.select(ap_followers.c.iri).where(ap_followers.c.inbox == inbox))
            gone = [row.iri for row in rows]
            if gone:
                await conn.execute(sa.delete(ap_followers).where(ap_followers.c.iri.in_(gone)))
        return gone

    async def remove(self, iri: str) -> bool:
        async with self._engine.begin() as conn:
            result = await conn.execute(sa.delete(ap_followers).where(ap_followers.c.iri == iri))
        return result.rowcount > 0

    async def _update(self, iri: str, **values: datetime | None) -> bool:
        async with self._engine.begin() as conn:
            result = await conn.execute(
                sa.update(ap_followers).where(ap_followers.c.iri == iri).values(**values)
            )
        return result.rowcount > 0
