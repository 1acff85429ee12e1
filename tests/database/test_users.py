"""The users repository on a real SQLite file."""

import hashlib
import sqlite3
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from ownstream.database.db import open_database
from ownstream.database.repos.users import UsersRepository


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    engine = await open_database(f"sqlite+aiosqlite:///{tmp_path / 'chat.db'}")
    yield engine
    await engine.dispose()


async def test_create_and_find_by_token(engine: AsyncEngine, tmp_path: Path) -> None:
    repo = UsersRepository(engine)
    user, token = await repo.create("alice")
    assert len(token) == 44 and token.endswith("=")
    assert 7 <= len(user.id) <= 10 and user.previous_names == ("alice",) and user.scopes == ()
    assert 0 <= user.display_color <= 360 and user.type == "STANDARD" and user.access_token is None
    found = await repo.by_token(token)
    assert found == user
    assert await repo.by_token("") is None and await repo.by_token(token + "x") is None
    assert await repo.by_id(user.id) == user

    with sqlite3.connect(tmp_path / "chat.db") as conn:
        stored_hash, stored_token = conn.execute(
            "SELECT token_hash, access_token FROM users WHERE id = ?", (user.id,)
        ).fetchone()
    assert stored_hash == hashlib.sha256(token.encode()).hexdigest()
    assert stored_token is None  # chat users' tokens are never stored in the clear


async def test_api_users_keep_their_token_and_soft_delete(engine: AsyncEngine) -> None:
    repo = UsersRepository(engine)
    api, token = await repo.create("bot", ("CAN_SEND_MESSAGES",), user_type="API")
    await repo.create("viewer")
    assert api.access_token == token and api.type == "API"
    assert [user.id for user in await repo.api_users()] == [api.id]
    assert await repo.delete_api_user("nope") is False
    assert await repo.delete_api_user(token) is True
    assert await repo.delete_api_user(token) is False
    assert await repo.api_users() == []
    deleted = await repo.by_token(token)
    assert deleted is not None and deleted.disabled


async def test_rename_keeps_previous_names(engine: AsyncEngine) -> None:
    repo = UsersRepository(engine)
    user, _ = await repo.create("first")
    renamed = await repo.rename(user.id, "second")
    assert renamed is not None
    assert renamed.display_name == "second" and renamed.previous_names == ("first", "second")
    assert renamed.name_changed_at is not None and renamed.name_changed_at.tzinfo is not None
    assert await repo.rename("missing", "x") is None


async def test_disable_and_moderators(engine: AsyncEngine) -> None:
    repo = UsersRepository(engine)
    a, _ = await repo.create("a")
    b, _ = await repo.create("b")
    await repo.create("api", ("MODERATOR",), user_type="API")
    when = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
    disabled = await repo.set_disabled(b.id, when)
    assert disabled is not None and disabled.disabled_at == when
    assert [user.id for user in await repo.disabled_users()] == [b.id]
    assert await repo.set_disabled("missing", when) is None
    enabled = await repo.set_disabled(b.id, None)
    assert enabled is not None and not enabled.disabled and await repo.disabled_users() == []

    moderator = await repo.set_scopes(a.id, ["MODERATOR", "MODERATOR"])
    assert moderator is not None and moderator.scopes == ("MODERATOR",) and moderator.is_moderator
    assert [user.id for user in await repo.moderators()] == [a.id]
    await repo.set_scopes(a.id, [])
    assert await repo.moderators() == []


async def test_touch_last_used(engine: AsyncEngine) -> None:
    repo = UsersRepository(engine)
    user, _ = await repo.create("bot", user_type="API")
    assert user.last_used is None
    await repo.touch_last_used(user.id)
    touched = await repo.by_id(user.id)
    assert touched is not None and touched.last_used is not None
