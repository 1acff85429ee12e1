"""Pending chat sign-ins in the database (repos/pending_sign_ins.py), with two engines on one SQLite file
standing for two processes: what one keeps the other takes, once (also when both take at once), not after
it expired, and no more than the limit wait; the state itself is not stored."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from ownstream.database.db import open_database
from ownstream.database.repos.pending_sign_ins import PendingRow, PendingSignInRepository, expiry
from ownstream.database.schema import pending_sign_ins

NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
LIFETIME = 600.0


@pytest.fixture
async def engines(tmp_path: Path) -> AsyncIterator[tuple[AsyncEngine, AsyncEngine]]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'shared.db'}"
    first = await open_database(url)
    second = await open_database(url)
    try:
        yield first, second
    finally:
        await first.dispose()
        await second.dispose()


def row(user_id: str = "u1", *, at: datetime = NOW, kind: str = "indieauth") -> PendingRow:
    return PendingRow(
        kind=kind,
        user_id=user_id,
        token_hash="ab" * 32,
        details={"me": "https://me.example/", "verifier": "v" * 50},
        expires_at=expiry(at, LIFETIME),
    )


async def test_kept_by_one_process_taken_by_the_other_once(engines: tuple[AsyncEngine, AsyncEngine]) -> None:
    one, other = PendingSignInRepository(engines[0]), PendingSignInRepository(engines[1])
    assert await one.add("state-1", row(), now=NOW, limit=100) == "added"
    assert await other.waiting("indieauth", NOW) == 1
    taken = await other.take("state-1", "indieauth", NOW + timedelta(minutes=5))
    assert taken == row()
    assert await one.take("state-1", "indieauth", NOW) is None, "a state works once"
    assert await other.take("state-1", "indieauth", NOW) is None
    assert await one.take("unknown", "indieauth", NOW) is None


async def test_only_the_state_hash_is_stored(engines: tuple[AsyncEngine, AsyncEngine]) -> None:
    await PendingSignInRepository(engines[0]).add("secret-state", row(), now=NOW, limit=100)
    async with engines[1].connect() as conn:
        [stored] = (await conn.execute(sa.select(pending_sign_ins))).all()
    assert stored.state_hash != "secret-state" and len(stored.state_hash) == 64
    assert "secret-state" not in repr(stored)


async def test_a_kind_must_match(engines: tuple[AsyncEngine, AsyncEngine]) -> None:
    repository = PendingSignInRepository(engines[0])
    await repository.add("state", row(), now=NOW, limit=100)
    assert await repository.take("state", "fediverse", NOW) is None
    assert await repository.take("state", "indieauth", NOW) is not None


async def test_expired_sign_ins_are_refused_and_dropped(engines: tuple[AsyncEngine, AsyncEngine]) -> None:
    one, other = PendingSignInRepository(engines[0]), PendingSignInRepository(engines[1])
    await one.add("old", row(), now=NOW, limit=100)
    late = NOW + timedelta(seconds=LIFETIME)
    assert await other.waiting("indieauth", late) == 0
    assert await other.take("old", "indieauth", late) is None
    await one.add("kept", row(), now=NOW, limit=100)
    await one.add("new", row(at=late), now=late, limit=100)  # drops what expired
    async with engines[0].connect() as conn:
        count = await conn.scalar(sa.select(sa.func.count()).select_from(pending_sign_ins))
    assert count == 1


async def test_no_more_than_the_limit_wait(engines: tuple[AsyncEngine, AsyncEngine]) -> None:
    one, other = PendingSignInRepository(engines[0]), PendingSignInRepository(engines[1])
    for number in range(3):
        assert await (one if number % 2 else other).add(f"s{number}", row(), now=NOW, limit=3) == "added"
    assert await one.add("s3", row(), now=NOW, limit=3) == "full"
    assert await one.add("other-kind", row(kind="fediverse"), now=NOW, limit=3) == "added", "per kind"
    assert await other.take("s0", "indieauth", NOW) is not None
    assert await one.add("s3", row(), now=NOW, limit=3) == "added"
    later = NOW + timedelta(seconds=LIFETIME + 1)
    assert await one.add("s4", row(at=later), now=later, limit=3) == "added", "expired ones no longer count"


async def test_one_waits_under_a_key(engines: tuple[AsyncEngine, AsyncEngine]) -> None:
    one, other = PendingSignInRepository(engines[0]), PendingSignInRepository(engines[1])
    assert await one.add("token", row(), now=NOW, limit=10) == "added"
    assert await other.add("token", row(), now=NOW, limit=10) == "exists"
    peeked = await other.peek("token", "indieauth", NOW)
    assert peeked is not None and peeked.failures == 0
    assert await other.peek("token", "fediverse", NOW) is None
    assert await other.peek("token", "indieauth", NOW + timedelta(seconds=LIFETIME)) is None, "expired"
    assert [await one.count_failure("token"), await other.count_failure("token")] == [1, 2]
    assert await one.count_failure("nothing") == 0
    await other.discard("token")
    assert await one.peek("token", "indieauth", NOW) is None
    later = NOW + timedelta(seconds=LIFETIME)
    assert await one.add("token", row(), now=NOW, limit=10) == "added"
    assert await other.add("token", row(at=later), now=later, limit=10) == "added", (
        "an expired one is replaced"
    )


async def test_two_processes_taking_at_once_get_it_once(engines: tuple[AsyncEngine, AsyncEngine]) -> None:
    one, other = PendingSignInRepository(engines[0]), PendingSignInRepository(engines[1])
    for attempt in range(10):
        await one.add(f"race-{attempt}", row(), now=NOW, limit=100)
        results = await asyncio.gather(
            one.take(f"race-{attempt}", "indieauth", NOW), other.take(f"race-{attempt}", "indieauth", NOW)
        )
        assert sum(result is not None for result in results) == 1
