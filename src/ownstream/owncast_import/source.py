"""Reading an Owncast data directory: its `owncast.db` (0.0.11's schema and the newer ones, reference §4
and newer-api §15), the logo and the custom emoji.

Blocking code, for the `ownstream import-owncast` command only. The database is first copied through
SQLite's backup API into a scratch folder, so a write-ahead log next to it is taken in and the original
is never opened for writing.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ownstream.database.backup import copy_database
from ownstream.owncast_import.gob import GobError, decode_gob

DATABASE_NAME = "owncast.db"
ROW_BATCH = 5_000

_TIMESTAMP = re.compile(
    r"^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(?:\.(\d+))?\s*(Z|[+-]\d{2}:?\d{2})?(?:\s.*)?$"
)


class SourceError(Exception):
    """The given path is not a readable Owncast data directory or database."""


def parse_timestamp(value: Any) -> datetime | None:
    """A timestamp as Owncast's SQLite driver stores it (`2006-01-02 15:04:05.999999999-07:00`, or
    SQLite's `CURRENT_TIMESTAMP` text in UTC), as aware UTC; None when absent or unreadable."""
    if value is None or value == "":
        return None
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value, UTC)
    if isinstance(value, bytes):
        value = value.decode("utf-8", errors="replace")
    match = _TIMESTAMP.match(str(value).strip())
    if match is None:
        return None
    day, clock, fraction, zone = match.groups()
    micros = (fraction or "")[:6].ljust(6, "0")
    offset = "+00:00" if zone in (None, "Z") else zone if ":" in zone else f"{zone[:3]}:{zone[3:]}"
    try:
        moment = datetime.fromisoformat(f"{day}T{clock}.{micros}{offset}")
    except ValueError:
        return None
    if moment.year <= 1:
        return None  # Go's zero time: "never"
    return moment.astimezone(UTC)


def comma_list(value: Any) -> list[str]:
    """Owncast's comma-separated columns (`previous_names`, `scopes`, `events`)."""
    if value is None:
        return []
    return [item for item in str(value).split(",") if item]


@dataclass(frozen=True)
class OwncastPaths:
    database: Path
    data_dir: Path
    install_dir: Path
    """The folder Owncast ran in (0.0.11 kept custom emoji under its `webroot/`)."""


def locate(path: Path) -> OwncastPaths:
    """Accept the database file, Owncast's `data/` folder, or the folder Owncast ran in."""
    if path.is_file():
        data_dir = path.resolve().parent
        return OwncastPaths(path, data_dir, data_dir.parent)
    for data_dir in (path, path / "data"):
        if (data_dir / DATABASE_NAME).is_file():
            resolved = data_dir.resolve()
            return OwncastPaths(data_dir / DATABASE_NAME, resolved, resolved.parent)
    if not path.exists():
        raise SourceError(f"{path} does not exist")
    raise SourceError(f"no {DATABASE_NAME} in {path} or {path / 'data'}")


@dataclass
class Datastore:
    values: dict[str, Any]
    unreadable: list[str]
    """Keys whose value could not be decoded (reported, not imported)."""


class OwncastDatabase:
    """An open copy of an Owncast database."""

    def __init__(self, paths: OwncastPaths, scratch: Path) -> None:
        self.paths = paths
        copy = scratch / "owncast-copy.db"
        try:
            copy_database(paths.database, copy)
            # Read from worker threads (one at a time) while the writes run on the event loop.
            self._connection = sqlite3.connect(copy, check_same_thread=False)
            self._connection.row_factory = sqlite3.Row
            self.tables = frozenset(
                row[0]
                for row in self._connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
            )
        except sqlite3.Error as error:
            raise SourceError(f"{paths.database} is not a readable SQLite database ({error})") from None
        if "datastore" not in self.tables or "users" not in self.tables:
            raise SourceError(f"{paths.database} is not an Owncast database (no datastore or users table)")

    def close(self) -> None:
        self._connection.close()

    def columns(self, table: str) -> frozenset[str]:
        return frozenset(row[1] for row in self._connection.execute(f'PRAGMA table_info("{table}")'))

    @property
    def schema_version(self) -> int | None:
        if "config" not in self.tables:
            return None
        row = self._connection.execute("SELECT value FROM config WHERE key = 'version'").fetchone()
        try:
            return int(row[0]) if row is not None else None
        except (TypeError, ValueError):
            return None

    def datastore(self) -> Datastore:
        values: dict[str, Any] = {}
        unreadable: list[str] = []
        for row in self._connection.execute("SELECT key, value FROM datastore ORDER BY key"):
            key, blob = str(row[0]), row[1]
            if blob is None:
                continue
            try:
                values[key] = decode_gob(bytes(blob) if not isinstance(blob, str) else blob.encode("latin-1"))
            except (GobError, UnicodeEncodeError):
                unreadable.append(key)
        return Datastore(values, unreadable)

    def _rows(self, sql: str) -> Iterator[list[sqlite3.Row]]:
        cursor = self._connection.execute(sql)
        while batch := cursor.fetchmany(ROW_BATCH):
            yield batch

    def user_tokens(self) -> dict[str, str]:
        """Each user's newest access token: the `users.access_token` column (0.0.11) or the
        `user_access_tokens` table (0.1 and later)."""
        tokens: dict[str, str] = {}
        if "access_token" in self.columns("users"):
            for row in self._connection.execute("SELECT id, access_token FROM users"):
                if row[1]:
                    tokens[str(row[0])] = str(row[1])
        if "user_access_tokens" in self.tables:
            query = "SELECT user_id, token FROM user_access_tokens ORDER BY timestamp"
            for row in self._connection.execute(query):
                if row[1]:
                    tokens[str(row[0])] = str(row[1])
        return tokens

    def users(self) -> Iterator[list[sqlite3.Row]]:
        return self._rows("SELECT * FROM users")

    def messages(self) -> Iterator[list[sqlite3.Row]]:
        return self._rows("SELECT * FROM messages" if "messages" in self.tables else "SELECT 1 WHERE 0")

    def table(self, name: str) -> Iterator[list[sqlite3.Row]]:
        return self._rows(f'SELECT * FROM "{name}"' if name in self.tables else "SELECT 1 WHERE 0")
