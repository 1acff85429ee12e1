"""Stored chat messages (reference §4 `messages`, §3.7 history).

Bodies are stored already rendered and sanitized. `user_id` is NULL for system, action and fediverse
rows. Rows older than the retention window are deleted by the chat service's pruning timer.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from ownstream.database.repos.users import USER_COLUMN_NAMES, user_from_row
from ownstream.database.schema import messages, replays, users
from ownstream.database.timestamps import for_db, from_db
from ownstream.domain.messages import MessageWithAuthor, StoredMessage

_USER_PREFIX = "author_"
_AUTHOR_COLUMNS = tuple(users.c[name].label(_USER_PREFIX + name) for name in USER_COLUMN_NAMES)


def _message_from_row(row: Any) -> StoredMessage:
    timestamp = from_db(row.timestamp)
    assert timestamp is not None
    return StoredMessage(
        id=row.id,
        event_type=row.event_type,
        body=row.body,
        timestamp=timestamp,
        user_id=row.user_id,
        hidden_at=from_db(row.hidden_at),
        title=row.title,
        subtitle=row.subtitle,
        image=row.image,
        link=row.link,
    )


def _with_author(row: Any) -> MessageWithAuthor:
    author = user_from_row(row, _USER_PREFIX) if getattr(row, _USER_PREFIX + "id") is not None else None
    return MessageWithAuthor(_message_from_row(row), author)


def _joined() -> sa.Select[Any]:
    return sa.select(messages, *_AUTHOR_COLUMNS).select_from(
        messages.outerjoin(users, messages.c.user_id == users.c.id)
    )


class MessagesRepository:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def save(self, message: StoredMessage) -> None:
        async with self._engine.begin() as conn:
            await conn.execute(
                messages.insert().values(
                    id=message.id,
                    user_id=message.user_id,
                    body=message.body,
                    event_type=message.event_type,
                    hidden_at=for_db(message.hidden_at),
                    timestamp=for_db(message.timestamp),
                    title=message.title,
                    subtitle=message.subtitle,
                    image=message.image,
                    link=message.link,
                )
            )

    async def history(self, limit: int = 50) -> list[MessageWithAuthor]:
        """The newest `limit` visible messages whose author (if any) isn't disabled, oldest first."""
        query = (
            _joined()
            .where(messages.c.hidden_at.is_(None), users.c.disabled_at.is_(None))
            .order_by(messages.c.timestamp.desc())
            .limit(limit)
        )
        async with self._engine.connect() as conn:
            rows = (await conn.execute(query)).all()
        return [_with_author(row) for row in reversed(rows)]

    async def between(self, start: datetime, end: datetime, limit: int) -> list[MessageWithAuthor]:
        """The visible messages sent from `start` to `end` whose author (if any) isn't disabled, oldest
        first, at most `limit` (the first ones): a replay's chat, moderation applied."""
        query = (
            _joined()
            .where(
                messages.c.hidden_at.is_(None),
                users.c.disabled_at.is_(None),
                messages.c.timestamp >= for_db(start),
                messages.c.timestamp <= for_db(end),
            )
            .order_by(messages.c.timestamp)
            .limit(limit)
        )
        async with self._engine.connect() as conn:
            rows = (await conn.execute(query)).all()
        return [_with_author(row) for row in rows]

    async def user_messages(self) -> list[MessageWithAuthor]:
        """Every stored message that has an author, hidden ones included, newest first (admin view)."""
        query = (
            _joined()
            .where(messages.c.user_id.is_not(None), users.c.id.is_not(None))
            .order_by(messages.c.timestamp.desc())
        )
        async with self._engine.connect() as conn:
            rows = (await conn.execute(query)).all()
        return [_with_author(row) for row in rows]

    async def by_user(self, user_id: str, limit: int = 500) -> list[MessageWithAuthor]:
        """One user's newest `limit` stored messages, hidden ones included, oldest first (moderators)."""
        query = (
            _joined().where(messages.c.user_id == user_id).order_by(messages.c.timestamp.desc()).limit(limit)
        )
        async with self._engine.connect() as conn:
            rows = (await conn.execute(query)).all()
        return [_with_author(row) for row in reversed(rows)]

    async def set_hidden(self, ids: Sequence[str], when: datetime | None) -> list[str]:
        """Hide (`when`) or show (None) the messages, but only if every id exists: all or nothing.

        Returns the ids that exist; the caller compares them with what it asked for.
        """
        wanted = list(dict.fromkeys(ids))
        if not wanted:
            return []
        async with self._engine.begin() as conn:
            existing = list(
                (await conn.execute(sa.select(messages.c.id).where(messages.c.id.in_(wanted)))).scalars()
            )
            if len(existing) == len(wanted):
                await conn.execute(
                    messages.update().where(messages.c.id.in_(wanted)).values(hidden_at=for_db(when))
                )
        return existing

    async def ids_by_user(self, user_id: str) -> list[str]:
        async with self._engine.connect() as conn:
            result = await conn.execute(
                sa.select(messages.c.id).where(messages.c.user_id == user_id).order_by(messages.c.timestamp)
            )
            return list(result.scalars())

    async def delete_older_than(self, cutoff: datetime) -> int:
        """Delete messages sent before `cutoff`, except those sent while a kept replay was recorded
        (its chat replay needs them; they go with the replay)."""
        in_a_replay = sa.exists().where(
            messages.c.timestamp >= replays.c.started_at,
            sa.or_(replays.c.ended_at.is_(None), messages.c.timestamp <= replays.c.ended_at),
        )
        async with self._engine.begin() as conn:
            result = await conn.execute(
                messages.delete().where(messages.c.timestamp < for_db(cutoff), sa.not_(in_a_replay))
            )
            return int(result.rowcount)

    async def count(self) -> int:
        """Messages stored now (the retention window deletes older ones), for the metrics."""
        async with self._engine.connect() as conn:
            result = await conn.execute(sa.select(sa.func.count()).select_from(messages))
            return int(result.scalar_one())
