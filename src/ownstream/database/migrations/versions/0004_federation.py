"""Federation store: followers, the outbox of published objects, accepted inbound activities.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ap_followers",
        sa.Column("iri", sa.Text, primary_key=True),
        sa.Column("inbox", sa.Text, nullable=False),
        sa.Column("name", sa.Text, nullable=True),
        sa.Column("username", sa.Text, nullable=False),
        sa.Column("image", sa.Text, nullable=True),
        sa.Column("request", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("disabled_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_table(
        "ap_outbox",
        sa.Column("iri", sa.Text, primary_key=True),
        sa.Column("value", sa.JSON, nullable=False),
        sa.Column("type", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("live_notification", sa.Boolean, nullable=False, server_default=sa.false()),
    )
    op.create_index("ix_ap_outbox_created_at", "ap_outbox", ["created_at"])
    op.create_table(
        "ap_accepted_activities",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("iri", sa.Text, nullable=False),
        sa.Column("actor", sa.Text, nullable=False),
        sa.Column("type", sa.String(64), nullable=False),
        sa.Column("timestamp", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_ap_accepted_activities_timestamp", "ap_accepted_activities", ["timestamp"])
    op.create_index("ix_ap_accepted_activities_seen", "ap_accepted_activities", ["iri", "actor", "type"])


def downgrade() -> None:
    op.drop_index("ix_ap_accepted_activities_seen", table_name="ap_accepted_activities")
    op.drop_index("ix_ap_accepted_activities_timestamp", table_name="ap_accepted_activities")
    op.drop_table("ap_accepted_activities")
    op.drop_index("ix_ap_outbox_created_at", table_name="ap_outbox")
    op.drop_table("ap_outbox")
    op.drop_table("ap_followers")
