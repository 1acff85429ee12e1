"""Followers' shared inboxes, so one delivery reaches every follower on a server that has one.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("ap_followers") as batch:
        batch.add_column(sa.Column("shared_inbox", sa.Text, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("ap_followers") as batch:
        batch.drop_column("shared_inbox")
