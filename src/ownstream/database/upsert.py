"""Insert-or-update of one row in SQL every engine speaks (no engine's own conflict clause).

The row is updated where its key columns match and inserted when nothing matched, in the caller's
transaction. On SQLite nothing can slip in between: it has one writer. On a database server several
processes write (`--workers`, several boxes), and two may insert the same new key at the same moment
(two processes starting together write the same configuration keys): the insert that loses runs inside
a savepoint, so its primary-key error rolls back only the savepoint, and the row the other process
inserted is then updated.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection


async def upsert(
    connection: AsyncConnection, table: sa.Table, values: Mapping[str, Any], keys: Sequence[str]
) -> None:
    """Make `table` hold `values` in the row whose `keys` columns equal those in `values`."""
    match = sa.and_(*(table.c[key] == values[key] for key in keys))
    changes = {name: value for name, value in values.items() if name not in keys}
    update = sa.update(table).where(match).values(changes)
    result = await connection.execute(update)
    if result.rowcount != 0:
        return
    if connection.dialect.name == "sqlite":
        await connection.execute(sa.insert(table).values(dict(values)))
        return
    try:
        async with connection.begin_nested():
            await connection.execute(sa.insert(table).values(dict(values)))
    except IntegrityError:
        await connection.execute(update)  # another writer inserted the key first
