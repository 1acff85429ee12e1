"""Chat authentication (newer Owncast §7): `users.authenticated_at`, the verified identities of chat
users (`chat_auth`: an IndieAuth profile URL or a fediverse account, each owned by one user) and further
access tokens of a user (`user_access_tokens`: a token moved to the user who already owned the identity
it proved).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("authenticated_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "chat_auth",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("user_id", sa.String(32), nullable=False, index=True),
        sa.Column("identity", sa.Text, nullable=False),
        sa.Column("type", sa.String(16), nullable=False),
        sa.Column("timestamp", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("type", "identity", name="uq_chat_auth_identity"),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "user_access_tokens",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("user_id", sa.String(32), nullable=False, index=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("user_access_tokens")
    op.drop_table("chat_auth")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("authenticated_at")
