"""Builds small fragmented MP4 byte streams for tests: an init segment (video `avc1` and/or audio `mp4a`
tracks) and fragments with chosen timing, laid out as ffmpeg's mp4 muxer lays them out."""

from __future__ import annotations

import struct
from collections.abc import Sequence
from dataclasses import dataclass

VIDEO_ID = 1
AUDIO_ID = 2
VIDEO_TIMESCALE = 90_000
AUDIO_TIMESCALE = 48_000
NON_SYNC = 0x01010000
SYNC = 0x02000000


def box(kind: bytes, *payload: bytes) -> bytes:
    body = b"".join(payload)
    return struct.pack(">I4s", 8 + len(body), kind) + body


def full_box(kind: bytes, version: int, flags: int, *payload: bytes) -> bytes:
    return box(kind, struct.pack(">I", (version << 24) | flags), *payload)


def _trak(
    track_id: int, handler: bytes, timescale: int, entry: bytes, width: int = 0, height: int = 0
) -> bytes:
    tkhd = full_box(
        b"tkhd",
        0,
        3,
        struct.pack(">IIIII", 0, 0, track_id, 0, 0),
        bytes(8 + 2 + 2 + 2 + 2 + 36),
        struct.pack(">II", width << 16, height << 16),
    )
    mdhd = full_box(b"mdhd", 0, 0, struct.pack(">IIII", 0, 0, timescale, 0), bytes(4))
    hdlr = full_box(b"hdlr", 0, 0, bytes(4), handler, bytes(12), b"handler\0")
    stsd = full_box(b"stsd", 0, 0, struct.pack(">I", 1), entry)
    stbl = box(b"stbl", stsd)
    minf = box(b"minf", stbl)
    return box(b"trak", tkhd, box(b"mdia", mdhd, hdlr, minf))


def avc1_entry(width: int = 320, height: int = 180, profile: int = 0x64, level: int = 0x1F) -> bytes:
    avcc = box(b"avcC", bytes([1, profile, 0, level, 0xFF, 0xE0, 0]))
    fields = bytes(6) + struct.pack(">H", 1) + bytes(16) + struct.pack(">HH", width, height) + bytes(50)
    return box(b"avc1", fields, avcc)


def mp4a_entry(audio_object_type: int = 2) -> bytes:
    specific = bytes([0x05, 2, (audio_object_type << 3) | 0x01, 0x90])
    decoder_config = bytes([0x04, 13 + len(specific), 0x40, 0x15]) + bytes(11) + specific
    es = bytes([0x03, 3 + len(decoder_config), 0, 1, 0]) + decoder_config
    esds = full_box(b"esds", 0, 0, es)
    fields = bytes(6) + struct.pack(">H", 1) + bytes(8) + struct.pack(">HHHHI", 2, 16, 0, 0, 48000 << 16)
    return box(b"mp4a", fields, esds)


def init_segment(*, video: bool = True, audio: bool = True) -> bytes:
    ftyp = box(b"ftyp", b"iso6", struct.pack(">I", 512), b"iso6cmfc")
    traks = []
    trexes = []
    if video:
        traks.append(_trak(VIDEO_ID, b"vide", VIDEO_TIMESCALE, avc1_entry(), 320, 180))
        trexes.append(full_box(b"trex", 0, 0, struct.pack(">IIIII", VIDEO_ID, 1, 0, 0, 0)))
    if audio:
        traks.append(_trak(AUDIO_ID, b"soun", AUDIO_TIMESCALE, mp4a_entry()))
        trexes.append(full_box(b"trex", 0, 0, struct.pack(">IIIII", AUDIO_ID, 1, 1024, 0, 0)))
    mvhd = full_box(b"mvhd", 0, 0, bytes(96))
    return ftyp + box(b"moov", mvhd, *traks, box(b"mvex", *trexes))


@dataclass(frozen=True)
class Run:
    track_id: int
    decode_time: int
    durations: Sequence[int]
    keyframe: bool = True


def fragment(sequence: int, runs: Sequence[Run], payload: bytes = b"\0" * 16) -> bytes:
    """A `moof` + `mdat`; every trun names each sample's duration and size, the first sample's flags."""
    trafs = []
    for run in runs:
        tfhd = full_box(b"tfhd", 0, 0x020020, struct.pack(">II", run.track_id, NON_SYNC))
        tfdt = full_box(b"tfdt", 1, 0, struct.pack(">Q", run.decode_time))
        samples = b"".join(struct.pack(">II", duration, 1) for duration in run.durations)
        first = SYNC if run.keyframe else NON_SYNC
        trun = full_box(b"trun", 0, 0x000305, struct.pack(">III", len(run.durations), 0, first), samples)
        trafs.append(box(b"traf", tfhd, tfdt, trun))
    moof = box(b"moof", full_box(b"mfhd", 0, 0, struct.pack(">I", sequence)), *trafs)
    return moof + box(b"mdat", payload)


def video_fragment(sequence: int, start: int, frames: int, frame: int = 3000, *, keyframe: bool) -> bytes:
    """A video-only fragment: `frames` frames of `frame` ticks (90 kHz) from `start`."""
    return fragment(sequence, [Run(VIDEO_ID, start, [frame] * frames, keyframe)])
