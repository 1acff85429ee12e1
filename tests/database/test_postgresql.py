"""The database layer on a real PostgreSQL (Debian's, started by the test run or by this module): the
migrations build the schema `schema.py` declares, processes starting together migrate one at a time,
two writers upserting the same new key both succeed, and processes starting together on a fresh database
share one admin session secret."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from ownstream.auth.session import AdminSessions
from ownstream.clock import SystemClock
from ownstream.database.db import open_database
from ownstream.database.repos.config import ConfigRepository
from ownstream.database.schema import config, metadata
from ownstream.database.upsert import upsert
from tests.e2e.cli_process import cli_server
from tests.harness import admin_auth
from tests.postgres import POSTGRES_URL_ENV, PostgresServer, database_url_for, postgres_bin_dir


@pytest.fixture(scope="module")
def admin_url() -> Iterator[str]:
    """The run's PostgreSQL (`--database-engine postgresql`), or one started for this module."""
    running = os.environ.get(POSTGRES_URL_ENV)
    if running:
        yield running
        return
    bin_dir = postgres_bin_dir()
    assert bin_dir is not None, "Debian's postgresql package is a test dependency (scripts/system-deps.sh)"
    server = PostgresServer(bin_dir)
    server.start()
    try:
        yield server.admin_url
    finally:
        server.stop()


@pytest.fixture
def url(admin_url: str, tmp_path: Path) -> str:
    return database_url_for(admin_url, tmp_path, empty=True)


async def _columns(engine: AsyncEngine) -> dict[str, set[str]]:
    def read(connection: sa.Connection) -> dict[str, set[str]]:
        inspector = sa.inspect(connection)
        return {
            table: {column["name"] for column in inspector.get_columns(table)}
            for table in inspector.get_table_names()
        }

    async with engine.connect() as connection:
        return await connection.run_sync(read)


async def test_the_migrations_build_the_declared_schema(url: str) -> None:
    engine = await open_database(url)
    try:
        found = await _columns(engine)
        declared = {table.name: {column.name for column in table.columns} for table in metadata.sorted_tables}
        assert {name: columns for name, columns in found.items() if name != "alembic_version"} == declared
        repository = ConfigRepository(engine)
        await repository.save({"a": 1, "b": {"nested": [1, 2]}})
        await repository.save({"a": 2})
        assert await repository.load_all() == {"a": 2, "b": {"nested": [1, 2]}}
    finally:
        await engine.dispose()


async def test_processes_starting_together_migrate_one_after_the_other(url: str) -> None:
    engines = await asyncio.gather(*(open_database(url) for _ in range(3)))
    try:
        async with engines[0].connect() as connection:
            versions = (await connection.exec_driver_sql("SELECT version_num FROM alembic_version")).all()
        assert len(versions) == 1
    finally:
        for engine in engines:
            await engine.dispose()


async def test_two_writers_inserting_the_same_new_key_both_succeed(url: str) -> None:
    engine = await open_database(url)
    now = datetime.now(UTC)
    try:
        async with engine.connect() as first, engine.connect() as second:
            await first.begin()
            await upsert(first, config, {"key": "raced", "value": "first", "updated_at": now}, keys=["key"])

            async def second_writer() -> None:
                async with second.begin():
                    values = {"key": "raced", "value": "second", "updated_at": now}
                    await upsert(second, config, values, keys=["key"])

            # The second insert waits on the first's uncommitted row, then collides with it on commit.
            racing = asyncio.create_task(second_writer())
            await asyncio.sleep(0.3)
            assert not racing.done()
            await first.commit()
            await racing
        async with engine.connect() as connection:
            rows = (await connection.execute(sa.select(config.c.value).where(config.c.key == "raced"))).all()
        assert [row.value for row in rows] == ["second"]
    finally:
        await engine.dispose()


async def test_processes_starting_together_share_one_session_secret(url: str) -> None:
    """Two processes' session stores on a fresh database, each on its own connection pool, load at once:
    each may find no secret and offer its own, one insert wins, and both sign with the winner's."""
    engines = await asyncio.gather(open_database(url), open_database(url))
    try:
        repositories = [ConfigRepository(engine) for engine in engines]
        assert await repositories[0].insert_if_absent("kept", {"v": 1})
        assert not await repositories[1].insert_if_absent("kept", {"v": 2})
        assert await repositories[1].get("kept") == {"v": 1}
        clock = SystemClock()
        first, second = (AdminSessions(repository, clock) for repository in repositories)
        await asyncio.gather(first.load(), second.load())
        issued = first.issue("s3cret-key")
        assert second.verify(issued.cookie_value, "s3cret-key") == issued.session
    finally:
        for engine in engines:
            await engine.dispose()


async def test_two_server_processes_share_one_postgresql(url: str, tmp_path: Path) -> None:
    """`ownstream` started twice by `OWNSTREAM_DATABASE_URL` (a `postgresql://` URL, no driver named):
    both start on the one database (no lock file as with SQLite), and a setting saved through one is
    what the other loads when it starts again."""
    plain_url = url.replace("postgresql+asyncpg://", "postgresql://")
    environment = {"OWNSTREAM_DATABASE_URL": plain_url}
    async with (
        cli_server(tmp_path / "a", env=environment) as first,
        cli_server(tmp_path / "b", env=environment) as second,
        aiohttp.ClientSession() as http,
    ):
        async with http.post(
            first.base_url + "/api/admin/config/name", json={"value": "Shared"}, headers=admin_auth()
        ) as response:
            assert response.status == 200, await response.text()
        assert await second.stop() == 0
    async with (
        cli_server(tmp_path / "b", env=environment) as again,
        aiohttp.ClientSession() as http,
        http.get(again.base_url + "/api/config") as response,
    ):
        assert (await response.json())["name"] == "Shared"
    assert not (tmp_path / "a" / "ownstream.db").exists()
