"""Insert-or-update of one row in SQL every engine speaks (no engine's own conflict clause).

The row is updated where its key columns match and inserted when nothing matched, in the caller's
transaction. Two writers inserting the same new key at the same moment would collide on the primary key;
here that cannot happen: SQLite has one writer, and the rows upserted (configuration keys, the stats row)
exist after the first start, so later writes are plain updates.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection


async def upsert(
    connection: AsyncConnection, table: sa.Table, values: Mapping[str, Any], keys: Sequence[str]
) -> None:
    """Make `table` hold `values` in the row whose `keys` columns equal those in `values`."""
    match = sa.and_(*(table.c[key] == values[key] for key in keys))
    changes = {name: value for name, value in values.items() if name not in keys}
    result = await connection.execute(sa.update(table).where(match).values(changes))
    if result.rowcount == 0:
        await connection.execute(sa.insert(table).values(dict(values)))
