"""Outbound deliveries of persistent queues, kept across restarts.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "outbound_deliveries",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("queue", sa.String(64), nullable=False),
        sa.Column("method", sa.String(16), nullable=False),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("content_type", sa.String(128), nullable=False),
        sa.Column("body", sa.LargeBinary, nullable=False),
        sa.Column("topic", sa.Text, nullable=False),
        sa.Column("tag", sa.Text, nullable=False),
        sa.Column("attempt", sa.Integer, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_error", sa.Text, nullable=True),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_outbound_deliveries_queue_due", "outbound_deliveries", ["queue", "due_at"])


def downgrade() -> None:
    op.drop_index("ix_outbound_deliveries_queue_due", table_name="outbound_deliveries")
    op.drop_table("outbound_deliveries")
