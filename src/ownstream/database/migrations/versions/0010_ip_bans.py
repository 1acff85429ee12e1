"""IP bans (newer Owncast's `ip_bans`, reference newer §5): banned addresses with a note and a time.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ip_bans",
        sa.Column("ip_address", sa.String, primary_key=True),
        sa.Column("notes", sa.String, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("ip_bans")
