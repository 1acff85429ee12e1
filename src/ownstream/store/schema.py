"""Table definitions (SQLAlchemy Core). Alembic migrations under `migrations/` create and evolve them."""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

config = sa.Table(
    "config",
    metadata,
    sa.Column("key", sa.String(128), primary_key=True),
    sa.Column("value", sa.JSON, nullable=True),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)
"""Runtime configuration, one typed JSON value per key (Owncast's `datastore`, without gob blobs)."""
