"""The messages repository on a real SQLite file (on the run's PostgreSQL under `--database-engine
postgresql`: the chat replay and pruning queries join `replays`, and must work on both)."""

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from ownstream.database.db import open_database
from ownstream.database.repos.messages import MessagesRepository
from ownstream.database.repos.replays import ReplayRepository
from ownstream.database.repos.users import UsersRepository
from ownstream.domain.messages import StoredMessage
from tests.harness import database_url_for_tests

T0 = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    url = database_url_for_tests(tmp_path) or f"sqlite+aiosqlite:///{tmp_path / 'chat.db'}"
    engine = await open_database(url)
    yield engine
    await engine.dispose()


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


async def test_history_is_the_newest_visible_oldest_first(engine: AsyncEngine) -> None:
    users, repo = UsersRepository(engine), MessagesRepository(engine)
    alice, _ = await users.create("alice")
    for n in range(60):
        await repo.save(StoredMessage(f"m{n}", "CHAT", f"body {n}", at(n), user_id=alice.id))
    await repo.save(StoredMessage("sys", "SYSTEM", "<p>s</p>", at(60.5)))
    history = await repo.history()
    assert len(history) == 50
    assert [item.message.id for item in history][-2:] == ["m59", "sys"]
    assert history[0].message.id == "m11"
    assert history[-2].author is not None and history[-2].author.id == alice.id
    assert history[-1].author is None
    assert history[0].message.timestamp == at(11)


async def test_hidden_messages_and_disabled_authors_are_left_out(engine: AsyncEngine) -> None:
    users, repo = UsersRepository(engine), MessagesRepository(engine)
    alice, _ = await users.create("alice")
    troll, _ = await users.create("troll")
    await repo.save(StoredMessage("a1", "CHAT", "a", at(1), user_id=alice.id))
    await repo.save(StoredMessage("a2", "CHAT", "b", at(2), user_id=alice.id))
    await repo.save(StoredMessage("t1", "CHAT", "t", at(3), user_id=troll.id))
    assert await repo.set_hidden(["a2"], at(4)) == ["a2"]
    await users.set_disabled(troll.id, at(5))
    assert [item.message.id for item in await repo.history()] == ["a1"]

    admin_view = await repo.user_messages()
    assert [item.message.id for item in admin_view] == ["t1", "a2", "a1"]
    assert admin_view[1].message.hidden_at == at(4)
    assert admin_view[0].author is not None and admin_view[0].author.disabled


async def test_set_hidden_is_all_or_nothing(engine: AsyncEngine) -> None:
    repo = MessagesRepository(engine)
    await repo.save(StoredMessage("m1", "CHAT", "x", at(1), user_id="u"))
    assert await repo.set_hidden(["m1", "missing"], at(2)) == ["m1"]
    assert (await repo.user_messages()) == []  # author "u" doesn't exist, so no admin row
    assert (await repo.history())[0].message.hidden_at is None
    assert await repo.set_hidden([], at(2)) == []
    assert await repo.set_hidden(["m1", "m1"], at(2)) == ["m1"]
    assert await repo.history() == []
    assert await repo.set_hidden(["m1"], None) == ["m1"]
    assert len(await repo.history()) == 1


async def test_ids_by_user_and_pruning(engine: AsyncEngine) -> None:
    repo = MessagesRepository(engine)
    await repo.save(StoredMessage("old", "CHAT", "x", at(0), user_id="u"))
    await repo.save(StoredMessage("new", "CHAT", "y", at(10), user_id="u"))
    await repo.save(StoredMessage("other", "CHAT", "z", at(11), user_id="v"))
    assert await repo.ids_by_user("u") == ["old", "new"]
    cutoff = at(5).astimezone(timezone(timedelta(hours=-8)))  # any offset compares correctly
    assert await repo.delete_older_than(cutoff) == 1
    assert await repo.ids_by_user("u") == ["new"]


async def test_a_replays_chat_is_its_window_with_moderation_applied(engine: AsyncEngine) -> None:
    users, repo = UsersRepository(engine), MessagesRepository(engine)
    alice, _ = await users.create("alice")
    troll, _ = await users.create("troll")
    for name, minute, author in (("before", 0.5, alice), ("a1", 1, alice), ("hidden", 2, alice),
                                 ("t1", 3, troll), ("a2", 4, alice), ("after", 9, alice)):  # fmt: skip
        await repo.save(StoredMessage(name, "CHAT", name, at(minute), user_id=author.id))
    await repo.set_hidden(["hidden"], at(5))
    await users.set_disabled(troll.id, at(6))  # banned later: gone from replays too
    window = await repo.between(at(1), at(8), limit=100)
    assert [item.message.id for item in window] == ["a1", "a2"]
    assert [item.message.id for item in await repo.between(at(0), at(10), limit=2)] == ["before", "a1"]


async def test_pruning_keeps_the_chat_of_kept_replays(engine: AsyncEngine) -> None:
    users, repo, replays = UsersRepository(engine), MessagesRepository(engine), ReplayRepository(engine)
    alice, _ = await users.create("alice")
    for name, minute in (("before", 1), ("during", 3), ("after", 6), ("live", 8)):
        await repo.save(StoredMessage(name, "CHAT", name, at(minute), user_id=alice.id))
    await replays.create("done", "t", 0, at(2))
    await replays.finish("done", at(4))
    await replays.create("open", "t", 0, at(7))  # still recording: no end yet
    assert await repo.delete_older_than(at(60)) == 2
    assert sorted(item.message.id for item in await repo.between(at(0), at(60), 10)) == ["during", "live"]
    await replays.delete("done")
    assert await repo.delete_older_than(at(60)) == 1
