"""Stream statistics in their own table, moved out of the runtime configuration.

The viewer peaks and the last connect and disconnect times were saved as `config` rows every minute;
they move into the one row of `stream_stats`, and their `config` rows go.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

ROW_ID = 1
_CONFIG_KEYS = {
    "peak_viewers_session": "session_peak_viewers",
    "peak_viewers_overall": "overall_peak_viewers",
    "last_connect_time": "last_connect_time",
    "last_disconnect_time": "last_disconnect_time",
}
_config = sa.table(
    "config",
    sa.column("key", sa.String),
    sa.column("value", sa.JSON),
    sa.column("updated_at", sa.DateTime(timezone=True)),
)


def _stats_table() -> sa.Table:
    return op.create_table(
        "stream_stats",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("session_peak_viewers", sa.Integer, nullable=False, server_default="0"),
        sa.Column("overall_peak_viewers", sa.Integer, nullable=False, server_default="0"),
        sa.Column("last_connect_time", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_disconnect_time", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )


def _count(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else 0


def _moment(value: Any) -> datetime | None:
    """The stored JSON text of a datetime (`2026-01-02T03:04:05Z`), as UTC; anything else is None."""
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def upgrade() -> None:
    stats = _stats_table()
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(_config.c.key, _config.c.value).where(_config.c.key.in_(list(_CONFIG_KEYS)))
    )
    stored = {_CONFIG_KEYS[key]: value for key, value in rows}
    op.bulk_insert(
        stats,
        [
            {
                "id": ROW_ID,
                "session_peak_viewers": _count(stored.get("session_peak_viewers")),
                "overall_peak_viewers": _count(stored.get("overall_peak_viewers")),
                "last_connect_time": _moment(stored.get("last_connect_time")),
                "last_disconnect_time": _moment(stored.get("last_disconnect_time")),
                "updated_at": datetime.now(UTC),
            }
        ],
    )
    connection.execute(sa.delete(_config).where(_config.c.key.in_(list(_CONFIG_KEYS))))


def downgrade() -> None:
    connection = op.get_bind()
    stats = sa.table(
        "stream_stats",
        sa.column("session_peak_viewers", sa.Integer),
        sa.column("overall_peak_viewers", sa.Integer),
        sa.column("last_connect_time", sa.DateTime(timezone=True)),
        sa.column("last_disconnect_time", sa.DateTime(timezone=True)),
    )
    row = connection.execute(sa.select(stats)).first()
    if row is not None:
        now = datetime.now(UTC)
        for key, column in _CONFIG_KEYS.items():
            value = getattr(row, column)
            if isinstance(value, datetime):
                utc = value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
                value = utc.isoformat().replace("+00:00", "Z")
            connection.execute(sa.insert(_config).values(key=key, value=value, updated_at=now))
    op.drop_table("stream_stats")
