"""Clips of replays recorded to S3: the bucket a clip's segments were copied into (`s3_endpoint`,
`s3_bucket`) and the path prefix they are under (`<pathPrefix>/clips/<id>/`), as `replays` keeps its
own. Null for a clip kept under `<datadir>/clips/<id>/`, which every older row is.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("clips") as batch:
        batch.add_column(sa.Column("s3_endpoint", sa.Text, nullable=True))
        batch.add_column(sa.Column("s3_bucket", sa.Text, nullable=True))
        batch.add_column(sa.Column("s3_path_prefix", sa.Text, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("clips") as batch:
        batch.drop_column("s3_path_prefix")
        batch.drop_column("s3_bucket")
        batch.drop_column("s3_endpoint")
