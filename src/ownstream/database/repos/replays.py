"""Replays and their segments (`replays`, `replay_segments`): the recorder writes, the routes read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from ownstream.database.schema import replay_segments, replays
from ownstream.database.timestamps import for_db, from_db


@dataclass(frozen=True)
class ReplaySegment:
    position: int
    name: str
    """The file's name in the replay's folder."""
    init_name: str
    program_date_time: datetime
    duration: float
    size: int
    discontinuity: bool

    @property
    def end(self) -> datetime:
        return self.program_date_time + timedelta(seconds=self.duration)


@dataclass(frozen=True)
class BucketLocation:
    """The S3 bucket a replay's files were uploaded to, and the folder in it (the S3 `pathPrefix` when
    the replay started; "" for the bucket's root)."""

    endpoint: str
    bucket: str
    path_prefix: str = ""


@dataclass(frozen=True)
class StoredReplay:
    id: str
    title: str
    rendition: int
    started_at: datetime
    ended_at: datetime | None
    """None while the replay may still grow (live, or within the reconnect window)."""
    duration: float
    """Seconds of video kept."""
    size: int
    """Bytes of video kept."""
    segments: int
    last_end: datetime | None
    """When its last kept segment ends (None: none kept yet)."""
    location: BucketLocation | None = None
    """Where its files are: None under `<datadir>/recordings/<id>/`, else in that bucket."""

    @property
    def finished(self) -> bool:
        return self.ended_at is not None


_TOTALS = (
    sa.select(
        replay_segments.c.replay_id,
        sa.func.coalesce(sa.func.sum(replay_segments.c.duration), 0.0).label("duration"),
        sa.func.coalesce(sa.func.sum(replay_segments.c.size), 0).label("size"),
        sa.func.count().label("segments"),
        sa.func.max(replay_segments.c.position).label("last_position"),
    )
    .group_by(replay_segments.c.replay_id)
    .subquery("totals")
)
_LAST = replay_segments.alias("last_segment")


def _select_replays() -> sa.Select[tuple[object, ...]]:
    return (
        sa.select(
            replays,
            sa.func.coalesce(_TOTALS.c.duration, 0.0).label("duration"),
            sa.func.coalesce(_TOTALS.c.size, 0).label("size"),
            sa.func.coalesce(_TOTALS.c.segments, 0).label("segments"),
            _LAST.c.program_date_time.label("last_start"),
            _LAST.c.duration.label("last_duration"),
        )
        .select_from(
            replays.outerjoin(_TOTALS, _TOTALS.c.replay_id == replays.c.id).outerjoin(
                _LAST,
                sa.and_(_LAST.c.replay_id == replays.c.id, _LAST.c.position == _TOTALS.c.last_position),
            )
        )
        .order_by(replays.c.started_at.desc(), replays.c.id)
    )


def _replay(row: sa.Row[tuple[object, ...]]) -> StoredReplay:
    last_start = from_db(row.last_start)
    last_end = last_start + timedelta(seconds=float(row.last_duration)) if last_start is not None else None
    started = from_db(row.started_at)
    assert started is not None
    return StoredReplay(
        id=row.id,
        title=row.title,
        rendition=row.rendition,
        started_at=started,
        ended_at=from_db(row.ended_at),
        duration=float(row.duration),
        size=int(row.size),
        segments=int(row.segments),
        last_end=last_end,
        location=(
            BucketLocation(str(row.s3_endpoint), str(row.s3_bucket), str(row.s3_path_prefix or ""))
            if row.s3_bucket is not None
            else None
        ),
    )


def _segment(row: sa.Row[tuple[object, ...]]) -> ReplaySegment:
    return ReplaySegment(
        position=row.position,
        name=row.name,
        init_name=row.init_name,
        program_date_time=from_db(row.program_date_time) or row.program_date_time,
        duration=float(row.duration),
        size=int(row.size),
        discontinuity=bool(row.discontinuity),
    )


class ReplayRepository:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def create(
        self,
        replay_id: str,
        title: str,
        rendition: int,
        started_at: datetime,
        location: BucketLocation | None = None,
    ) -> None:
        async with self._engine.begin() as conn:
            await conn.execute(
                sa.insert(replays).values(
                    id=replay_id,
                    title=title,
                    rendition=rendition,
                    started_at=for_db(started_at),
                    s3_endpoint=location.endpoint if location is not None else None,
                    s3_bucket=location.bucket if location is not None else None,
                    s3_path_prefix=location.path_prefix if location is not None else None,
                )
            )

    async def add_segment(self, replay_id: str, segment: ReplaySegment) -> None:
        async with self._engine.begin() as conn:
            await conn.execute(
                sa.insert(replay_segments).values(
                    replay_id=replay_id,
                    position=segment.position,
                    name=segment.name,
                    init_name=segment.init_name,
                    program_date_time=for_db(segment.program_date_time),
                    duration=segment.duration,
                    size=segment.size,
                    discontinuity=segment.discontinuity,
                )
            )

    async def finish(self, replay_id: str, ended_at: datetime) -> None:
        async with self._engine.begin() as conn:
            await conn.execute(
                sa.update(replays).where(replays.c.id == replay_id).values(ended_at=for_db(ended_at))
            )

    async def all(self) -> list[StoredReplay]:
        """Every replay, newest first."""
        async with self._engine.connect() as conn:
            rows = (await conn.execute(_select_replays())).all()
        return [_replay(row) for row in rows]

    async def get(self, replay_id: str) -> StoredReplay | None:
        async with self._engine.connect() as conn:
            row = (await conn.execute(_select_replays().where(replays.c.id == replay_id))).first()
        return _replay(row) if row is not None else None

    async def unfinished(self) -> list[StoredReplay]:
        return [replay for replay in await self.all() if not replay.finished]

    async def segments(self, replay_id: str) -> list[ReplaySegment]:
        query = (
            sa.select(replay_segments)
            .where(replay_segments.c.replay_id == replay_id)
            .order_by(replay_segments.c.position)
        )
        async with self._engine.connect() as conn:
            rows = (await conn.execute(query)).all()
        return [_segment(row) for row in rows]

    async def segments_since(self, replay_id: str, since: datetime) -> list[ReplaySegment]:
        """The replay's segments whose first frame is at or after `since`, in order (the DVR window)."""
        query = (
            sa.select(replay_segments)
            .where(replay_segments.c.replay_id == replay_id)
            .where(replay_segments.c.program_date_time >= for_db(since))
            .order_by(replay_segments.c.position)
        )
        async with self._engine.connect() as conn:
            rows = (await conn.execute(query)).all()
        return [_segment(row) for row in rows]

    async def segments_after(self, replay_id: str, position: int) -> list[ReplaySegment]:
        """The replay's segments after `position`, in order (what a growing playlist adds)."""
        query = (
            sa.select(replay_segments)
            .where(replay_segments.c.replay_id == replay_id, replay_segments.c.position > position)
            .order_by(replay_segments.c.position)
        )
        async with self._engine.connect() as conn:
            rows = (await conn.execute(query)).all()
        return [_segment(row) for row in rows]

    async def first_segment_date(self, replay_id: str) -> datetime | None:
        query = sa.select(replay_segments.c.program_date_time).where(
            replay_segments.c.replay_id == replay_id, replay_segments.c.position == 0
        )
        async with self._engine.connect() as conn:
            found = (await conn.execute(query)).scalar()
        return from_db(found)

    async def discontinuity_sequence(self, replay_id: str, position: int) -> int:
        """The discontinuity sequence number of the segment at `position`: how many discontinuities come
        before it in the whole replay, its own included (`EXT-X-DISCONTINUITY-SEQUENCE` of a playlist
        that starts there)."""
        query = (
            sa.select(sa.func.count())
            .select_from(replay_segments)
            .where(replay_segments.c.replay_id == replay_id)
            .where(replay_segments.c.position > 0)
            .where(replay_segments.c.position <= position)
            .where(replay_segments.c.discontinuity.is_(True))
        )
        async with self._engine.connect() as conn:
            return int((await conn.execute(query)).scalar() or 0)

    async def total_size(self, *, in_bucket: bool | None = None) -> int:
        """Bytes kept: all replays' (None), those in a bucket (True) or those on local disk (False)."""
        query = sa.select(sa.func.coalesce(sa.func.sum(replay_segments.c.size), 0))
        if in_bucket is not None:
            kept_where = replays.c.s3_bucket.is_not(None) if in_bucket else replays.c.s3_bucket.is_(None)
            query = query.select_from(
                replay_segments.join(replays, replays.c.id == replay_segments.c.replay_id)
            ).where(kept_where)
        async with self._engine.connect() as conn:
            total = (await conn.execute(query)).scalar()
        return int(total or 0)

    async def delete(self, replay_id: str) -> bool:
        async with self._engine.begin() as conn:
            await conn.execute(sa.delete(replay_segments).where(replay_segments.c.replay_id == replay_id))
            result = await conn.execute(sa.delete(replays).where(replays.c.id == replay_id))
        return bool(result.rowcount)
