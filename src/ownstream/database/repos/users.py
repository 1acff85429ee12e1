"""Chat users and integration (API) users (reference §4 `users`).

Tokens are found by their SHA-256 (`token_hash`), so a secret is never compared byte by byte and a
leaked database holds no usable chat tokens. API users also keep the token itself, because the admin
lists integration tokens. A deleted API user is soft-deleted (`disabled_at` set).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from ownstream.database.schema import chat_auth, messages, user_access_tokens, users
from ownstream.database.timestamps import for_db, from_db
from ownstream.domain.ids import new_access_token, short_id, token_hash
from ownstream.domain.scopes import MODERATOR
from ownstream.domain.users import MAX_DISPLAY_COLOR, User, UserType


def _now() -> datetime:
    return datetime.now(UTC)


def user_from_row(row: Any, prefix: str = "") -> User:
    """A `User` from a result row; `prefix` when the user columns were labelled in a join."""

    def column(name: str) -> Any:
        return getattr(row, prefix + name)

    created_at = from_db(column("created_at"))
    assert created_at is not None
    return User(
        id=column("id"),
        display_name=column("display_name"),
        display_color=column("display_color"),
        created_at=created_at,
        disabled_at=from_db(column("disabled_at")),
        previous_names=tuple(column("previous_names") or ()),
        name_changed_at=from_db(column("namechanged_at")),
        scopes=tuple(column("scopes") or ()),
        type="API" if column("type") == "API" else "STANDARD",
        last_used=from_db(column("last_used")),
        access_token=column("access_token"),
        authenticated_at=from_db(column("authenticated_at")),
    )


USER_COLUMN_NAMES = (
    "id",
    "display_name",
    "display_color",
    "created_at",
    "disabled_at",
    "previous_names",
    "namechanged_at",
    "scopes",
    "type",
    "last_used",
    "access_token",
    "authenticated_at",
)
USER_COLUMNS = tuple(users.c[name] for name in USER_COLUMN_NAMES)


class UsersRepository:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def create(
        self, display_name: str, scopes: Iterable[str] = (), user_type: UserType = "STANDARD"
    ) -> tuple[User, str]:
        """A new user and its access token (the only time the token is seen in the clear)."""
        token = new_access_token()
        user = User(
            id=short_id(),
            display_name=display_name,
            display_color=secrets.randbelow(MAX_DISPLAY_COLOR + 1),
            created_at=_now(),
            disabled_at=None,
            previous_names=(display_name,),
            name_changed_at=None,
            scopes=tuple(scopes),
            type=user_type,
            last_used=None,
            access_token=token if user_type == "API" else None,
        )
        async with self._engine.begin() as conn:
            await conn.execute(
                users.insert().values(
                    id=user.id,
                    token_hash=token_hash(token),
                    access_token=user.access_token,
                    display_name=user.display_name,
                    display_color=user.display_color,
                    created_at=user.created_at,
                    previous_names=list(user.previous_names),
                    scopes=list(user.scopes),
                    type=user.type,
                )
            )
        return user, token

    async def _one(self, condition: sa.ColumnElement[bool]) -> User | None:
        async with self._engine.connect() as conn:
            row = (await conn.execute(sa.select(*USER_COLUMNS).where(condition))).first()
        return user_from_row(row) if row is not None else None

    async def _many(self, condition: sa.ColumnElement[bool], order: sa.ColumnElement[Any]) -> list[User]:
        async with self._engine.connect() as conn:
            rows = await conn.execute(sa.select(*USER_COLUMNS).where(condition).order_by(order))
            return [user_from_row(row) for row in rows]

    async def by_token(self, token: str) -> User | None:
        """The user holding `token`: their first token, or one moved to them (`user_access_tokens`)."""
        if not token:
            return None
        return await self.by_token_hash(token_hash(token))

    async def by_token_hash(self, hashed: str) -> User | None:
        """The user holding the token whose SHA-256 is `hashed` (what a pending sign-in keeps)."""
        moved = sa.select(user_access_tokens.c.user_id).where(user_access_tokens.c.token_hash == hashed)
        return await self._one(sa.or_(users.c.token_hash == hashed, users.c.id.in_(moved)))

    async def by_id(self, user_id: str) -> User | None:
        return await self._one(users.c.id == user_id)

    async def _update(self, user_id: str, **values: Any) -> User | None:
        async with self._engine.begin() as conn:
            result = await conn.execute(users.update().where(users.c.id == user_id).values(**values))
            if result.rowcount == 0:
                return None
            row = (await conn.execute(sa.select(*USER_COLUMNS).where(users.c.id == user_id))).first()
        return user_from_row(row) if row is not None else None

    async def rename(self, user_id: str, new_name: str) -> User | None:
        """Set the display name, remember it among the previous names, stamp `namechanged_at`."""
        async with self._engine.begin() as conn:
            row = (await conn.execute(sa.select(users.c.previous_names).where(users.c.id == user_id))).first()
            if row is None:
                return None
            names = [*(row.previous_names or ()), new_name]
            await conn.execute(
                users.update()
                .where(users.c.id == user_id)
                .values(display_name=new_name, previous_names=names, namechanged_at=_now())
            )
            updated = (await conn.execute(sa.select(*USER_COLUMNS).where(users.c.id == user_id))).one()
        return user_from_row(updated)

    async def set_color(self, user_id: str, color: int) -> User | None:
        return await self._update(user_id, display_color=color)

    async def set_disabled(self, user_id: str, when: datetime | None) -> User | None:
        return await self._update(user_id, disabled_at=for_db(when))

    async def set_scopes(self, user_id: str, scopes: Sequence[str]) -> User | None:
        return await self._update(user_id, scopes=list(dict.fromkeys(scopes)))

    async def moderators(self) -> list[User]:
        """Users holding the MODERATOR scope, oldest first."""
        # The LIKE narrows the scan in SQL; the JSON list is still checked exactly.
        candidates = await self._many(
            sa.and_(
                users.c.type == "STANDARD",
                sa.cast(users.c.scopes, sa.Text).like(f'%"{MODERATOR}"%'),
            ),
            users.c.created_at,
        )
        return [user for user in candidates if user.is_moderator]

    async def disabled_users(self) -> list[User]:
        """Disabled chat (non-API) users, in the order they were disabled."""
        return await self._many(
            sa.and_(users.c.type == "STANDARD", users.c.disabled_at.is_not(None)), users.c.disabled_at
        )

    async def api_users(self) -> list[User]:
        """Integration users that have not been deleted, oldest first."""
        return await self._many(
            sa.and_(users.c.type == "API", users.c.disabled_at.is_(None)), users.c.created_at
        )

    async def delete_api_user(self, token: str) -> bool:
        """Soft delete: the token stops working but the row stays. False if no live API user has it."""
        async with self._engine.begin() as conn:
            result = await conn.execute(
                users.update()
                .where(
                    users.c.token_hash == token_hash(token),
                    users.c.type == "API",
                    users.c.disabled_at.is_(None),
                )
                .values(disabled_at=_now())
            )
            return bool(result.rowcount)

    async def touch_last_used(self, user_id: str) -> None:
        async with self._engine.begin() as conn:
            await conn.execute(users.update().where(users.c.id == user_id).values(last_used=_now()))

    async def count_chat_users(self) -> int:
        """Chat users ever registered (integration users not counted), for the metrics."""
        async with self._engine.connect() as conn:
            result = await conn.execute(
                sa.select(sa.func.count()).select_from(users).where(users.c.type != "API")
            )
            return int(result.scalar_one())

    async def search(
        self, *, offset: int, limit: int, search: str, status: str, ascending: bool
    ) -> tuple[int, list[User]]:
        """One page of every user (newer Owncast's admin users list) and how many match in all.

        `search` is a display-name substring (`%` and `_` act as wildcards, as in Owncast); `status` is
        "" or "all" (everyone), "active" (not disabled) or "bots" (integrations); anything else matches
        nobody. Newest first unless `ascending`."""
        conditions: list[sa.ColumnElement[bool]] = []
        if search:
            conditions.append(users.c.display_name.ilike(f"%{search}%"))
        if status == "active":
            conditions.append(users.c.disabled_at.is_(None))
        elif status == "bots":
            conditions.append(users.c.type == "API")
        elif status not in ("", "all"):
            conditions.append(sa.false())
        where = sa.and_(sa.true(), *conditions)
        order = users.c.created_at.asc() if ascending else users.c.created_at.desc()
        async with self._engine.connect() as conn:
            total = (
                await conn.execute(sa.select(sa.func.count()).select_from(users).where(where))
            ).scalar_one()
            rows = await conn.execute(
                sa.select(*USER_COLUMNS).where(where).order_by(order, users.c.id).offset(offset).limit(limit)
            )
            return int(total), [user_from_row(row) for row in rows]

    async def delete_with_messages(self, user_id: str) -> bool:
        """Delete a user, their tokens and verified identities with them, and every chat message they
        wrote, in one transaction. False if there is no such user."""
        async with self._engine.begin() as conn:
            await conn.execute(messages.delete().where(messages.c.user_id == user_id))
            await conn.execute(user_access_tokens.delete().where(user_access_tokens.c.user_id == user_id))
            await conn.execute(chat_auth.delete().where(chat_auth.c.user_id == user_id))
            result = await conn.execute(users.delete().where(users.c.id == user_id))
            return bool(result.rowcount)

    # --- chat authentication (newer Owncast §7) ------------------------------------------------------
    async def name_is_reserved(self, name: str, except_user_id: str | None = None) -> bool:
        """Whether `name` is the display name of an authenticated or integration user who is not
        disabled (compared case-insensitively, so "Alice" cannot pass for "alice")."""
        condition = sa.and_(
            sa.func.lower(users.c.display_name) == name.lower(),
            sa.or_(users.c.authenticated_at.is_not(None), users.c.type == "API"),
            users.c.disabled_at.is_(None),
        )
        if except_user_id is not None:
            condition = sa.and_(condition, users.c.id != except_user_id)
        async with self._engine.connect() as conn:
            found = (await conn.execute(sa.select(users.c.id).where(condition).limit(1))).first()
        return found is not None

    async def identity_owner(self, identity_type: str, identity: str) -> str | None:
        """The id of the user who proved `identity` before, if any."""
        async with self._engine.connect() as conn:
            row = (
                await conn.execute(
                    sa.select(chat_auth.c.user_id).where(
                        chat_auth.c.type == identity_type, chat_auth.c.identity == identity
                    )
                )
            ).first()
        return row.user_id if row is not None else None

    async def authenticate(self, user_id: str, identity_type: str, identity: str) -> User | None:
        """Record that `user_id` proved `identity` now (the identity becomes theirs if it was nobody's)."""
        now = _now()
        async with self._engine.begin() as conn:
            owner = (
                await conn.execute(
                    sa.select(chat_auth.c.user_id).where(
                        chat_auth.c.type == identity_type, chat_auth.c.identity == identity
                    )
                )
            ).first()
            if owner is None:
                await conn.execute(
                    chat_auth.insert().values(
                        user_id=user_id, identity=identity, type=identity_type, timestamp=now
                    )
                )
            elif owner.user_id != user_id:
                return None
            result = await conn.execute(
                users.update().where(users.c.id == user_id).values(authenticated_at=now)
            )
            if result.rowcount == 0:
                return None
            row = (await conn.execute(sa.select(*USER_COLUMNS).where(users.c.id == user_id))).one()
        return user_from_row(row)

    async def move_token(self, token: str, to_user_id: str) -> None:
        """Give `token` to `to_user_id`: the user who held it keeps a fresh token nobody knows (their
        row needs one), and `token` now opens `to_user_id`'s account."""
        await self.move_token_hash(token_hash(token), to_user_id)

    async def move_token_hash(self, hashed: str, to_user_id: str) -> None:
        """`move_token` of the token whose SHA-256 is `hashed`."""
        async with self._engine.begin() as conn:
            await conn.execute(
                users.update()
                .where(users.c.token_hash == hashed)
                .values(token_hash=token_hash(new_access_token()))
            )
            await conn.execute(user_access_tokens.delete().where(user_access_tokens.c.token_hash == hashed))
            await conn.execute(
                user_access_tokens.insert().values(token_hash=hashed, user_id=to_user_id, created_at=_now())
            )

    async def auth_providers(self, user_ids: Sequence[str]) -> dict[str, list[str]]:
        """The kinds of identity each user proved (`indieauth`, `fediverse`), for the admin's users list."""
        if not user_ids:
            return {}
        async with self._engine.connect() as conn:
            rows = await conn.execute(
                sa.select(chat_auth.c.user_id, chat_auth.c.type)
                .where(chat_auth.c.user_id.in_(list(user_ids)))
                .distinct()
                .order_by(chat_auth.c.user_id, chat_auth.c.type)
            )
            found: dict[str, list[str]] = {}
            for row in rows:
                found.setdefault(row.user_id, []).append(row.type)
        return found
