"""Alembic environment: runs migrations on the connection handed in `config.attributes["connection"]`
(PostgreSQL: an asyncpg connection run synchronously, database/db.py) or on a plain synchronous one opened
from the URL (SQLite)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine, pool

from ownstream.database.schema import metadata

config = context.config


def run_migrations() -> None:
    handed = config.attributes.get("connection")
    if handed is not None:
        context.configure(connection=handed, target_metadata=metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    url = config.get_main_option("sqlalchemy.url")
    assert url is not None
    engine = create_engine(url, poolclass=pool.NullPool)
    if engine.dialect.name == "sqlite":
        with engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA journal_mode=WAL")
    with engine.begin() as connection:
        context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run_migrations()
