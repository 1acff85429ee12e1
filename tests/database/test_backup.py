"""Database backups (`database/backup.py`) and their checks before a restore (`database/restore.py`)."""

from __future__ import annotations

import gzip
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from ownstream.database.backup import DatabaseBackups, backup_name, backup_time, prune_backups, write_backup
from ownstream.database.db import describe_database, migrate, schema_revisions, sqlite_file
from ownstream.database.lock import DatabaseLock
from ownstream.database.restore import RestoreError, check_backup, restore_database, restore_into

SERVER_URL = "postgresql+asyncpg://ownstream:s3cret@db.internal/ownstream"

MOMENT = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


def make_database(path: Path, name: str = "Ownstream") -> Path:
    migrate(f"sqlite+aiosqlite:///{path}")
    with sqlite3.connect(path) as connection:
        connection.execute(
            "INSERT INTO config (key, value, updated_at) VALUES ('server_name', ?, '2026-01-01')",
            (f'"{name}"',),
        )
    return path


def stored_name(path: Path) -> str:
    with sqlite3.connect(path) as connection:
        return str(connection.execute("SELECT value FROM config WHERE key = 'server_name'").fetchone()[0])


def test_a_backup_is_a_gzipped_copy_named_by_its_time(tmp_path: Path) -> None:
    database = make_database(tmp_path / "ownstream.db")
    path = write_backup(database, tmp_path / "backup", MOMENT)
    assert path.name == "ownstream-20260102T030405Z.db.gz" == backup_name(MOMENT)
    assert backup_time(path) == MOMENT
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]  # no partial files left
    plain = tmp_path / "plain.db"
    plain.write_bytes(gzip.decompress(path.read_bytes()))
    assert stored_name(plain) == '"Ownstream"'
    assert check_backup(plain, path) in schema_revisions()


def test_old_backups_are_pruned_and_other_files_kept(tmp_path: Path) -> None:
    folder = tmp_path / "backup"
    folder.mkdir()
    names = [backup_name(MOMENT - timedelta(days=days)) for days in (0, 6, 8, 30)]
    for name in [*names, "notes.txt"]:
        (folder / name).write_bytes(b"x")
    removed = prune_backups(folder, MOMENT, timedelta(days=7))
    assert sorted(p.name for p in removed) == sorted(names[2:])
    assert sorted(p.name for p in folder.iterdir()) == sorted([*names[:2], "notes.txt"])


def test_restore_refuses_what_is_not_an_ownstream_database(tmp_path: Path) -> None:
    database = make_database(tmp_path / "ownstream.db", "Current")
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"this is not SQLite at all" * 100)
    with pytest.raises(RestoreError, match="not an SQLite database"):
        restore_database(garbage, database)
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as connection:
        connection.execute("CREATE TABLE things (a)")
    with pytest.raises(RestoreError, match="not an Ownstream database"):
        restore_database(other, database)
    newer = make_database(tmp_path / "newer.db")
    with sqlite3.connect(newer) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999'")
    with pytest.raises(RestoreError, match="schema revision 9999"):
        restore_database(newer, database)
    truncated = tmp_path / "truncated.db.gz"
    truncated.write_bytes(gzip.compress(make_database(tmp_path / "whole.db").read_bytes())[:200])
    with pytest.raises(RestoreError):
        restore_database(truncated, database)
    assert stored_name(database) == '"Current"'  # nothing changed
    assert not (tmp_path / "ownstream.db.before-restore").exists()


def test_restore_keeps_the_replaced_database(tmp_path: Path) -> None:
    database = make_database(tmp_path / "ownstream.db", "Current")
    backup = write_backup(make_database(tmp_path / "old.db", "Old"), tmp_path / "backup", MOMENT)
    restored = restore_database(backup, database)
    assert stored_name(database) == '"Old"'
    assert restored.previous == tmp_path / "ownstream.db.before-restore"
    assert stored_name(restored.previous) == '"Current"'


def test_restore_refuses_while_the_database_is_in_use(tmp_path: Path) -> None:
    database = make_database(tmp_path / "ownstream.db", "Current")
    backup = write_backup(make_database(tmp_path / "old.db", "Old"), tmp_path / "backup", MOMENT)
    lock = DatabaseLock(database)
    lock.acquire()
    try:
        with pytest.raises(RestoreError, match="the server is running"):
            restore_database(backup, database)
    finally:
        lock.release()
    assert stored_name(database) == '"Current"'


def test_the_sqlite_file_is_read_from_the_database_url(tmp_path: Path) -> None:
    assert sqlite_file(f"sqlite+aiosqlite:///{tmp_path / 'x.db'}") == tmp_path / "x.db"
    assert sqlite_file("sqlite+aiosqlite:///relative/x.db") == Path("relative/x.db")
    assert sqlite_file("sqlite+aiosqlite://") is None
    assert sqlite_file(SERVER_URL) is None
    assert describe_database(SERVER_URL) == "postgresql+asyncpg://ownstream:***@db.internal/ownstream"


async def test_no_backups_of_a_database_server(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("INFO")
    backups = DatabaseBackups(SERVER_URL, tmp_path / "backup", lambda: MOMENT, interval=0.01, retention=60.0)
    backups.start()
    assert await backups.back_up() is None
    await backups.stop()
    assert not (tmp_path / "backup").exists()
    assert "they are taken of an SQLite file" in caplog.text and "s3cret" not in caplog.text


async def test_backups_follow_the_database_url(tmp_path: Path) -> None:
    database = make_database(tmp_path / "own.db")
    backups = DatabaseBackups(
        f"sqlite+aiosqlite:///{database}", tmp_path / "backup", lambda: MOMENT, interval=3600, retention=60.0
    )
    path = await backups.back_up()
    assert path is not None and path.name == backup_name(MOMENT)


def test_restore_refuses_a_database_server(tmp_path: Path) -> None:
    backup = write_backup(make_database(tmp_path / "own.db"), tmp_path / "backup", MOMENT)
    with pytest.raises(RestoreError) as refused:
        restore_into(backup, SERVER_URL)
    message = str(refused.value)
    assert "not an SQLite file" in message and "its own tools" in message and "s3cret" not in message
    target = tmp_path / "restored.db"
    assert restore_into(backup, f"sqlite+aiosqlite:///{target}").database == target
