"""Server-side delay: how long after a frame was made its segment shows up in the variant playlist.

Polls a variant playlist over HTTP; for every newly listed segment it notes the time, downloads the
segment and decodes the clock burned into its first and last frames (PyAV, in a thread). Works against
any HLS origin that serves a clock_publisher stream: Ownstream or the bare reference relay.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import time
from dataclasses import dataclass, field

import aiohttp
from clock_barcode import decode_gray
from common import fetch_text, median, playlist_segments


@dataclass(frozen=True)
class SegmentTiming:
    uri: str
    duration: float
    appeared: float
    """Wall clock (time.time()) when the segment was first seen listed."""
    first_clock: float
    """Clock decoded from the segment's first frame (s)."""
    last_clock: float

    @property
    def first_frame_delay(self) -> float:
        return self.appeared - self.first_clock

    @property
    def last_frame_delay(self) -> float:
        return self.appeared - self.last_clock


def segment_clocks(data: bytes, container_format: str = "mpegts") -> tuple[float, float] | None:
    """(first, last) decoded clock of a segment's video frames, in seconds (fMP4: init + segment bytes)."""
    import io

    import av

    clocks: list[int] = []
    with av.open(io.BytesIO(data), mode="r", format=container_format) as container:
        for frame in container.decode(video=0):
            plane = frame.planes[0]
            value = decode_gray(bytes(plane), frame.width, frame.height, plane.line_size)
            if value is not None:
                clocks.append(value)
    if not clocks:
        return None
    return clocks[0] / 1000, clocks[-1] / 1000


@dataclass
class SegmentDelayWatcher:
    """Run as a task while the stream is live; `timings` fills up as segments appear."""

    playlist_url: str
    poll_seconds: float = 0.05
    skip_first: int = 2
    """Segments listed at the first look are not timed (we did not see them arrive), nor the next few."""
    timings: list[SegmentTiming] = field(default_factory=list)
    _seen: set[str] = field(default_factory=set)
    _primed: bool = False
    _inits: dict[str, bytes] = field(default_factory=dict)
    _skipped: int = 0

    async def run(self, stop: asyncio.Event) -> None:
        base = self.playlist_url.rsplit("/", 1)[0]
        async with aiohttp.ClientSession() as http:
            while not stop.is_set():
                text = await fetch_text(http, self.playlist_url)
                seen_at = time.time()
                if text is not None:
                    for segment in playlist_segments(text):
                        if segment.uri in self._seen:
                            continue
                        self._seen.add(segment.uri)
                        if not self._primed:
                            continue  # listed before we first looked: arrival time unknown
                        if self._skipped < self.skip_first:
                            self._skipped += 1  # the very first segments of a run are atypical
                            continue
                        init = await self._init(http, base, text)
                        await self._time_segment(
                            http, f"{base}/{segment.uri}", segment.uri, segment.duration, seen_at, init
                        )
                    self._primed = True
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), self.poll_seconds)

    async def _init(self, http: aiohttp.ClientSession, base: str, playlist: str) -> bytes | None:
        """The fMP4 init segment (`#EXT-X-MAP`), fetched once; None for MPEG-TS playlists."""
        match = re.search(r'#EXT-X-MAP:URI="([^"]+)"', playlist)
        if match is None:
            return None
        if match.group(1) not in self._inits:
            async with http.get(f"{base}/{match.group(1)}") as response:
                self._inits[match.group(1)] = await response.read()
        return self._inits[match.group(1)]

    async def _time_segment(
        self,
        http: aiohttp.ClientSession,
        url: str,
        uri: str,
        duration: float,
        seen_at: float,
        init: bytes | None = None,
    ) -> None:
        try:
            async with http.get(url, timeout=aiohttp.ClientTimeout(total=5)) as response:
                if response.status != 200:
                    return
                data = await response.read()
        except (aiohttp.ClientError, TimeoutError):
            return
        if init is not None:
            clocks = await asyncio.to_thread(segment_clocks, init + data, "mp4")
        else:
            clocks = await asyncio.to_thread(segment_clocks, data)
        if clocks is not None:
            self.timings.append(SegmentTiming(uri, duration, seen_at, *clocks))

    def summary(self) -> dict[str, float]:
        return {
            "segments_timed": len(self.timings),
            "segment_duration_s": median([t.duration for t in self.timings]),
            "first_frame_delay_s": median([t.first_frame_delay for t in self.timings]),
            "last_frame_delay_s": median([t.last_frame_delay for t in self.timings]),
        }
