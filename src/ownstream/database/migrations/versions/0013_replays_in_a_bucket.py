"""Replays recorded to S3: the bucket (endpoint and name) a replay's files were uploaded to; both null
for a replay kept under `<datadir>/recordings/`.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("replays") as batch:
        batch.add_column(sa.Column("s3_endpoint", sa.Text, nullable=True))
        batch.add_column(sa.Column("s3_bucket", sa.Text, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("replays") as batch:
        batch.drop_column("s3_bucket")
        batch.drop_column("s3_endpoint")
