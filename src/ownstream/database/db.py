"""Opening the database named by `Settings.database_url`: migrations first (Alembic, in a thread), then
the async engine.

SQLite runs in WAL mode with one writer, its migrations on the standard library's driver. PostgreSQL is
reached through asyncpg only, the migrations too (on their own event loop in the migration thread), so
no second driver is needed. What only makes sense for an SQLite file (the lock file, backups, restore)
asks `sqlite_file`.
"""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, NullPool, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

MIGRATIONS = Path(__file__).with_name("migrations")


def sqlite_file(url: str) -> Path | None:
    """The file of an SQLite URL; None for another engine (or an in-memory SQLite database)."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        return None
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def describe_database(url: str) -> str:
    """How to name the database to the operator: the file, or the URL without its password."""
    path = sqlite_file(url)
    if path is not None:
        return str(path)
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "the configured database URL"


def _sync_url(async_url: str) -> str:
    return async_url.replace("+aiosqlite", "")


def alembic_config(async_url: str) -> AlembicConfig:
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", _sync_url(async_url))
    cfg.attributes["configure_logger"] = False
    return cfg


def migrate(async_url: str) -> None:
    """Bring the database to the newest schema. Blocking: call it in a thread."""
    if make_url(async_url).get_backend_name() == "sqlite":
        command.upgrade(alembic_config(async_url), "head")
    else:
        asyncio.run(_migrate_async(async_url))


async def _migrate_async(async_url: str) -> None:
    """Alembic on an async driver's connection (migrations/env.py uses the connection it is handed)."""
    engine = create_async_engine(async_url, poolclass=NullPool)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(_upgrade_on, async_url)
    finally:
        await engine.dispose()


MIGRATION_LOCK = 0x6F776E73
"""The PostgreSQL advisory lock held while migrating: processes starting together (several boxes, one
deploy) migrate one after the other; the later ones find the schema current."""


def _upgrade_on(connection: Connection, async_url: str) -> None:
    connection.execute(sa.select(sa.func.pg_advisory_xact_lock(MIGRATION_LOCK)))
    cfg = alembic_config(async_url)
    cfg.attributes["connection"] = connection
    command.upgrade(cfg, "head")


def schema_revisions() -> frozenset[str]:
    """Every schema revision this version knows (a backup from a newer version has another one)."""
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    return frozenset(revision.revision for revision in script.walk_revisions())


def probe_writable(path: Path) -> None:
    """Raise `sqlite3.Error` unless the database can be written (a read-only file, folder or mount
    would otherwise only show at the first write, long after start-up)."""
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.execute("BEGIN IMMEDIATE")
        version = int(connection.execute("PRAGMA user_version").fetchone()[0])
        connection.execute(f"PRAGMA user_version = {version}")
        connection.execute("ROLLBACK")
    finally:
        connection.close()


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


async def open_database(async_url: str) -> AsyncEngine:
    """Create an SQLite file's folder, apply migrations, and return a ready engine."""
    path = sqlite_file(async_url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    await asyncio.to_thread(migrate, async_url)
    if path is not None:
        await asyncio.to_thread(probe_writable, path)
        # One connection, so SQLite writes queue in order here instead of racing for the file lock
        # ("database is locked" under load); WAL readers gain little at this scale.
        engine = create_async_engine(async_url, pool_size=1, max_overflow=0, pool_timeout=60)
    else:
        # pool_pre_ping: a server restarted (or a connection a proxy dropped) costs a reconnect, not an
        # error on the next request.
        engine = create_async_engine(async_url, pool_size=10, max_overflow=10, pool_pre_ping=True)
    if engine.dialect.name == "sqlite":
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
    return engine
