"""Fragmented MP4 (CMAF) as ffmpeg writes it to a pipe: top-level boxes in, the init segment and each
fragment (with its timing) out.

Pure code: `Fmp4Reader.feed()` takes whatever bytes a pipe read returned (a box may be split anywhere)
and returns what became complete. ffmpeg writes `ftyp` + `moov` (the init segment), then one `moof` +
`mdat` pair per fragment (`-frag_duration`, `frag_keyframe`); `styp`, `sidx`, `prft` and `emsg` boxes in
front of a `moof` travel with its fragment, `free`/`skip` and other top-level boxes are dropped. Anything
else — a size that cannot be, a `moof` before the init segment, an `mdat` without its `moof`, a `moof`
that does not parse — is `Fmp4Error`: the producer is broken and its output cannot be trusted.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Final

from ownstream.hls.fmp4_codecs import codec_string

MAX_BOX_SIZE: Final = 64 * 1024 * 1024
"""No fragment of a live stream comes near this; a bigger size is a broken producer, not media."""

_BOX_HEADER = struct.Struct(">I4s")
_U32 = struct.Struct(">I")
_U64 = struct.Struct(">Q")

_FRAGMENT_PREFIX_BOXES: Final = frozenset({b"styp", b"sidx", b"prft", b"emsg"})
_NON_SYNC_SAMPLE: Final = 0x00010000

# tfhd flags
_BASE_DATA_OFFSET: Final = 0x000001
_SAMPLE_DESCRIPTION_INDEX: Final = 0x000002
_DEFAULT_SAMPLE_DURATION: Final = 0x000008
_DEFAULT_SAMPLE_SIZE: Final = 0x000010
_DEFAULT_SAMPLE_FLAGS: Final = 0x000020
# trun flags
_DATA_OFFSET: Final = 0x000001
_FIRST_SAMPLE_FLAGS: Final = 0x000004
_SAMPLE_DURATION: Final = 0x000100
_SAMPLE_SIZE: Final = 0x000200
_SAMPLE_FLAGS: Final = 0x000400
_SAMPLE_CTO: Final = 0x000800


class Fmp4Error(ValueError):
    """The bytes are not fragmented MP4 as expected (a broken producer)."""


@dataclass(frozen=True)
class Track:
    track_id: int
    handler: str
    """`vide`, `soun`, … (the `hdlr` handler type)."""
    timescale: int
    codec: str | None
    """RFC 6381 codec string (`avc1.64001f`, `mp4a.40.2`), None when unknown."""
    width: int = 0
    height: int = 0
    default_sample_duration: int = 0
    """From `trex`, used when a fragment names no duration."""
    default_sample_flags: int = 0

    @property
    def is_video(self) -> bool:
        return self.handler == "vide"


@dataclass(frozen=True)
class InitSegment:
    data: bytes
    """`ftyp` + `moov`: what `EXT-X-MAP` points at."""
    tracks: tuple[Track, ...]

    @property
    def lead_track(self) -> Track | None:
        """The track whose timeline parts and segments follow: the video, else the first track."""
        for track in self.tracks:
            if track.is_video:
                return track
        return self.tracks[0] if self.tracks else None

    @property
    def codecs(self) -> str | None:
        """Every track's codec string for the master playlist's `CODECS`, None if one is unknown."""
        strings = [track.codec for track in self.tracks]
        if not strings or any(s is None for s in strings):
            return None
        return ",".join(s for s in strings if s is not None)


@dataclass(frozen=True)
class TrackRun:
    """One track's samples in one fragment."""

    track_id: int
    base_decode_time: int
    """`tfdt`, in the track's timescale."""
    duration: int
    """Sum of the sample durations, in the track's timescale."""
    samples: int
    starts_with_sync: bool
    """The first sample is a sync sample (for video: a keyframe)."""


@dataclass(frozen=True)
class Fragment:
    data: bytes
    """The fragment's bytes: any prefix boxes, `moof`, `mdat`."""
    runs: tuple[TrackRun, ...]

    def run_for(self, track_id: int) -> TrackRun | None:
        for run in self.runs:
            if run.track_id == track_id:
                return run
        return None


Fmp4Item = InitSegment | Fragment


def iter_boxes(
    data: bytes | memoryview, start: int = 0, end: int | None = None
) -> Iterator[tuple[bytes, int, int]]:
    """(type, payload start, box end) for each box in `data[start:end]`; `Fmp4Error` on a bad size."""
    end = len(data) if end is None else end
    offset = start
    while offset < end:
        if end - offset < 8:
            raise Fmp4Error(f"{end - offset} stray bytes where a box header should be")
        size, kind = _BOX_HEADER.unpack_from(data, offset)
        header = 8
        if size == 1:
            if end - offset < 16:
                raise Fmp4Error("truncated 64-bit box size")
            size = _U64.unpack_from(data, offset + 8)[0]
            header = 16
        elif size == 0:
            size = end - offset  # "to the end": only meaningful inside a parent here
        if size < header or offset + size > end:
            raise Fmp4Error(f"box {kind!r} of size {size} does not fit its parent")
        yield bytes(kind), offset + header, offset + size
        offset += size


def _child(data: bytes, start: int, end: int, kind: bytes) -> tuple[int, int] | None:
    for found, payload, box_end in iter_boxes(data, start, end):
        if found == kind:
            return payload, box_end
    return None


class Fmp4Reader:
    """Incremental reader of one fMP4 byte stream."""

    def __init__(self, max_box_size: int = MAX_BOX_SIZE) -> None:
        self._buffer = bytearray()
        self._max_box_size = max_box_size
        self._ftyp: bytes | None = None
        self._init: InitSegment | None = None
        self._tracks: dict[int, Track] = {}
        self._prefix: list[bytes] = []
        self._moof: bytes | None = None

    @property
    def init(self) -> InitSegment | None:
        return self._init

    @property
    def buffered(self) -> int:
        """Bytes of an incomplete box held back until the rest arrives."""
        return len(self._buffer)

    def feed(self, data: bytes) -> list[Fmp4Item]:
        """Take the next bytes; return every init segment and fragment they completed, in order."""
        self._buffer += data
        items: list[Fmp4Item] = []
        buffer = self._buffer
        offset = 0
        while len(buffer) - offset >= 8:
            size, kind = _BOX_HEADER.unpack_from(buffer, offset)
            header = 8
            if size == 1:
                if len(buffer) - offset < 16:
                    break
                size = _U64.unpack_from(buffer, offset + 8)[0]
                header = 16
            if size < header or size > self._max_box_size:
                raise Fmp4Error(f"top-level box {bytes(kind)!r} has an impossible size {size}")
            if len(buffer) - offset < size:
                break
            box = bytes(buffer[offset : offset + size])
            offset += size
            item = self._take(bytes(kind), box, header)
            if item is not None:
                items.append(item)
        del buffer[:offset]
        return items

    def close(self) -> None:
        """End of the stream: raise if it stopped in the middle of a box or a fragment."""
        if self._buffer:
            raise Fmp4Error(f"the stream ended inside a box ({len(self._buffer)} bytes pending)")
        if self._moof is not None:
            raise Fmp4Error("the stream ended after a moof without its mdat")

    def _take(self, kind: bytes, box: bytes, header: int) -> Fmp4Item | None:
        if kind == b"ftyp":
            if self._init is not None:
                raise Fmp4Error("a second init segment in one stream")
            self._ftyp = box
            return None
        if kind == b"moov":
            if self._init is not None:
                raise Fmp4Error("a second moov in one stream")
            tracks = parse_moov(box, header)
            self._tracks = {track.track_id: track for track in tracks}
            self._init = InitSegment((self._ftyp or b"") + box, tracks)
            return self._init
        if kind in _FRAGMENT_PREFIX_BOXES:
            self._need_init(kind)
            self._prefix.append(box)
            return None
        if kind == b"moof":
            self._need_init(kind)
            if self._moof is not None:
                raise Fmp4Error("two moof boxes without an mdat between them")
            self._moof = box
            return None
        if kind == b"mdat":
            moof = self._moof
            if moof is None:
                raise Fmp4Error("an mdat without its moof")
            runs = parse_moof(moof, self._tracks)
            data = b"".join([*self._prefix, moof, box])
            self._prefix.clear()
            self._moof = None
            return Fragment(data, runs)
        return None  # free, skip, udta, a trailer: nothing a player needs

    def _need_init(self, kind: bytes) -> None:
        if self._init is None:
            raise Fmp4Error(f"{kind!r} before the init segment")


# --------------------------------------------------------------------------------------------- init segment


def parse_moov(box: bytes, header: int = 8) -> tuple[Track, ...]:
    """The tracks of a `moov` box (the whole box, header included)."""
    try:
        return _parse_moov(box, header)
    except (struct.error, IndexError) as error:
        raise Fmp4Error(f"unreadable moov: {error}") from None


def _parse_moov(box: bytes, header: int) -> tuple[Track, ...]:
    trex: dict[int, tuple[int, int]] = {}
    traks: list[tuple[int, int]] = []
    for kind, start, end in iter_boxes(box, header):
        if kind == b"trak":
            traks.append((start, end))
        elif kind == b"mvex":
            for inner, inner_start, _inner_end in iter_boxes(box, start, end):
                if inner == b"trex":
                    # version/flags, track_ID, default description index, duration, size, flags
                    track_id = _U32.unpack_from(box, inner_start + 4)[0]
                    duration = _U32.unpack_from(box, inner_start + 12)[0]
                    flags = _U32.unpack_from(box, inner_start + 20)[0]
                    trex[track_id] = (duration, flags)
    tracks = [_parse_trak(box, start, end, trex) for start, end in traks]
    return tuple(track for track in tracks if track is not None)


def _parse_trak(box: bytes, start: int, end: int, trex: dict[int, tuple[int, int]]) -> Track | None:
    tkhd = _child(box, start, end, b"tkhd")
    mdia = _child(box, start, end, b"mdia")
    if tkhd is None or mdia is None:
        return None
    version = box[tkhd[0]]
    track_id = _U32.unpack_from(box, tkhd[0] + (20 if version == 1 else 12))[0]
    width = _U32.unpack_from(box, tkhd[1] - 8)[0] >> 16
    height = _U32.unpack_from(box, tkhd[1] - 4)[0] >> 16
    mdhd = _child(box, mdia[0], mdia[1], b"mdhd")
    hdlr = _child(box, mdia[0], mdia[1], b"hdlr")
    if mdhd is None or hdlr is None:
        return None
    version = box[mdhd[0]]
    timescale = _U32.unpack_from(box, mdhd[0] + (20 if version == 1 else 12))[0]
    if timescale == 0:
        raise Fmp4Error(f"track {track_id} has a zero timescale")
    handler = box[hdlr[0] + 8 : hdlr[0] + 12].decode("latin-1")
    codec = None
    minf = _child(box, mdia[0], mdia[1], b"minf")
    stbl = _child(box, minf[0], minf[1], b"stbl") if minf else None
    stsd = _child(box, stbl[0], stbl[1], b"stsd") if stbl else None
    if stsd is not None:
        entries = list(iter_boxes(box, stsd[0] + 8, stsd[1]))
        if entries:
            kind, entry_start, entry_end = entries[0]
            codec = codec_string(kind, box[entry_start:entry_end], is_video=handler == "vide")
    default_duration, default_flags = trex.get(track_id, (0, 0))
    return Track(track_id, handler, timescale, codec, width, height, default_duration, default_flags)


# ------------------------------------------------------------------------------------------------ fragments


def parse_moof(box: bytes, tracks: dict[int, Track]) -> tuple[TrackRun, ...]:
    """Each track's timing in a `moof` box (the whole box)."""
    try:
        runs = [
            _parse_traf(box, start, end, tracks) for kind, start, end in iter_boxes(box, 8) if kind == b"traf"
        ]
    except (struct.error, IndexError) as error:
        raise Fmp4Error(f"unreadable moof: {error}") from None
    if not runs:
        raise Fmp4Error("a moof without any track fragment")
    return tuple(runs)


def _parse_traf(box: bytes, start: int, end: int, tracks: dict[int, Track]) -> TrackRun:
    track_id: int | None = None
    default_duration = 0
    default_flags = 0
    base_decode_time: int | None = None
    duration = 0
    samples = 0
    first_flags: int | None = None
    for kind, payload, box_end in iter_boxes(box, start, end):
        if kind == b"tfhd":
            flags = int.from_bytes(box[payload + 1 : payload + 4], "big")
            track_id = _U32.unpack_from(box, payload + 4)[0]
            track = tracks.get(track_id)
            if track is None:
                raise Fmp4Error(f"a fragment of unknown track {track_id}")
            default_duration, default_flags = track.default_sample_duration, track.default_sample_flags
            cursor = payload + 8
            if flags & _BASE_DATA_OFFSET:
                cursor += 8
            if flags & _SAMPLE_DESCRIPTION_INDEX:
                cursor += 4
            if flags & _DEFAULT_SAMPLE_DURATION:
                default_duration = _U32.unpack_from(box, cursor)[0]
                cursor += 4
            if flags & _DEFAULT_SAMPLE_SIZE:
                cursor += 4
            if flags & _DEFAULT_SAMPLE_FLAGS:
                default_flags = _U32.unpack_from(box, cursor)[0]
        elif kind == b"tfdt":
            if box[payload] == 1:
                base_decode_time = _U64.unpack_from(box, payload + 4)[0]
            else:
                base_decode_time = _U32.unpack_from(box, payload + 4)[0]
        elif kind == b"trun":
            if track_id is None:
                raise Fmp4Error("a trun before its tfhd")
            run_duration, run_samples, run_first = _parse_trun(
                box, payload, box_end, default_duration, default_flags
            )
            if samples == 0:
                first_flags = run_first
            duration += run_duration
            samples += run_samples
    if track_id is None or base_decode_time is None:
        raise Fmp4Error("a track fragment without tfhd or tfdt")
    sync = first_flags is None or not first_flags & _NON_SYNC_SAMPLE
    return TrackRun(track_id, base_decode_time, duration, samples, sync)


def _parse_trun(
    box: bytes, payload: int, end: int, default_duration: int, default_flags: int
) -> tuple[int, int, int | None]:
    """(total duration, sample count, the first sample's flags or None without samples)."""
    flags = int.from_bytes(box[payload + 1 : payload + 4], "big")
    count = _U32.unpack_from(box, payload + 4)[0]
    cursor = payload + 8
    if flags & _DATA_OFFSET:
        cursor += 4
    first_sample_flags = None
    if flags & _FIRST_SAMPLE_FLAGS:
        first_sample_flags = _U32.unpack_from(box, cursor)[0]
        cursor += 4
    per_sample = 4 * sum(
        1 for bit in (_SAMPLE_DURATION, _SAMPLE_SIZE, _SAMPLE_FLAGS, _SAMPLE_CTO) if flags & bit
    )
    if cursor + per_sample * count > end:
        raise Fmp4Error(f"a trun of {count} samples does not fit its box")
    if not flags & _SAMPLE_DURATION:
        total = default_duration * count
    else:
        total = 0
        for index in range(count):
            total += _U32.unpack_from(box, cursor + index * per_sample)[0]
    if count == 0:
        return total, 0, None
    if first_sample_flags is None:
        if flags & _SAMPLE_FLAGS:
            offset = 4 if flags & _SAMPLE_DURATION else 0
            offset += 4 if flags & _SAMPLE_SIZE else 0
            first_sample_flags = _U32.unpack_from(box, cursor + offset)[0]
        else:
            first_sample_flags = default_flags
    return total, count, first_sample_flags
