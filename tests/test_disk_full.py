"""Recognising a full disk in the errors the drivers raise, and reporting it once a minute."""

from __future__ import annotations

import errno
import logging
import sqlite3

import pytest
from sqlalchemy.exc import IntegrityError, OperationalError

from ownstream.disk_full import DiskFullReporter, is_disk_full


class FakePostgresDiskFull(Exception):
    """asyncpg's DiskFullError carries SQLSTATE 53100 as `sqlstate` (asyncpg is not installed here)."""

    sqlstate = "53100"


def sqlite_full() -> sqlite3.OperationalError:
    return sqlite3.OperationalError("database or disk is full")


def chained(error: Exception) -> Exception:
    try:
        try:
            raise error
        except Exception as inner:
            raise RuntimeError("while saving") from inner
    except RuntimeError as outer:
        return outer


@pytest.mark.parametrize(
    "error",
    [
        OSError(errno.ENOSPC, "No space left on device"),
        OSError(errno.EDQUOT, "Disk quota exceeded"),
        sqlite_full(),
        OperationalError("INSERT INTO users …", {}, sqlite_full()),
        OperationalError("INSERT …", {}, FakePostgresDiskFull()),
        chained(OSError(errno.ENOSPC, "No space left on device")),
    ],
)
def test_full_disks(error: Exception) -> None:
    assert is_disk_full(error)


@pytest.mark.parametrize(
    "error",
    [
        OSError(errno.EACCES, "Permission denied"),
        sqlite3.OperationalError("database is locked"),
        OperationalError("SELECT …", {}, sqlite3.OperationalError("no such table: users")),
        IntegrityError("INSERT …", {}, sqlite3.IntegrityError("UNIQUE constraint failed")),
        ValueError("nope"),
    ],
)
def test_other_failures(error: Exception) -> None:
    assert not is_disk_full(error)


def test_one_line_a_minute_counting_the_rest(caplog: pytest.LogCaptureFixture) -> None:
    now = [100.0]
    reporter = DiskFullReporter(logging.getLogger("test.disk"), monotonic=lambda: now[0])
    error = OperationalError("INSERT INTO users VALUES ('secret-token')", {}, sqlite_full())
    with caplog.at_level(logging.WARNING, logger="test.disk"):
        for _ in range(80):  # 80 requests in 40 s: one line
            reporter.report("POST /api/chat/register", error)
            now[0] += 0.5
        now[0] += 20  # a minute after the first line
        reporter.report("POST /api/chat/register", error)
    lines = [record.getMessage() for record in caplog.records]
    assert lines == [
        "the disk is full: POST /api/chat/register failed (OperationalError: database or disk is full); "
        "free some space",
        "the disk is full: POST /api/chat/register failed (OperationalError: database or disk is full) "
        "(79 more since the last report); free some space",
    ]
    assert not any(record.exc_info for record in caplog.records)
    assert "secret-token" not in caplog.text  # the driver's error, not SQLAlchemy's text with parameters
