"""Scheduled streams (Owncast's development branch, reference newer §14.1): series and occurrences.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "stream_event_series",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("reminder_message", sa.Text, nullable=False),
        sa.Column("recurrence", sa.Text, nullable=False),
        sa.Column("duration_minutes", sa.Integer, nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "stream_events",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("series_id", sa.String(32), nullable=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("reminder_message", sa.Text, nullable=False),
        sa.Column("start_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("original_start", sa.DateTime(timezone=True), nullable=True),
        sa.Column("duration_minutes", sa.Integer, nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("reminded", sa.String(64), nullable=False),
        sa.Column("announced", sa.String(64), nullable=False),
        sa.UniqueConstraint("series_id", "original_start", name="uq_stream_events_slot"),
    )
    op.create_index("ix_stream_events_series_id", "stream_events", ["series_id"])
    op.create_index("ix_stream_events_start_time", "stream_events", ["start_time"])


def downgrade() -> None:
    op.drop_index("ix_stream_events_start_time", table_name="stream_events")
    op.drop_index("ix_stream_events_series_id", table_name="stream_events")
    op.drop_table("stream_events")
    op.drop_table("stream_event_series")
