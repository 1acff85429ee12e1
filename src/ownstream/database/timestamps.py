"""Datetimes in and out of the database: stored as UTC, handed back zone-aware."""

from __future__ import annotations

from datetime import UTC, datetime


def for_db(moment: datetime | None) -> datetime | None:
    """UTC, so SQLite's text form sorts and compares in time order."""
    return moment.astimezone(UTC) if moment is not None else None


def from_db(moment: datetime | None) -> datetime | None:
    """SQLite returns naive datetimes; everything stored is UTC."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)
