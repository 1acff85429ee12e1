"""Scheduled streams on the fediverse (newer §14.1, "Federation (later revisions)"): each occurrence's
federation state (`federated_at`: when its `Create(Event)` was sent, null = never announced;
`federation_pending`: an edit or cancellation still to be sent as `Update`; `federation_updated_at`: the
last `Update`'s time) and `stream_event_federation_deletes`, the `Delete`s owed for announced occurrences
whose rows are gone.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("stream_events") as batch:
        batch.add_column(sa.Column("federated_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("federation_updated_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(
            sa.Column("federation_pending", sa.Boolean, nullable=False, server_default=sa.false())
        )
    op.create_table(
        "stream_event_federation_deletes",
        sa.Column("event_id", sa.String(32), primary_key=True),
        sa.Column("queued_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("stream_event_federation_deletes")
    with op.batch_alter_table("stream_events") as batch:
        batch.drop_column("federation_pending")
        batch.drop_column("federation_updated_at")
        batch.drop_column("federated_at")
