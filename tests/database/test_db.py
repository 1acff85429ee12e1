import sqlite3
from pathlib import Path

from ownstream.database.db import open_database
from ownstream.database.repos.config import ConfigRepository


async def test_migrations_create_tables_in_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "ownstream.db"
    engine = await open_database(f"sqlite+aiosqlite:///{path}")
    repo = ConfigRepository(engine)
    await repo.save({"a": 1, "b": {"nested": [1, 2]}})
    await repo.save({"a": 2})
    assert await repo.load_all() == {"a": 2, "b": {"nested": [1, 2]}}
    await engine.dispose()

    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]


async def test_reopening_applies_no_migration_twice(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'x.db'}"
    engine = await open_database(url)
    await ConfigRepository(engine).save({"kept": "yes"})
    await engine.dispose()
    engine = await open_database(url)
    assert await ConfigRepository(engine).load_all() == {"kept": "yes"}
    await engine.dispose()
