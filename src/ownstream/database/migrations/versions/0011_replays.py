"""Replays: every stream's recorded segments, indexed.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "replays",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("rendition", sa.Integer, nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_replays_started_at", "replays", ["started_at"])
    op.create_table(
        "replay_segments",
        sa.Column("replay_id", sa.String(32), primary_key=True),
        sa.Column("position", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("init_name", sa.Text, nullable=False),
        sa.Column("program_date_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("duration", sa.Float, nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("discontinuity", sa.Boolean, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("replay_segments")
    op.drop_index("ix_replays_started_at", table_name="replays")
    op.drop_table("replays")
