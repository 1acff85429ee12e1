"""Insert-or-update in SQL every engine speaks, and no engine-specific SQL anywhere else in `database/`."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa

import ownstream.database
from ownstream.database.db import open_database
from ownstream.database.schema import config
from ownstream.database.upsert import upsert

STORE = Path(ownstream.database.__file__).parent
SQLITE_BY_NATURE = {"db.py", "backup.py", "restore.py", "lock.py", "migrations/env.py"}
"""Setting the engine up (pragmas, for the server and for migrations), and the backup and restore of an
SQLite file, which say so."""
ENGINE_SPECIFIC = re.compile(
    r"dialects\.sqlite|dialects\.postgresql|on_conflict|INSERT OR|ON DUPLICATE|PRAGMA|sqlite_master",
    re.IGNORECASE,
)


async def test_upsert_inserts_then_updates_the_matching_row(tmp_path: Path) -> None:
    engine = await open_database(f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite'}")
    now = datetime.now(UTC)
    async with engine.begin() as conn:
        await upsert(conn, config, {"key": "a", "value": 1, "updated_at": now}, keys=["key"])
        await upsert(conn, config, {"key": "b", "value": [1], "updated_at": now}, keys=["key"])
        await upsert(conn, config, {"key": "a", "value": {"x": 2}, "updated_at": now}, keys=["key"])
    async with engine.connect() as conn:
        rows = {key: value for key, value in await conn.execute(sa.select(config.c.key, config.c.value))}
    assert rows == {"a": {"x": 2}, "b": [1]}
    await engine.dispose()


def test_no_engine_specific_sql_outside_the_engine_setup_and_the_sqlite_file_tools() -> None:
    offenders = []
    for path in sorted(STORE.rglob("*.py")):
        if str(path.relative_to(STORE)) in SQLITE_BY_NATURE:
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if ENGINE_SPECIFIC.search(line):
                offenders.append(f"{path.relative_to(STORE)}:{number}: {line.strip()}")
    assert offenders == []
