"""`/api/health`: can this server do its job right now? The database answers, ffmpeg is there, disk is free.

Each check is bounded in time and never raises; the report says which one failed.
"""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from ownstream.transcode.ffmpeg_binary import bundled_ffmpeg_path, ffmpeg_path_problem

MIN_FREE_DISK_BYTES = 100 * 1024 * 1024
"""Below this, segments and the database are about to fail to be written."""
CHECK_TIMEOUT = 2.0


@dataclass(frozen=True)
class HealthReport:
    database: bool
    ffmpeg: bool
    disk_free_bytes: int | None
    disk_ok: bool

    @property
    def ok(self) -> bool:
        return self.database and self.ffmpeg and self.disk_ok

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "database": {"ok": self.database},
            "ffmpeg": {"ok": self.ffmpeg},
            "disk": {"ok": self.disk_ok, "freeBytes": self.disk_free_bytes},
        }


class HealthChecks:
    def __init__(
        self,
        engine: AsyncEngine,
        data_dir: Path,
        configured_ffmpeg: Callable[[], str],
        *,
        min_free_bytes: int = MIN_FREE_DISK_BYTES,
    ) -> None:
        self._engine = engine
        self._data_dir = data_dir
        self._configured_ffmpeg = configured_ffmpeg
        self._min_free_bytes = min_free_bytes

    async def check(self) -> HealthReport:
        database, ffmpeg, free = await asyncio.gather(self._database(), self._ffmpeg(), self._disk_free())
        return HealthReport(
            database=database,
            ffmpeg=ffmpeg,
            disk_free_bytes=free,
            disk_ok=free is not None and free >= self._min_free_bytes,
        )

    async def _database(self) -> bool:
        try:
            async with asyncio.timeout(CHECK_TIMEOUT), self._engine.connect() as conn:
                return bool((await conn.execute(sa.text("SELECT 1"))).scalar_one() == 1)
        except Exception:
            return False

    async def _ffmpeg(self) -> bool:
        configured = self._configured_ffmpeg()

        def usable() -> bool:
            # As the transcoder picks it (an unusable configured path falls back to the bundled one),
            # without its warning: health is polled often.
            path = configured if configured and ffmpeg_path_problem(configured) is None else ""
            path = path or bundled_ffmpeg_path()
            return os.path.isfile(path) and os.access(path, os.X_OK)

        try:
            async with asyncio.timeout(CHECK_TIMEOUT):
                return await asyncio.to_thread(usable)
        except Exception:
            return False

    async def _disk_free(self) -> int | None:
        try:
            async with asyncio.timeout(CHECK_TIMEOUT):
                usage = await asyncio.to_thread(shutil.disk_usage, self._data_dir)
        except Exception:
            return None
        return int(usage.free)
