"""Telling "the disk is full" apart from other failures, and reporting it without flooding the log.

A full disk is an operating condition, not a bug: requests that need to write answer 503, a chat sender
is told, and the log gets one line a minute instead of a traceback per request.
"""

from __future__ import annotations

import errno
import logging
import sqlite3
import time
from collections.abc import Callable

DISK_FULL_MESSAGE = "the server's disk is full; try again later"
"""What a client is told (in the endpoint's own error shape, with status 503)."""

_FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT})
_POSTGRES_DISK_FULL = "53100"
_SQLITE_FULL_TEXT = "database or disk is full"


def is_disk_full(error: BaseException) -> bool:
    """ENOSPC/EDQUOT, SQLite's SQLITE_FULL or PostgreSQL's disk_full, also when wrapped (SQLAlchemy puts
    the driver's error in `.orig`; our own code may chain it as the cause)."""
    seen: set[int] = set()
    pending: list[BaseException | None] = [error]
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, OSError) and current.errno in _FULL_ERRNOS:
            return True
        if isinstance(current, sqlite3.Error) and (
            getattr(current, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL
            or _SQLITE_FULL_TEXT in str(current)
        ):
            return True
        if getattr(current, "sqlstate", None) == _POSTGRES_DISK_FULL:
            return True
        orig = getattr(current, "orig", None)
        pending += [orig if isinstance(orig, BaseException) else None, current.__cause__, current.__context__]
    return False


def _is_sqlite_full(error: sqlite3.Error) -> bool:
    return getattr(error, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL or _SQLITE_FULL_TEXT in str(error)


class DiskFullReporter:
    """Logs "the disk is full" at most once per `interval`, counting what it did not log in between."""

    def __init__(
        self,
        logger: logging.Logger | None = None,
        *,
        interval: float = 60.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._log = logger or logging.getLogger(__name__)
        self._interval = interval
        self._monotonic = monotonic
        self._last: float | None = None
        self._suppressed = 0

    def report(self, what: str, error: BaseException) -> None:
        """`what` failed because the disk is full (one short phrase: "POST /api/chat/register")."""
        now = self._monotonic()
        if self._last is not None and now - self._last < self._interval:
            self._suppressed += 1
            return
        suppressed, self._suppressed, self._last = self._suppressed, 0, now
        also = f" ({suppressed} more since the last report)" if suppressed else ""
        self._log.warning("the disk is full: %s failed (%s)%s; free some space", what, _describe(error), also)


def _describe(error: BaseException) -> str:
    orig = getattr(error, "orig", None)
    source = orig if isinstance(orig, BaseException) else error
    text = source.strerror if isinstance(source, OSError) and source.strerror else str(source)
    return f"{type(source).__name__}: {text}"
