"""The outbound delivery journal on a real SQLite file."""

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from ownstream.database.db import open_database
from ownstream.database.repos.deliveries import DeliveryRepository

T0 = datetime(2026, 1, 1, 12, tzinfo=UTC)


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    engine = await open_database(f"sqlite+aiosqlite:///{tmp_path / 'ownstream.db'}")
    yield engine
    await engine.dispose()


async def add(journal: DeliveryRepository, queue: str, tag: str, at: datetime = T0) -> int:
    return await journal.add(
        queue,
        method="POST",
        url=f"https://inbox.example/{tag}",
        content_type="application/activity+json",
        body=b"\x00binary\xff" + tag.encode(),
        topic="Create activity",
        tag=tag,
        created_at=at,
    )


async def test_a_delivery_round_trips(engine: AsyncEngine) -> None:
    journal = DeliveryRepository(engine)
    entry = await add(journal, "federation", "a")
    [pending] = await journal.due("federation", T0, 10)
    assert pending.id == entry and pending.attempt == 0
    assert pending.body == b"\x00binary\xffa" and pending.content_type == "application/activity+json"
    assert (pending.method, pending.url, pending.topic, pending.tag) == (
        "POST",
        "https://inbox.example/a",
        "Create activity",
        "a",
    )
    assert pending.created_at == pending.due_at == T0


async def test_due_is_per_queue_soonest_first_limited_and_excluding(engine: AsyncEngine) -> None:
    journal = DeliveryRepository(engine)
    first = await add(journal, "federation", "a")
    second = await add(journal, "federation", "b")
    third = await add(journal, "federation", "c")
    await add(journal, "other", "x")
    await journal.reschedule(first, attempt=1, due_at=T0 + timedelta(minutes=5), last_error="HTTP 503")
    assert [p.tag for p in await journal.due("federation", T0, 10)] == ["b", "c"]
    assert [p.tag for p in await journal.due("federation", T0, 1)] == ["b"]
    assert [p.tag for p in await journal.due("federation", T0, 10, exclude={second})] == ["c"]
    assert await journal.due("federation", T0, 0) == []
    later = await journal.due("federation", T0 + timedelta(minutes=5), 10)
    assert [(p.tag, p.attempt) for p in later] == [("b", 0), ("c", 0), ("a", 1)]
    assert await journal.next_due("federation", exclude={second, third}) == T0 + timedelta(minutes=5)
    assert await journal.next_due("empty") is None


async def test_remove_and_count(engine: AsyncEngine) -> None:
    journal = DeliveryRepository(engine)
    entry = await add(journal, "federation", "a")
    await add(journal, "federation", "b")
    assert await journal.count("federation") == 2
    await journal.remove(entry)
    await journal.remove(entry)  # already gone: not an error
    assert await journal.count("federation") == 1
    assert await journal.count("other") == 0
