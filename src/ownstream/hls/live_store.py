"""The live stream's renditions as the HTTP side sees them: playlists rendered once per change, blocking
reloads that wait without polling, and parts, segments and init segments straight from memory.

One `LiveHls` lives as long as the server (the composition root hands it to the packager, which attaches
each stream's renditions, and to the `/hls/…` route). Waiting requests all await one future that the
packager resolves on every change (a part, a segment, the end), so a thousand blocked requests cost a
thousand parked coroutines and one wake-up each, nothing while they wait. Rendered playlists are cached
per change, so waking them costs one render per rendition and delta mode.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from typing import Final

from ownstream.hls.blocking import BLOCK_TARGET_DURATIONS, BadDirectives, Directives, check_not_too_far
from ownstream.hls.live_playlist import (
    LowLatency,
    MediaPlaylist,
    PartEntry,
    RenditionReport,
    SegmentEntry,
    Skip,
    render_media_playlist,
    target_duration_for,
)
from ownstream.hls.live_window import Part, RenditionWindow, Segment, SegmentNames
from ownstream.hls.parts import round_up
from ownstream.hls.playlist import PLAYLIST_NAME

log = logging.getLogger(__name__)

PART_HOLD_BACK_PARTS: Final = 3
"""`PART-HOLD-BACK` = 3 × part target: Apple's recommendation (the spec's minimum is 2×)."""
SKIP_TARGET_DURATIONS: Final = 6
"""`CAN-SKIP-UNTIL` = 6 × target duration, the spec's minimum."""
_RESOURCE = re.compile(r"(?:(init)-([A-Za-z0-9_-]+)\.mp4|(stream|part)-([A-Za-z0-9_-]+)-([0-9]{1,12})\.m4s)")


@dataclass(frozen=True)
class RenditionPlan:
    """How one rendition is packaged (fixed for the stream)."""

    segment_target: float
    playlist_length: int
    part_target: float | None
    """None: standard HLS (no parts, no blocking reload)."""


@dataclass(frozen=True)
class PlaylistAnswer:
    status: int
    body: bytes
    blocked: bool = False
    """The request waited (or could have): its response may be cached by URL."""


class LiveRendition:
    """One rendition of the live stream: its window and how its playlist is written."""

    def __init__(self, index: int, window: RenditionWindow, names: SegmentNames, plan: RenditionPlan) -> None:
        self.index = index
        self.window = window
        self.names = names
        self.plan = plan
        self.target_duration: int | None = None
        """Fixed when the playlist is first published (it may only grow after, logged)."""
        self.part_target: float | None = plan.part_target
        self._cache: dict[tuple[int, str | None], bytes] = {}
        self._cache_version = -1

    @property
    def low_latency(self) -> bool:
        return self.part_target is not None

    @property
    def published(self) -> bool:
        """Whether the playlist can be served: it holds a whole segment (players need one to start)."""
        return self.target_duration is not None

    def note_segment(self, segment: Segment) -> None:
        """A segment completed: publish the playlist with the first, keep the target duration honest."""
        if self.target_duration is None:
            self.target_duration = target_duration_for([segment.duration], round(self.plan.segment_target))
            if self.part_target is not None:
                longest = max((part.duration for part in segment.parts), default=0.0)
                if longest > self.part_target:
                    self.part_target = round_up(longest, 5)
            return
        needed = target_duration_for([segment.duration], self.target_duration)
        if needed > self.target_duration:
            log.warning(
                "rendition %d: a %.2f s segment exceeds the target duration of %d s (the source's "
                "keyframes are further apart than the latency level's segments); raising it",
                self.index,
                segment.duration,
                self.target_duration,
            )
            self.target_duration = needed

    @property
    def part_hold_back(self) -> float | None:
        return None if self.part_target is None else round(PART_HOLD_BACK_PARTS * self.part_target, 3)

    @property
    def can_skip_until(self) -> float | None:
        """Delta updates are offered when the window is long enough that something would be skipped."""
        if self.target_duration is None or self.part_target is None:
            return None
        until = float(SKIP_TARGET_DURATIONS * self.target_duration)
        window = self.plan.playlist_length * self.plan.segment_target
        return until if window >= 2 * until else None

    def playlist(self, version: int, skip: str | None, reports: tuple[RenditionReport, ...]) -> bytes:
        """The rendered playlist, from the cache when nothing changed since `version` was current."""
        if version != self._cache_version:
            self._cache.clear()
            self._cache_version = version
        key = (version, skip if self.low_latency else None)
        body = self._cache.get(key)
        if body is None:
            text = render_media_playlist(self.spec(reports), None if skip is None else Skip(skip == "v2"))
            body = self._cache[key] = text.encode("ascii")
        return body

    def spec(self, reports: tuple[RenditionReport, ...] = ()) -> MediaPlaylist:
        window = self.window
        segments = tuple(self._entry(segment) for segment in window.listed_segments())
        low = None
        if self.part_target is not None:
            low = LowLatency(
                part_target=self.part_target,
                part_hold_back=self.part_hold_back or 0.0,
                can_skip_until=self.can_skip_until,
                preload_hint=None if window.ended else self.names.part(window.hinted_part_number),
                reports=reports,
            )
        return MediaPlaylist(
            target_duration=self.target_duration or round(self.plan.segment_target),
            map_uri=self.names.init,
            segments=segments,
            low_latency=low,
            ended=window.ended,
        )

    def standard_playlist(self) -> str:
        """The playlist without parts or server control (what the disk and S3 hold), ended once the
        stream has ended."""
        window = self.window
        segments = tuple(
            self._entry(segment) for segment in window.complete_segments[-self.plan.playlist_length :]
        )
        playlist = MediaPlaylist(
            target_duration=self.target_duration or round(self.plan.segment_target),
            map_uri=self.names.init,
            segments=tuple(replace(segment, parts=()) for segment in segments),
            ended=window.ended,
        )
        return render_media_playlist(playlist)

    def _entry(self, segment: Segment) -> SegmentEntry:
        parts = tuple(
            PartEntry(self.names.part(part.number), part.duration, part.independent)
            for part in segment.parts
            if part.complete
        )
        return SegmentEntry(
            msn=segment.msn,
            duration=segment.duration,
            program_date_time=segment.program_date_time,
            uri=self.names.segment(segment.msn) if segment.complete else None,
            parts=parts,
        )

    def report(self) -> RenditionReport | None:
        """This rendition as the others report it."""
        last = self.window.last_part
        if last is None:
            return None
        return RenditionReport(f"../{self.index}/{PLAYLIST_NAME}", last.msn, last.index)

    def parts_per_segment(self) -> int:
        if self.part_target is None:
            return 1
        return max(1, round(self.plan.segment_target / self.part_target))


class LiveHls:
    """The current stream's renditions (none while offline)."""

    def __init__(self) -> None:
        self._renditions: dict[int, LiveRendition] = {}
        self.names: SegmentNames | None = None
        self.version = 0
        self._changed: asyncio.Future[None] | None = None

    # --- the packager's side --------------------------------------------------------------------------
    def attach(self, names: SegmentNames, renditions: list[LiveRendition]) -> None:
        self.names = names
        self._renditions = {rendition.index: rendition for rendition in renditions}
        self.bump()

    def detach(self) -> None:
        """The stream's playlists are final on disk; serve from there."""
        self._renditions = {}
        self.names = None
        self.bump()

    def bump(self) -> None:
        """Something changed: every waiting request looks again."""
        self.version += 1
        changed, self._changed = self._changed, None
        if changed is not None and not changed.done():
            changed.set_result(None)

    # --- the HTTP side --------------------------------------------------------------------------------
    def rendition(self, index: int) -> LiveRendition | None:
        rendition = self._renditions.get(index)
        return rendition if rendition is not None and rendition.published else None

    @property
    def renditions(self) -> list[LiveRendition]:
        return list(self._renditions.values())

    async def playlist(self, index: int, directives: Directives) -> PlaylistAnswer | None:
        """The playlist for `directives` (after waiting if they ask to); None: not live here."""
        rendition = self.rendition(index)
        if rendition is None:
            return None
        window = rendition.window
        blocking = directives.blocking and rendition.low_latency and not window.ended
        if blocking and directives.msn is not None:
            newest = window.last_part
            try:
                check_not_too_far(
                    directives,
                    newest_msn=newest.msn if newest is not None else (window.last_complete_msn or 0),
                    newest_part=newest.index if newest is not None else None,
                    parts_per_segment=rendition.parts_per_segment(),
                    part_target=rendition.part_target,
                )
            except BadDirectives as error:
                return PlaylistAnswer(400, str(error).encode())
            timeout = BLOCK_TARGET_DURATIONS * (rendition.target_duration or 1)
            if not await self._wait_for(rendition, directives.msn, directives.part, timeout):
                return PlaylistAnswer(503, b"the requested part did not arrive in time", blocked=True)
            if self._renditions.get(index) is not rendition:
                return None  # the stream ended meanwhile: its final playlist is on disk
        body = rendition.playlist(self.version, directives.skip, self._reports(index))
        return PlaylistAnswer(200, body, blocked=blocking)

    async def _wait_for(self, rendition: LiveRendition, msn: int, part: int | None, timeout: float) -> bool:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not rendition.window.has(msn, part):
            if self._renditions.get(rendition.index) is not rendition:
                return True
            remaining = deadline - loop.time()
            if remaining <= 0 or not await self.wait_for_change(remaining):
                return rendition.window.has(msn, part)
        return True

    async def wait_for_change(self, timeout: float) -> bool:
        """Wait for the next change; False after `timeout` seconds without one."""
        if self._changed is None:
            self._changed = asyncio.get_running_loop().create_future()
        try:
            await asyncio.wait_for(asyncio.shield(self._changed), timeout)
        except TimeoutError:
            return False
        return True

    def _reports(self, index: int) -> tuple[RenditionReport, ...]:
        reports = []
        for other in self._renditions.values():
            if other.index != index and other.low_latency:
                report = other.report()
                if report is not None:
                    reports.append(report)
        return tuple(reports)

    def resource(self, index: int, name: str) -> Resource | None:
        """What `name` in rendition `index` is, if it belongs to the live stream."""
        rendition = self.rendition(index)
        match = _RESOURCE.fullmatch(name)
        if rendition is None or match is None:
            return None
        if match.group(1):
            if match.group(2) != rendition.names.session or rendition.window.init is None:
                return None
            return Resource(rendition, "init", 0)
        if match.group(4) != rendition.names.session:
            return None
        return Resource(rendition, match.group(3), int(match.group(5)))


@dataclass(frozen=True)
class Resource:
    rendition: LiveRendition
    kind: str
    """`init`, `stream` (a segment) or `part`."""
    number: int

    def init_bytes(self) -> bytes | None:
        init = self.rendition.window.init
        return init.data if init is not None else None

    def segment(self) -> Segment | None:
        segment = self.rendition.window.segment(self.number)
        return segment if segment is not None and segment.complete else None

    def complete_part(self) -> Part | None:
        part = self.rendition.window.part(self.number)
        return part if part is not None and part.complete else None

    @property
    def hinted(self) -> bool:
        """This part is the next one (the preload hint): it can be asked for before it is complete."""
        window = self.rendition.window
        return not window.ended and self.number == window.hinted_part_number


async def first_bytes_of(store: LiveHls, resource: Resource, timeout: float) -> Part | None:
    """Wait until the hinted part has begun (its first fragment arrived); None when the stream ended or
    `timeout` passed without it."""
    window = resource.rendition.window
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        part = window.part(resource.number)
        if part is not None and part.chunks:
            return part
        if window.ended or store.rendition(resource.rendition.index) is not resource.rendition:
            return None
        remaining = deadline - asyncio.get_running_loop().time()
        if remaining <= 0 or not await store.wait_for_change(remaining):
            part = window.part(resource.number)
            return part if part is not None and part.chunks else None


async def part_chunks(store: LiveHls, part: Part, timeout: float) -> AsyncIterator[bytes]:
    """A part's bytes as they arrive, ending when it is complete; stops early (having sent what there
    was) if nothing arrives for `timeout` seconds or the stream ends first."""
    sent = 0
    while True:
        for chunk in part.chunks[sent:]:
            yield chunk
        sent = len(part.chunks)
        if part.complete:
            return
        if not await store.wait_for_change(timeout) and len(part.chunks) == sent and not part.complete:
            return
