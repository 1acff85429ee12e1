"""Clips and their segments (`clips`, `clip_segments`): written once when a clip is cut, read by the
routes, removed by the admin."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from ownstream.database.repos.replays import BucketLocation, ReplaySegment
from ownstream.database.schema import clip_segments, clips
from ownstream.database.timestamps import for_db, from_db


@dataclass(frozen=True)
class StoredClip:
    id: str
    title: str
    replay_id: str
    """The replay it was cut from (which may since have been deleted)."""
    started_at: datetime
    """The wall-clock time of its first frame."""
    ended_at: datetime
    duration: float
    """Seconds of video."""
    size: int
    """Bytes of video."""
    created_at: datetime
    created_by: str
    """The chat user's id, or `admin`."""
    created_by_name: str
    location: BucketLocation | None = None
    """Where its files are: None under `<datadir>/clips/<id>/`, else in that bucket (clips/bucket.py)."""


def _clip(row: sa.Row[tuple[object, ...]]) -> StoredClip:
    started, ended, created = from_db(row.started_at), from_db(row.ended_at), from_db(row.created_at)
    assert started is not None and ended is not None and created is not None
    return StoredClip(
        id=row.id,
        title=row.title,
        replay_id=row.replay_id,
        started_at=started,
        ended_at=ended,
        duration=float(row.duration),
        size=int(row.size),
        created_at=created,
        created_by=row.created_by,
        created_by_name=row.created_by_name,
        location=(
            BucketLocation(str(row.s3_endpoint), str(row.s3_bucket), str(row.s3_path_prefix or ""))
            if row.s3_bucket is not None
            else None
        ),
    )


class ClipRepository:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def create(self, clip: StoredClip, segments: Sequence[ReplaySegment]) -> None:
        """The clip and its segments, in one transaction."""
        async with self._engine.begin() as conn:
            await conn.execute(
                sa.insert(clips).values(
                    id=clip.id,
                    title=clip.title,
                    replay_id=clip.replay_id,
                    started_at=for_db(clip.started_at),
                    ended_at=for_db(clip.ended_at),
                    duration=clip.duration,
                    size=clip.size,
                    created_at=for_db(clip.created_at),
                    created_by=clip.created_by,
                    created_by_name=clip.created_by_name,
                    s3_endpoint=clip.location.endpoint if clip.location is not None else None,
                    s3_bucket=clip.location.bucket if clip.location is not None else None,
                    s3_path_prefix=clip.location.path_prefix if clip.location is not None else None,
                )
            )
            await conn.execute(
                sa.insert(clip_segments),
                [
                    {
                        "clip_id": clip.id,
                        "position": segment.position,
                        "name": segment.name,
                        "init_name": segment.init_name,
                        "program_date_time": for_db(segment.program_date_time),
                        "duration": segment.duration,
                        "size": segment.size,
                        "discontinuity": segment.discontinuity,
                    }
                    for segment in segments
                ],
            )

    async def all(self) -> list[StoredClip]:
        """Every clip, newest first."""
        query = sa.select(clips).order_by(clips.c.created_at.desc(), clips.c.id)
        async with self._engine.connect() as conn:
            rows = (await conn.execute(query)).all()
        return [_clip(row) for row in rows]

    async def get(self, clip_id: str) -> StoredClip | None:
        async with self._engine.connect() as conn:
            row = (await conn.execute(sa.select(clips).where(clips.c.id == clip_id))).first()
        return _clip(row) if row is not None else None

    async def made_by_since(self, created_by: str, since: datetime) -> int:
        """How many clips `created_by` cut since `since`."""
        query = sa.select(sa.func.count()).where(
            clips.c.created_by == created_by, clips.c.created_at >= for_db(since)
        )
        async with self._engine.connect() as conn:
            return int((await conn.execute(query)).scalar() or 0)

    async def segments(self, clip_id: str) -> list[ReplaySegment]:
        query = (
            sa.select(clip_segments)
            .where(clip_segments.c.clip_id == clip_id)
            .order_by(clip_segments.c.position)
        )
        async with self._engine.connect() as conn:
            rows = (await conn.execute(query)).all()
        return [
            ReplaySegment(
                position=row.position,
                name=row.name,
                init_name=row.init_name,
                program_date_time=from_db(row.program_date_time) or row.program_date_time,
                duration=float(row.duration),
                size=int(row.size),
                discontinuity=bool(row.discontinuity),
            )
            for row in rows
        ]

    async def delete(self, clip_id: str) -> bool:
        async with self._engine.begin() as conn:
            await conn.execute(sa.delete(clip_segments).where(clip_segments.c.clip_id == clip_id))
            result = await conn.execute(sa.delete(clips).where(clips.c.id == clip_id))
        return bool(result.rowcount)
