"""The fragmented-MP4 box walker: real ffmpeg output, any split of the reads, and garbage."""

from __future__ import annotations

import contextlib
import subprocess
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ownstream.hls.fmp4 import Fmp4Error, Fmp4Item, Fmp4Reader, Fragment, InitSegment, iter_boxes
from ownstream.hls.fmp4_codecs import codec_string
from tests.hls.fmp4_builder import (
    AUDIO_ID,
    VIDEO_ID,
    Run,
    box,
    fragment,
    init_segment,
    video_fragment,
)
from tests.media import FFMPEG

SYNTHETIC = init_segment() + b"".join(
    fragment(n, [Run(VIDEO_ID, n * 18000, [3000] * 6, n % 5 == 0), Run(AUDIO_ID, n * 9600, [1024] * 9)])
    for n in range(12)
)


@pytest.fixture(scope="module")
def ffmpeg_fmp4(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """Two seconds of x264 + AAC, fragmented as the packager asks ffmpeg to (0.2 s fragments)."""
    path: Path = tmp_path_factory.mktemp("fmp4") / "out.mp4"
    subprocess.run(
        [
            FFMPEG, "-hide_banner", "-loglevel", "error", "-y",
            "-f", "lavfi", "-i", "testsrc2=size=160x90:rate=30",
            "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
            "-t", "2", "-c:v", "libx264", "-preset", "ultrafast", "-g", "30", "-pix_fmt", "yuv420p",
            "-c:a", "aac", "-f", "mp4",
            "-movflags", "+frag_keyframe+empty_moov+default_base_moof+cmaf+skip_trailer+delay_moov",
            "-frag_duration", "198500", str(path),
        ],
        check=True,
    )  # fmt: skip
    return path.read_bytes()


def read_all(data: bytes, sizes: list[int] | None = None) -> list[Fmp4Item]:
    reader = Fmp4Reader()
    items: list[Fmp4Item] = []
    offset = 0
    for size in sizes or []:
        items += reader.feed(data[offset : offset + size])
        offset += size
    items += reader.feed(data[offset:])
    reader.close()
    return items


def test_ffmpeg_output_is_an_init_segment_then_fragments_of_six_frames(ffmpeg_fmp4: bytes) -> None:
    items = read_all(ffmpeg_fmp4)
    init = items[0]
    assert isinstance(init, InitSegment)
    assert [track.handler for track in init.tracks] == ["vide", "soun"]
    assert init.codecs is not None and init.codecs.startswith("avc1.") and init.codecs.endswith(",mp4a.40.2")
    lead = init.lead_track
    assert lead is not None and (lead.width, lead.height) == (160, 90)
    fragments = [item for item in items[1:] if isinstance(item, Fragment)]
    assert len(fragments) == len(items) - 1 == 10
    runs = [f.run_for(lead.track_id) for f in fragments]
    assert all(run is not None and run.samples == 6 for run in runs)
    assert [run.starts_with_sync for run in runs if run] == [True, False, False, False, False] * 2
    starts = [run.base_decode_time for run in runs if run]
    durations = [run.duration for run in runs if run]
    assert all(a + d == b for a, d, b in zip(starts, durations, starts[1:], strict=False))
    assert b"".join([init.data, *(f.data for f in fragments)]) == ffmpeg_fmp4


@given(st.lists(st.integers(min_value=0, max_value=700), max_size=60))
def test_any_split_of_the_reads_gives_the_same_items(sizes: list[int]) -> None:
    whole = read_all(SYNTHETIC)
    assert read_all(SYNTHETIC, sizes) == whole
    assert len(whole) == 13


def test_timing_and_keyframes_from_the_boxes() -> None:
    items = read_all(SYNTHETIC)
    first = items[1]
    assert isinstance(first, Fragment)
    video = first.run_for(VIDEO_ID)
    audio = first.run_for(AUDIO_ID)
    assert video is not None and (video.base_decode_time, video.duration, video.samples) == (0, 18000, 6)
    assert video.starts_with_sync
    assert audio is not None and (audio.duration, audio.samples) == (9216, 9)
    second = items[2]
    assert isinstance(second, Fragment)
    assert second.run_for(VIDEO_ID) is not None and not second.run_for(VIDEO_ID).starts_with_sync  # type: ignore[union-attr]


def test_prefix_boxes_travel_with_their_fragment_and_free_boxes_are_dropped() -> None:
    styp = box(b"styp", b"msdh")
    data = init_segment(audio=False) + box(b"free", b"xx") + styp + video_fragment(1, 0, 3, keyframe=True)
    items = read_all(data)
    assert isinstance(items[1], Fragment)
    assert items[1].data.startswith(styp)
    assert b"free" not in items[1].data


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (video_fragment(1, 0, 3, keyframe=True), "before the init segment"),
        (init_segment() + box(b"mdat", b"x"), "mdat without its moof"),
        (init_segment() + init_segment(), "second"),
        (b"\x00\x00\x00\x04abcd", "impossible size"),
        (init_segment() + b"\xff\xff\xff\xffmoof", "impossible size"),
        (init_segment() + box(b"moof", b"\0" * 8) + box(b"mdat"), "track fragment"),
    ],
)
def test_broken_streams_are_refused(data: bytes, message: str) -> None:
    with pytest.raises(Fmp4Error, match=message):
        read_all(data)


def test_a_stream_cut_inside_a_box_is_noticed_at_the_end() -> None:
    reader = Fmp4Reader()
    reader.feed(SYNTHETIC[:-3])
    assert reader.buffered > 0
    with pytest.raises(Fmp4Error, match="inside a box"):
        reader.close()


@given(st.binary(max_size=400), st.integers(min_value=0, max_value=len(SYNTHETIC)))
def test_garbage_anywhere_is_fmp4error_or_ignored_never_a_crash(garbage: bytes, cut: int) -> None:
    reader = Fmp4Reader()
    try:
        reader.feed(SYNTHETIC[:cut] + garbage + SYNTHETIC[cut:])
        reader.close()
    except Fmp4Error:
        pass


@given(st.binary(max_size=300))
def test_garbage_inside_a_moof_is_fmp4error(garbage: bytes) -> None:
    reader = Fmp4Reader()
    reader.feed(init_segment())
    with contextlib.suppress(Fmp4Error):
        reader.feed(box(b"moof", garbage) + box(b"mdat"))


def test_codec_strings() -> None:
    from tests.hls.fmp4_builder import avc1_entry, mp4a_entry

    def entry_payload(entry: bytes) -> tuple[bytes, bytes]:
        kind, start, end = next(iter_boxes(entry))
        return kind, entry[start:end]

    assert codec_string(*entry_payload(avc1_entry(profile=0x42, level=0x1E)), is_video=True) == "avc1.42001e"
    assert codec_string(*entry_payload(mp4a_entry(5)), is_video=False) == "mp4a.40.5"
    assert codec_string(b"Opus", b"", is_video=False) == "opus"
    assert codec_string(b"av01", b"", is_video=True) is None
    hvcc = bytes([1, 0x01, 0x60, 0, 0, 0, 0x90, 0, 0, 0, 0, 0, 93]) + bytes(10)
    hvc1 = bytes(78) + box(b"hvcC", hvcc)
    assert codec_string(b"hvc1", hvc1, is_video=True) == "hvc1.1.6.L93.90"
