"""DVR while live: the replay being recorded, as the playlist a live viewer rewinds into.

The live playlist stays as small as the latency level makes it (a viewer at the edge reloads it every
part); a viewer who seeks further back than it reaches switches to this one, `/replay/<id>/dvr.m3u8`,
and back to the live playlist on LIVE. It is an EVENT playlist of the recorded segments from `since`
(seconds since the epoch) on: append-only for its URL, as EVENT requires, so it never drops a segment
under a viewer. The viewer page asks `/api/dvr` for its URL, whose `since` is the admin's DVR window
before now, rounded down to `SINCE_STEP`, so the viewers who arrive within the same half-minute share
one playlist, rendered once per new segment (`DvrPlaylists`).
"""

from __future__ import annotations

import asyncio
import gzip
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final

from ownstream.database.repos.replays import ReplayRepository, ReplaySegment
from ownstream.replays.playlist import render_replay_playlist, segment_lines, target_duration

SINCE_STEP: Final = 30
"""Seconds: `since` is rounded down to a multiple of this (a playlist shared by more viewers, at the
price of up to this much more than the window)."""
PLAYLISTS_KEPT: Final = 16
"""Rendered DVR playlists kept (one per `since` still asked for)."""
GZIP_LEVEL: Final = 6


@dataclass(frozen=True)
class DvrPlaylist:
    """A rendered DVR playlist, as text and gzipped: two hours of 1 s segments are ≈640 KiB that every
    rewound viewer reloads each target duration; gzipped ≈16 times less, compressed once per segment."""

    text: str
    gzipped: bytes
    last: ReplaySegment
    """Its newest segment (the next ones are appended after it)."""
    target: int
    """Its target duration (a longer segment means rendering it whole again)."""


def _packed(text: str, last: ReplaySegment, target: int) -> DvrPlaylist:
    return DvrPlaylist(text, gzip.compress(text.encode(), GZIP_LEVEL, mtime=0), last, target)


def window_since(now: datetime, window: int) -> int:
    """The `since` of the DVR playlist for a window of `window` seconds before `now`."""
    start = int(now.timestamp()) - window
    return max(0, start - start % SINCE_STEP)


def since_moment(since: int) -> datetime:
    return datetime.fromtimestamp(since, UTC)


class DvrPlaylists:
    """The rendered DVR playlists of the replays being recorded, each rendered again only after the
    replay kept another segment (`version`)."""

    def __init__(self, repository: ReplayRepository, version: Callable[[str], int]) -> None:
        self._repository = repository
        self._version = version
        self._rendered: OrderedDict[tuple[str, int], tuple[int, DvrPlaylist | None]] = OrderedDict()
        self._first_dates: dict[str, datetime] = {}

    async def first_date(self, replay_id: str) -> datetime | None:
        """When the replay's first kept segment begins (None: nothing kept yet); one look-up per replay."""
        known = self._first_dates.get(replay_id)
        if known is None and self._version(replay_id) > 0:
            known = await self._repository.first_segment_date(replay_id)
            if known is not None:
                self._first_dates[replay_id] = known
        return known

    async def playlist(self, replay_id: str, since: int, media_prefix: str) -> DvrPlaylist | None:
        """The EVENT playlist of the replay's segments from `since` on (None: none yet)."""
        key = (replay_id, since)
        version = self._version(replay_id)
        cached = self._rendered.get(key)
        if cached is not None and cached[0] == version:
            self._rendered.move_to_end(key)
            return cached[1]
        previous = cached[1] if cached is not None else None
        rendered = await self._grown(previous, replay_id, media_prefix) if previous is not None else None
        if rendered is None:
            rendered = await self._render(replay_id, since, media_prefix)
        self._rendered[key] = (version, rendered)
        self._rendered.move_to_end(key)
        while len(self._rendered) > PLAYLISTS_KEPT:
            self._rendered.popitem(last=False)
        return rendered

    async def _render(self, replay_id: str, since: int, media_prefix: str) -> DvrPlaylist | None:
        segments = await self._repository.segments_since(replay_id, since_moment(since))
        if not segments:
            return None
        sequence = await self._repository.discontinuity_sequence(replay_id, segments[0].position)

        def render() -> DvrPlaylist:
            text = render_replay_playlist(
                segments, ended=False, media_prefix=media_prefix, discontinuity_sequence=sequence
            )
            return _packed(text, segments[-1], target_duration(segments))

        return await asyncio.to_thread(render)

    async def _grown(self, previous: DvrPlaylist, replay_id: str, media_prefix: str) -> DvrPlaylist | None:
        """`previous` with the segments kept since appended (an EVENT playlist only grows), or None when
        one of them is longer than its target duration (then it is rendered whole)."""
        added = await self._repository.segments_after(replay_id, previous.last.position)
        if not added:
            return previous
        if target_duration(added) > previous.target:
            return None

        def grow() -> DvrPlaylist:
            lines = segment_lines(added, previous.last, media_prefix)
            return _packed(previous.text + "\n".join(lines) + "\n", added[-1], previous.target)

        return await asyncio.to_thread(grow)

    def forget(self, replay_id: str) -> None:
        self._first_dates.pop(replay_id, None)
        for key in [key for key in self._rendered if key[0] == replay_id]:
            del self._rendered[key]
