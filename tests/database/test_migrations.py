"""The Alembic migrations produce exactly `database/schema.py`: a fresh SQLite file upgraded to head,
reflected, and compared with the metadata the code queries (tables, columns, types, nullability,
server defaults, indexes, unique and foreign keys by Alembic's autogenerate; primary keys, which
autogenerate does not compare, by the inspector)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from ownstream.database.db import alembic_config, migrate, open_database
from ownstream.database.repos.replays import BucketLocation, ReplayRepository
from ownstream.database.schema import metadata


@pytest.fixture
def migrated(tmp_path: Path) -> Iterator[sa.Connection]:
    path = tmp_path / "fresh.db"
    migrate(f"sqlite+aiosqlite:///{path}")
    engine = sa.create_engine(f"sqlite:///{path}")
    with engine.connect() as connection:
        yield connection
    engine.dispose()


def differences(connection: sa.Connection, target: sa.MetaData) -> list[Any]:
    context = MigrationContext.configure(
        connection, opts={"compare_type": True, "compare_server_default": True}
    )
    return list(compare_metadata(context, target))


def primary_keys(connection: sa.Connection) -> dict[str, list[str]]:
    inspector = sa.inspect(connection)
    return {
        name: inspector.get_pk_constraint(name)["constrained_columns"]
        for name in inspector.get_table_names()
        if name != "alembic_version"
    }


def test_the_migrations_have_one_head() -> None:
    assert len(ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads()) == 1


def test_the_migrations_produce_exactly_the_schema(migrated: sa.Connection) -> None:
    assert differences(migrated, metadata) == []
    assert primary_keys(migrated) == {
        table.name: [column.name for column in table.primary_key.columns] for table in metadata.sorted_tables
    }


def test_the_comparison_sees_drift(migrated: sa.Connection) -> None:
    """Edits to the schema that no migration made are all reported (so the check above can fail)."""
    drifted = sa.MetaData()
    for table in metadata.sorted_tables:
        table.to_metadata(drifted)
    users = drifted.tables["users"]
    users.append_column(sa.Column("added_in_code_only", sa.Text, nullable=True))
    users.c.display_color.nullable = True
    users.c.display_name.type = sa.Integer()
    sa.Index("ix_users_display_name", users.c.display_name)
    # Column changes come as a list of ("modify_…", …) tuples, the rest as one tuple each.
    found = differences(migrated, drifted)
    kinds = {change[0] if isinstance(change, tuple) else change[0][0] for change in found}
    assert {"add_column", "modify_nullable", "modify_type", "add_index"} <= kinds


def _a_bucket_replay_before_0018(path: Path) -> None:
    command.upgrade(alembic_config(f"sqlite+aiosqlite:///{path}"), "0015")
    engine = sa.create_engine(f"sqlite:///{path}")
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                "INSERT INTO replays (id, title, rendition, started_at, s3_endpoint, s3_bucket) "
                "VALUES ('old', 'Old', 0, '2026-11-01 10:00:00.000000', 'http://s3.example', 'videos')"
            )
        )
    engine.dispose()


async def test_0018_keeps_older_bucket_replays_at_the_root(tmp_path: Path) -> None:
    """A replay recorded to S3 before 0018 has no path prefix stored: it is at the bucket's root."""
    path = tmp_path / "before.db"
    await asyncio.to_thread(_a_bucket_replay_before_0018, path)
    engine = await open_database(f"sqlite+aiosqlite:///{path}")
    try:
        replay = await ReplayRepository(engine).get("old")
    finally:
        await engine.dispose()
    assert replay is not None and replay.location == BucketLocation("http://s3.example", "videos", "")
