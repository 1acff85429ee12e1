"""Hourly online backups of the SQLite database into `<datadir>/backup/`, kept for 7 days.

SQLite only, by nature: the copy is of the database file. With a database server (`--database-url`) no
backups are taken here; the server's own tools (`pg_dump`) do that job, and the log says so at start.

SQLite's online backup API copies a consistent snapshot while the server keeps writing (WAL readers do
not block the writer). The copy is gzipped (chat and config compress about 5:1) and named by its UTC time,
`ownstream-20260102T030405Z.db.gz`; `ownstream restore FILE` takes it back. All file work runs in a thread.
"""

from __future__ import annotations

import asyncio
import gzip
import logging
import os
import re
import shutil
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from ownstream.clock import PeriodicTimer
from ownstream.database.db import describe_database, sqlite_file

log = logging.getLogger(__name__)

NAME_PATTERN = re.compile(r"^ownstream-(\d{8}T\d{6}Z)\.db\.gz$")
TIME_FORMAT = "%Y%m%dT%H%M%SZ"


def backup_name(moment: datetime) -> str:
    return f"ownstream-{moment.astimezone(UTC).strftime(TIME_FORMAT)}.db.gz"


def backup_time(path: Path) -> datetime | None:
    """When a backup was taken, from its name; None for files that are not our backups."""
    match = NAME_PATTERN.match(path.name)
    if match is None:
        return None
    return datetime.strptime(match.group(1), TIME_FORMAT).replace(tzinfo=UTC)


def copy_database(source: Path, target: Path) -> None:
    """A consistent copy of the database at `source` (it may be in use) into a new file at `target`."""
    reader = sqlite3.connect(source)
    try:
        writer = sqlite3.connect(target)
        try:
            reader.backup(writer)
        finally:
            writer.close()
    finally:
        reader.close()


def write_backup(database: Path, backup_dir: Path, moment: datetime) -> Path:
    """Copy and gzip the database; the file appears under its final name only when complete."""
    backup_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    final = backup_dir / backup_name(moment)
    snapshot = backup_dir / f".{final.name}.snapshot"
    compressing = backup_dir / f".{final.name}.partial"
    try:
        copy_database(database, snapshot)
        with snapshot.open("rb") as plain, gzip.open(compressing, "wb", compresslevel=6) as packed:
            shutil.copyfileobj(plain, packed, 1024 * 1024)
        os.replace(compressing, final)
    finally:
        snapshot.unlink(missing_ok=True)
        compressing.unlink(missing_ok=True)
    return final


def prune_backups(backup_dir: Path, now: datetime, retention: timedelta) -> list[Path]:
    """Delete our backups older than `retention`; other files in the folder are left alone."""
    removed: list[Path] = []
    if not backup_dir.is_dir():
        return removed
    for path in sorted(backup_dir.iterdir()):
        taken = backup_time(path)
        if taken is not None and now - taken > retention:
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed


class DatabaseBackups:
    """Owns the backup timer. The first backup is taken one interval after start."""

    def __init__(
        self,
        database_url: str,
        backup_dir: Path,
        now: Callable[[], datetime],
        *,
        interval: float,
        retention: float,
    ) -> None:
        self._database_url = database_url
        self._database = sqlite_file(database_url)
        self._backup_dir = backup_dir
        self._now = now
        self._retention = timedelta(seconds=retention)
        self._timer = PeriodicTimer("database-backup", interval, self._scheduled)
        self._failing = False

    def start(self) -> None:
        if self._database is None:
            log.info(
                "no database backups into %s: they are taken of an SQLite file, and %s is not one "
                "(back it up with its own tools)",
                self._backup_dir,
                describe_database(self._database_url),
            )
            return
        self._timer.start()

    async def stop(self) -> None:
        await self._timer.stop()

    async def _scheduled(self) -> None:
        await self.back_up()

    async def back_up(self) -> Path | None:
        """A new backup, or None (logged) when there is none."""
        database = self._database
        if database is None:
            return None
        moment = self._now()
        try:
            path = await asyncio.to_thread(write_backup, database, self._backup_dir, moment)
            removed = await asyncio.to_thread(prune_backups, self._backup_dir, moment, self._retention)
        except (OSError, sqlite3.Error) as error:
            # Once per failing stretch: a full disk would otherwise warn every hour in the same words.
            if not self._failing:
                log.warning("database backup into %s failed: %s", self._backup_dir, error)
            self._failing = True
            return None
        self._failing = False
        log.info("database backed up to %s", path)
        if removed:
            log.info("deleted %d database backup(s) older than %s", len(removed), self._retention)
        return path
