"""Admin dashboard sessions: signed cookies, expiry, revocation (here and in other processes), CSRF
tokens, the stored secret."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from ownstream.auth.session import REVOKED_KEY, SECRET_KEY, AdminSessions
from ownstream.cluster.wire import encode_event
from ownstream.database.db import open_database
from ownstream.database.repos.config import ConfigRepository
from ownstream.events import AdminSessionRevoked, EventBus


class MemoryStore:
    """The config table's get/save/insert-if-absent, in a dict (the real one: `ConfigRepository`, below
    on SQLite and in tests/database/test_postgresql.py). Each call yields to the loop first, as a
    database round trip does, so callers gathered together interleave."""

    def __init__(self) -> None:
        self.values: dict[str, Any] = {}

    async def get(self, key: str) -> Any:
        await asyncio.sleep(0)
        return self.values.get(key)

    async def save(self, values: dict[str, Any]) -> None:
        await asyncio.sleep(0)
        self.values.update(values)

    async def insert_if_absent(self, key: str, value: Any) -> bool:
        await asyncio.sleep(0)
        if key in self.values:
            return False
        self.values[key] = value
        return True


class ManualClock:
    def __init__(self) -> None:
        self.moment = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self.moment

    def monotonic(self) -> float:
        return self.moment.timestamp()


@pytest.fixture
def store() -> MemoryStore:
    return MemoryStore()


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
async def sessions(store: MemoryStore, clock: ManualClock) -> AdminSessions:
    loaded = AdminSessions(store, clock, lifetime=timedelta(hours=1))
    await loaded.load()
    return loaded


async def test_a_session_verifies_for_its_password_only(sessions: AdminSessions) -> None:
    issued = sessions.issue("s3cret-key")
    assert sessions.verify(issued.cookie_value, "s3cret-key") == issued.session
    assert sessions.verify(issued.cookie_value, "other-key") is None
    assert issued.max_age == 3600


@pytest.mark.parametrize(
    "mangle",
    [
        lambda v: v + "x",
        lambda v: v[:-1] + ("A" if v[-1] != "A" else "B"),
        lambda v: v.replace(".", "..", 1),
        lambda v: ".".join(reversed(v.split("."))),
        lambda v: v.split(".")[0] + "." + str(int(v.split(".")[1]) + 3600) + "." + v.split(".")[2],
        lambda v: "",
        lambda v: "garbage",
    ],
)
async def test_a_tampered_cookie_is_refused(sessions: AdminSessions, mangle: Any) -> None:
    issued = sessions.issue("s3cret-key")
    assert sessions.verify(mangle(issued.cookie_value), "s3cret-key") is None


async def test_sessions_expire(sessions: AdminSessions, clock: ManualClock) -> None:
    issued = sessions.issue("s3cret-key")
    clock.moment += timedelta(minutes=59)
    assert sessions.verify(issued.cookie_value, "s3cret-key") is not None
    clock.moment += timedelta(minutes=2)
    assert sessions.verify(issued.cookie_value, "s3cret-key") is None


async def test_revoked_sessions_stay_revoked_across_a_restart(
    sessions: AdminSessions, store: MemoryStore, clock: ManualClock
) -> None:
    kept = sessions.issue("s3cret-key")
    gone = sessions.issue("s3cret-key")
    await sessions.revoke(gone.session)
    assert sessions.verify(gone.cookie_value, "s3cret-key") is None
    restarted = AdminSessions(store, clock, lifetime=timedelta(hours=1))
    await restarted.load()
    assert restarted.verify(gone.cookie_value, "s3cret-key") is None
    assert restarted.verify(kept.cookie_value, "s3cret-key") == kept.session


async def test_expired_revocations_are_forgotten(
    sessions: AdminSessions, store: MemoryStore, clock: ManualClock
) -> None:
    issued = sessions.issue("s3cret-key")
    await sessions.revoke(issued.session)
    assert issued.session.id in store.values[REVOKED_KEY]
    clock.moment += timedelta(hours=2)
    await sessions.revoke(sessions.issue("s3cret-key").session)
    assert issued.session.id not in store.values[REVOKED_KEY]


async def test_the_secret_is_created_once_and_kept(store: MemoryStore, clock: ManualClock) -> None:
    first = AdminSessions(store, clock)
    await first.load()
    secret = store.values[SECRET_KEY]
    assert len(bytes.fromhex(secret)) == 32
    issued = first.issue("s3cret-key")
    second = AdminSessions(store, clock)
    await second.load()
    assert store.values[SECRET_KEY] == secret
    assert second.verify(issued.cookie_value, "s3cret-key") == issued.session


async def test_another_servers_secret_does_not_verify(clock: ManualClock) -> None:
    one, other = AdminSessions(MemoryStore(), clock), AdminSessions(MemoryStore(), clock)
    await one.load()
    await other.load()
    assert other.verify(one.issue("k").cookie_value, "k") is None


async def test_renewing_for_a_new_password_keeps_id_and_expiry(sessions: AdminSessions) -> None:
    issued = sessions.issue("old-key-123")
    renewed = sessions.renew_for(issued.session, "new-key-456")
    assert sessions.verify(renewed.cookie_value, "new-key-456") == issued.session
    assert sessions.verify(renewed.cookie_value, "old-key-123") is None


async def test_csrf_tokens_belong_to_one_session(sessions: AdminSessions) -> None:
    one = sessions.issue("k").session
    two = sessions.issue("k").session
    token = sessions.csrf_token(one)
    assert sessions.csrf_valid(one, token)
    assert not sessions.csrf_valid(two, token)
    assert not sessions.csrf_valid(one, None)
    assert not sessions.csrf_valid(one, "")
    assert not sessions.csrf_valid(one, token[:-1])


async def test_an_empty_password_never_verifies(sessions: AdminSessions) -> None:
    issued = sessions.issue("")
    assert sessions.verify(issued.cookie_value, "") is None


async def test_processes_starting_together_on_a_fresh_store_share_one_secret(
    store: MemoryStore, clock: ManualClock
) -> None:
    """Each reads no secret, each offers one; the first stored wins and both read it back."""
    first, second = AdminSessions(store, clock), AdminSessions(store, clock)
    await asyncio.gather(first.load(), second.load())
    issued = first.issue("s3cret-key")
    assert second.verify(issued.cookie_value, "s3cret-key") == issued.session


async def test_processes_on_one_sqlite_file_share_one_secret(tmp_path: Path, clock: ManualClock) -> None:
    engine = await open_database(f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite'}")
    try:
        repository = ConfigRepository(engine)
        assert await repository.insert_if_absent("kept", 1)
        assert not await repository.insert_if_absent("kept", 2)
        assert await repository.get("kept") == 1
        first, second = AdminSessions(repository, clock), AdminSessions(repository, clock)
        await asyncio.gather(first.load(), second.load())
        issued = first.issue("s3cret-key")
        assert second.verify(issued.cookie_value, "s3cret-key") == issued.session
    finally:
        await engine.dispose()


async def test_an_unusable_stored_secret_is_replaced(store: MemoryStore, clock: ManualClock) -> None:
    store.values[SECRET_KEY] = "not hex"
    sessions = AdminSessions(store, clock)
    await sessions.load()
    assert len(bytes.fromhex(store.values[SECRET_KEY])) == 32
    assert sessions.verify(sessions.issue("k").cookie_value, "k") is not None


async def test_a_logout_reaches_the_other_processes_without_the_cookie(
    store: MemoryStore, clock: ManualClock
) -> None:
    """Two processes, each with its own bus; what A publishes is handed to B as the bridge would."""
    bus_a, bus_b = EventBus(), EventBus()
    announced: list[AdminSessionRevoked] = []
    bus_a.subscribe(AdminSessionRevoked, announced.append)
    on_a = AdminSessions(store, clock, bus=bus_a)
    on_b = AdminSessions(store, clock, bus=bus_b)
    await asyncio.gather(on_a.load(), on_b.load())
    issued = on_a.issue("s3cret-key")
    assert on_b.verify(issued.cookie_value, "s3cret-key") == issued.session
    await on_a.revoke(issued.session)
    assert announced == [AdminSessionRevoked(session_id=issued.session.id, expires=issued.session.expires)]
    mac = issued.cookie_value.rsplit(".", 1)[1]
    assert mac.encode() not in encode_event(announced[0])
    assert on_b.verify(issued.cookie_value, "s3cret-key") is not None, "not before the bus carries it"
    bus_b.deliver_from_elsewhere(announced[0])
    assert on_b.verify(issued.cookie_value, "s3cret-key") is None
    # B's own logout later keeps A's in the store (merged, not overwritten).
    await on_b.revoke(on_b.issue("s3cret-key").session)
    assert issued.session.id in store.values[REVOKED_KEY]


async def test_stored_revocations_are_merged_not_overwritten(store: MemoryStore, clock: ManualClock) -> None:
    """Without a bus between them (or one down), a logout stored by one process survives another's."""
    one, other = AdminSessions(store, clock), AdminSessions(store, clock)
    await asyncio.gather(one.load(), other.load())
    first, second = one.issue("k"), other.issue("k")
    await one.revoke(first.session)
    await other.revoke(second.session)
    restarted = AdminSessions(store, clock)
    await restarted.load()
    assert restarted.verify(first.cookie_value, "k") is None
    assert restarted.verify(second.cookie_value, "k") is None
