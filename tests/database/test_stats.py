"""The `stream_stats` table, and migration 0005 moving the statistics out of the configuration."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from alembic import command

from ownstream.database.db import alembic_config, open_database
from ownstream.database.repos.config import ConfigRepository
from ownstream.database.repos.stats import StatsRepository, StoredStats

CONNECTED = datetime(2026, 1, 2, 3, 4, 5, 678000, tzinfo=UTC)
STATS_KEYS = ("peak_viewers_session", "peak_viewers_overall", "last_connect_time", "last_disconnect_time")


def url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


def config_keys(path: Path) -> set[str]:
    with sqlite3.connect(path) as connection:
        return {row[0] for row in connection.execute("SELECT key FROM config")}


async def test_statistics_round_trip_through_their_own_row(tmp_path: Path) -> None:
    engine = await open_database(url(tmp_path / "db.sqlite"))
    repository = StatsRepository(engine)
    assert await repository.load() == StoredStats()  # a fresh database: the row exists, all zero
    saved = StoredStats(session_peak=3, overall_peak=9, last_connect_time=CONNECTED)
    await repository.save(saved)
    await repository.save(saved)
    assert await repository.load() == saved
    later = StoredStats(session_peak=0, overall_peak=9, last_disconnect_time=CONNECTED)
    await repository.save(later)
    assert await repository.load() == later
    await engine.dispose()
    with sqlite3.connect(tmp_path / "db.sqlite") as connection:
        assert connection.execute("SELECT count(*) FROM stream_stats").fetchone() == (1,)
    assert not set(STATS_KEYS) & config_keys(tmp_path / "db.sqlite")


async def test_the_migration_moves_the_stored_statistics_out_of_the_configuration(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite"
    cfg = alembic_config(url(path))
    command.upgrade(cfg, "0004")  # a database of the previous version, statistics in `config`
    with sqlite3.connect(path) as connection:
        rows = [
            ("peak_viewers_session", "4"),
            ("peak_viewers_overall", "17"),
            ("last_connect_time", '"2026-01-02T03:04:05.678000Z"'),
            ("last_disconnect_time", "null"),
            ("server_name", '"Kept"'),
        ]
        connection.executemany(
            "INSERT INTO config (key, value, updated_at) VALUES (?, ?, '2026-01-01')", rows
        )
    engine = await open_database(url(path))  # migrates to the newest revision
    assert await StatsRepository(engine).load() == StoredStats(
        session_peak=4, overall_peak=17, last_connect_time=CONNECTED, last_disconnect_time=None
    )
    assert await ConfigRepository(engine).load_all() == {"server_name": "Kept"}
    await engine.dispose()

    command.downgrade(cfg, "0004")  # and back, for a downgrade of the server
    with sqlite3.connect(path) as connection:
        values = {
            key: json.loads(str(value)) for key, value in connection.execute("SELECT key, value FROM config")
        }
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert values["peak_viewers_overall"] == 17 and values["peak_viewers_session"] == 4
    assert values["last_connect_time"] == "2026-01-02T03:04:05.678000Z"
    assert values["last_disconnect_time"] is None
    assert "stream_stats" not in tables


async def test_unreadable_stored_statistics_start_from_zero(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite"
    command.upgrade(alembic_config(url(path)), "0004")
    with sqlite3.connect(path) as connection:
        rows = [("peak_viewers_overall", '"many"'), ("last_connect_time", '"yesterday"')]
        connection.executemany(
            "INSERT INTO config (key, value, updated_at) VALUES (?, ?, '2026-01-01')", rows
        )
    engine = await open_database(url(path))
    assert await StatsRepository(engine).load() == StoredStats()
    await engine.dispose()
