"""Database backups (`store/backup.py`) and their checks before a restore (`store/restore.py`)."""

from __future__ import annotations

import gzip
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from ownstream.store.backup import backup_name, backup_time, prune_backups, write_backup
from ownstream.store.db import migrate, schema_revisions
from ownstream.store.lock import DatabaseLock
from ownstream.store.restore import RestoreError, check_backup, restore_database

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
