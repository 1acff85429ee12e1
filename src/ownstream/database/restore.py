"""`ownstream restore FILE`: put a backup back as the configured database (Owncast 0.0.11's
`-restoreDatabase`), with the server stopped.

The file (gzipped, as the hourly backups are, or a plain SQLite file) must pass `PRAGMA integrity_check`
and carry a schema revision this version knows. The database it replaces is kept as
`<database>.before-restore`. Pages are copied with SQLite's backup API, so a write-ahead log left by the
old database is applied or discarded by SQLite itself, never mixed with the restored pages.

SQLite only, by nature: with a database server (`--database-url`) the restore is refused, naming the
server's own tools.
"""

from __future__ import annotations

import gzip
import shutil
import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ownstream.database.backup import copy_database
from ownstream.database.db import describe_database, schema_revisions, sqlite_file
from ownstream.database.lock import DatabaseInUse, DatabaseLock

GZIP_MAGIC = b"\x1f\x8b"
REQUIRED_TABLES = ("alembic_version", "config")


class RestoreError(Exception):
    """Why nothing was restored; the text is the whole message for the operator."""


@dataclass(frozen=True)
class Restored:
    database: Path
    previous: Path | None
    """Where the replaced database was kept (None when there was none)."""
    revision: str


def _working_copy(backup: Path, scratch: Path) -> Path:
    """The backup as a plain SQLite file in `scratch`: unpacked when gzipped, else copied through SQLite
    (which also takes in a write-ahead log lying next to a plain file)."""
    with backup.open("rb") as file:
        magic = file.read(2)
    copy = scratch / "restoring.db"
    if magic == GZIP_MAGIC:
        try:
            with gzip.open(backup, "rb") as packed, copy.open("wb") as out:
                shutil.copyfileobj(packed, out, 1024 * 1024)
        except (OSError, EOFError) as error:
            raise RestoreError(f"{backup} is not a readable gzip file ({error})") from None
        return copy
    try:
        copy_database(backup, copy)
    except sqlite3.Error as error:
        raise RestoreError(f"{backup} is not an SQLite database ({error})") from None
    return copy


def check_backup(path: Path, label: Path) -> str:
    """The schema revision of a valid Ownstream database at `path`, else `RestoreError` (naming `label`)."""
    try:
        connection = sqlite3.connect(path)
    except sqlite3.Error as error:
        raise RestoreError(f"{label} cannot be opened: {error}") from None
    try:
        rows = connection.execute("PRAGMA integrity_check").fetchall()
        if rows != [("ok",)]:
            raise RestoreError(f"{label} is damaged: {rows[0][0] if rows else 'no answer'}")
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        missing = [name for name in REQUIRED_TABLES if name not in tables]
        if missing:
            raise RestoreError(f"{label} is not an Ownstream database (no {missing[0]} table)")
        found = connection.execute("SELECT version_num FROM alembic_version").fetchall()
    except sqlite3.DatabaseError as error:
        raise RestoreError(f"{label} is not an SQLite database ({error})") from None
    finally:
        connection.close()
    if len(found) != 1:
        raise RestoreError(f"{label} is not an Ownstream database (no schema revision)")
    revision = str(found[0][0])
    if revision not in schema_revisions():
        raise RestoreError(
            f"{label} has schema revision {revision}, unknown to this version (made by a newer Ownstream?)"
        )
    return revision


def restore_into(backup: Path, database_url: str) -> Restored:
    """Restore `backup` into the database the settings name, which must be an SQLite file."""
    database = sqlite_file(database_url)
    if database is None:
        raise RestoreError(
            f"the configured database is {describe_database(database_url)}, not an SQLite file: backups "
            "and restore are for SQLite files; restore a database server with its own tools"
        )
    return restore_database(backup, database)


def restore_database(backup: Path, database: Path) -> Restored:
    if not backup.is_file():
        raise RestoreError(f"{backup} is not a file")
    lock = DatabaseLock(database)
    with tempfile.TemporaryDirectory(prefix="ownstream-restore-") as scratch:
        plain = _working_copy(backup, Path(scratch))
        revision = check_backup(plain, backup)
        try:
            database.parent.mkdir(parents=True, exist_ok=True)
            lock.acquire()
        except DatabaseInUse:
            raise RestoreError(f"the server is running on {database}: stop it, then restore") from None
        except OSError as error:
            raise RestoreError(f"{database} cannot be written ({error.strerror or error})") from None
        try:
            previous = None
            if database.exists():
                previous = database.with_name(database.name + ".before-restore")
                previous.unlink(missing_ok=True)
                copy_database(database, previous)
            copy_database(plain, database)
        except (OSError, sqlite3.Error) as error:
            raise RestoreError(f"restoring into {database} failed: {error}") from None
        finally:
            lock.release()
    return Restored(database=database, previous=previous, revision=revision)
