"""The clips: cutting one from a replay (finished, or the one being recorded), listing, serving and
deleting them.

A clip keeps its own hard links to its segment files in `<datadir>/clips/<clip id>/` (a copy across file
systems), made when it is cut. While its replay exists the two share the bytes on disk; when the
replay's retention (or the admin) deletes the replay, the clip's links keep its segments. So the
replay retention and disk budget count only replays, and each clip keeps at most its maximum length
(plus two segments) beyond them, until the admin deletes it. A clip of the live stream takes the
segments recorded so far: it is complete (a VOD) the moment it is cut.

A clip of a replay recorded to S3 keeps its own copy in the replay's bucket instead (clips/bucket.py:
copied on the bucket's side to `<pathPrefix>/clips/<clip id>/`), and its row says where; it is played
from the bucket's public address and deleted there, as such a replay is.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Final

from ownstream.clips.bucket import ClipBucket, SourceMissing, clip_object_key
from ownstream.clips.cut import choose_segments
from ownstream.clips.request import ClipRequest
from ownstream.clock import Clock
from ownstream.database.repos.clips import ClipRepository, StoredClip
from ownstream.database.repos.replays import BucketLocation, ReplaySegment, StoredReplay
from ownstream.domain.ids import short_id
from ownstream.errors import NotFound, TooManyRequests, Unavailable
from ownstream.events import ClipCreated, EventBus
from ownstream.replays.bucket import is_configured
from ownstream.replays.files import RecordingFiles, valid_replay_id
from ownstream.replays.library import ReplayLibrary
from ownstream.replays.playlist import render_replay_playlist

log = logging.getLogger(__name__)

CLIPS_PER_HOUR: Final = 10
"""Clips a chat user who is not a moderator may cut in an hour (each keeps video on disk)."""
ADMIN: Final = "admin"


@dataclass(frozen=True)
class ClipAuthor:
    id: str
    """The chat user's id, or `admin`."""
    name: str
    limited: bool
    """Held to `CLIPS_PER_HOUR` (chat users who are not moderators)."""


class ClipLibrary:
    def __init__(
        self, repository: ClipRepository, files: RecordingFiles, replays: ReplayLibrary, bus: EventBus,
        clock: Clock,
    ) -> None:  # fmt: skip
        self.repository = repository
        self.files = files
        self.replays = replays
        self._bus = bus
        self._clock = clock
        self._cutting = asyncio.Lock()
        """One cut at a time: the per-hour count stays right, and deletes of the replay wait less."""

    @property
    def downloads(self) -> asyncio.Semaphore:
        """`download.mp4` remuxes share the replays' limit (each is an ffmpeg)."""
        return self.replays.downloads

    # --- reading --------------------------------------------------------------------------------------
    async def all(self) -> list[StoredClip]:
        return await self.repository.all()

    async def get(self, clip_id: str) -> StoredClip:
        clip = await self.repository.get(clip_id) if valid_replay_id(clip_id) else None
        if clip is None:
            raise NotFound("clip not found")
        return clip

    async def segments(self, clip_id: str) -> list[ReplaySegment]:
        return await self.repository.segments(clip_id)

    async def playlist(self, clip: StoredClip, media_prefix: str) -> str:
        """The clip's VOD playlist (program date times on every segment, as its replay's)."""
        segments = await self.repository.segments(clip.id)
        if not segments:
            raise NotFound("the clip has no video")
        return render_replay_playlist(segments, ended=True, media_prefix=media_prefix)

    def file(self, clip_id: str, name: str) -> Path:
        """Where a clip's file is (ValueError for a name no clip holds)."""
        return self.files.path(clip_id, name)

    def folder(self, clip_id: str) -> Path:
        return self.files.folder(clip_id)

    # --- cutting --------------------------------------------------------------------------------------
    async def cut(self, request: ClipRequest, max_duration: int, author: ClipAuthor) -> StoredClip:
        """Cut and keep a clip. NotFound (no such replay, nothing live, the replay went meanwhile),
        Invalid (the range), TooManyRequests (a chat user's hourly allowance), Unavailable (a replay in
        a bucket that cannot be reached, or that S3 storage no longer names)."""
        async with self._cutting:
            now = self._clock.now()
            if author.limited:
                made = await self.repository.made_by_since(author.id, now - timedelta(hours=1))
                if made >= CLIPS_PER_HOUR:
                    raise TooManyRequests(f"you may create {CLIPS_PER_HOUR} clips an hour; try again later")
            replay_id = request.replay_id or self.replays.recording()
            if replay_id is None:
                raise NotFound("no stream is being recorded now; name the replay to clip (replayId)")
            replay = await self.replays.get(replay_id)
            chosen = choose_segments(
                await self.replays.segments(replay.id), request.start, request.end, max_duration
            )
            clip = StoredClip(
                id=short_id(),
                title=request.title or replay.title,
                replay_id=replay.id,
                started_at=chosen[0].program_date_time,
                ended_at=chosen[-1].end,
                duration=sum(segment.duration for segment in chosen),
                size=sum(segment.size for segment in chosen),
                created_at=now,
                created_by=author.id,
                created_by_name=author.name,
                location=replay.location,
            )
            if replay.location is None:
                await self._keep_on_disk(clip, replay, chosen)
            else:
                await self._keep_in_bucket(clip, replay, replay.location, chosen)
        log.info("clip %s cut from replay %s (%.1f s) by %s", clip.id, replay.id, clip.duration, author.id)
        self._bus.publish(
            ClipCreated(
                clip.id, clip.title, clip.replay_id, clip.started_at, clip.ended_at, clip.duration,
                clip.created_by_name,
            )
        )  # fmt: skip
        return clip

    async def _keep_on_disk(
        self, clip: StoredClip, replay: StoredReplay, chosen: list[ReplaySegment]
    ) -> None:
        source = self.replays.files.folder(replay.id)
        try:
            await asyncio.to_thread(self._keep, clip.id, source, chosen)
            await self.repository.create(clip, chosen)
        except FileNotFoundError:
            await asyncio.to_thread(self.files.remove, clip.id)
            raise NotFound("the replay was deleted while the clip was cut") from None
        except BaseException:
            await asyncio.to_thread(self.files.remove, clip.id)
            raise

    async def _keep_in_bucket(
        self, clip: StoredClip, replay: StoredReplay, location: BucketLocation, chosen: list[ReplaySegment]
    ) -> None:
        """Copy the segments inside the replay's bucket, then write the rows; on any failure the copies
        made are deleted again (as far as the bucket lets us)."""
        config = self.replays.s3_config()
        if not is_configured(location, config):
            raise Unavailable("the replay is in a bucket S3 storage no longer names: it cannot be clipped")
        names = _names(chosen)
        try:
            bucket = await ClipBucket.open(config, location.path_prefix)
        except Exception as error:
            raise Unavailable(f"the bucket cannot be reached: {error}") from error
        try:
            try:
                await bucket.copy(replay.id, clip.id, names)
            except SourceMissing:
                raise NotFound("the replay was deleted while the clip was cut") from None
            except Exception as error:
                raise Unavailable(f"the clip could not be copied in the bucket: {error}") from error
            await self.repository.create(clip, chosen)
        except BaseException:
            try:
                await bucket.remove(clip.id, names)
            except Exception as error:
                log.warning("clip %s: the copies made could not be deleted: %s", clip.id, error)
            raise
        finally:
            await bucket.close()

    def _keep(self, clip_id: str, source: Path, segments: list[ReplaySegment]) -> None:
        for segment in segments:
            self.files.keep(clip_id, source / segment.init_name, segment.init_name)
            self.files.keep(clip_id, source / segment.name, segment.name)

    # --- removing -------------------------------------------------------------------------------------
    async def delete(self, clip_id: str) -> None:
        """The admin's delete: the objects in a bucket first (Unavailable when it cannot be reached: the
        clip stays listed), then the rows, then the local files (a clip is never listed without them)."""
        clip = await self.get(clip_id)
        if clip.location is not None:
            await self._remove_objects(clip, clip.location)
        await self.repository.delete(clip.id)
        await asyncio.to_thread(self.files.remove, clip.id)
        log.info("clip %s deleted", clip.id)

    async def _remove_objects(self, clip: StoredClip, location: BucketLocation) -> None:
        """Unavailable when the bucket cannot be reached (the clip stays listed)."""
        config = self.replays.s3_config()
        if not is_configured(location, config):
            log.warning(
                "clip %s is in the bucket %s at %s, which S3 storage no longer names; its objects stay "
                "there (under %s)",
                clip.id,
                location.bucket,
                location.endpoint,
                clip_object_key(clip.id, "", location.path_prefix),
            )
            return
        names = _names(await self.repository.segments(clip.id))
        if not names:
            return
        try:
            bucket = await ClipBucket.open(config, location.path_prefix)
        except Exception as error:
            raise Unavailable(f"the bucket cannot be reached: {error}") from error
        try:
            await bucket.remove(clip.id, names)
        except Exception as error:
            raise Unavailable(f"the clip's files could not be deleted from the bucket: {error}") from error
        finally:
            await bucket.close()


def _names(segments: list[ReplaySegment]) -> list[str]:
    """The files of `segments`: each init segment (once, before the first segment using it), then each
    segment."""
    names: dict[str, None] = {}
    for segment in segments:
        names[segment.init_name] = None
        names[segment.name] = None
    return list(names)
