"""Clips: a stretch of a replay, cut on segment boundaries, with its own (hard-linked) segment files.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "clips",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("replay_id", sa.String(32), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("duration", sa.Float, nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Text, nullable=False),
        sa.Column("created_by_name", sa.Text, nullable=False),
    )
    op.create_index("ix_clips_created_at", "clips", ["created_at"])
    op.create_table(
        "clip_segments",
        sa.Column("clip_id", sa.String(32), primary_key=True),
        sa.Column("position", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("init_name", sa.Text, nullable=False),
        sa.Column("program_date_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("duration", sa.Float, nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("discontinuity", sa.Boolean, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("clip_segments")
    op.drop_index("ix_clips_created_at", table_name="clips")
    op.drop_table("clips")
