"""Replays recorded to S3 under newer Owncast's `pathPrefix`: the prefix a replay's files were uploaded
under (`<pathPrefix>/recordings/<id>/`), kept per replay so that it still plays, and is deleted, where it
is after the admin changes the prefix. Null for a replay on local disk and for those recorded before
this revision (they are at the bucket's root, as an empty prefix says).

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("replays") as batch:
        batch.add_column(sa.Column("s3_path_prefix", sa.Text, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("replays") as batch:
        batch.drop_column("s3_path_prefix")
