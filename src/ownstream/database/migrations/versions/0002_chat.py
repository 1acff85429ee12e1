"""Chat users (and integration tokens) and stored chat messages.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("access_token", sa.String(64), nullable=True),
        sa.Column("display_name", sa.Text, nullable=False),
        sa.Column("display_color", sa.Integer, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("disabled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("previous_names", sa.JSON, nullable=False),
        sa.Column("namechanged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("scopes", sa.JSON, nullable=False),
        sa.Column("type", sa.String(16), nullable=False, server_default="STANDARD"),
        sa.Column("last_used", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_table(
        "messages",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("user_id", sa.String(32), nullable=True),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("event_type", sa.String(64), nullable=False),
        sa.Column("hidden_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("timestamp", sa.DateTime(timezone=True), nullable=False),
        sa.Column("title", sa.Text, nullable=True),
        sa.Column("subtitle", sa.Text, nullable=True),
        sa.Column("image", sa.Text, nullable=True),
        sa.Column("link", sa.Text, nullable=True),
    )
    op.create_index("ix_messages_timestamp", "messages", ["timestamp"])
    op.create_index("ix_messages_user_id", "messages", ["user_id"])


def downgrade() -> None:
    op.drop_index("ix_messages_user_id", table_name="messages")
    op.drop_index("ix_messages_timestamp", table_name="messages")
    op.drop_table("messages")
    op.drop_table("users")
