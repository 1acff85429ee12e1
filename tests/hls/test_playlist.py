from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from ownstream.hls.playlist import (
    MasterPlaylist,
    VariantStream,
    absolute_variant_uris,
    append_segment,
    finalize_playlist,
    parse_attributes,
    parse_master_playlist,
    parse_media_playlist,
    rewrite_variant_uris,
)

# As the bundled ffmpeg 9 writes them.
MEDIA = """\
#EXTM3U
#EXT-X-VERSION:6
#EXT-X-TARGETDURATION:1
#EXT-X-MEDIA-SEQUENCE:4
#EXT-X-INDEPENDENT-SEGMENTS
#EXTINF:1.000000,
#EXT-X-PROGRAM-DATE-TIME:2026-11-26T21:01:14.037+0000
stream-abc-4.ts
#EXTINF:0.966667,
#EXT-X-PROGRAM-DATE-TIME:2026-11-26T21:01:15.037+0000
stream-abc-5.ts
"""

MASTER = """\
#EXTM3U
#EXT-X-VERSION:6
#EXT-X-STREAM-INF:BANDWIDTH=407584,AVERAGE-BANDWIDTH=374997,RESOLUTION=160x90,CODECS="avc1.640014,mp4a.40.2"
0/stream.m3u8

#EXT-X-STREAM-INF:BANDWIDTH=335392,RESOLUTION=106x60,FRAME-RATE=10.000
1/stream.m3u8
"""


def test_media_playlist() -> None:
    playlist = parse_media_playlist(MEDIA)
    assert playlist.version == 6
    assert playlist.target_duration == 1
    assert playlist.media_sequence == 4
    assert not playlist.ended
    assert [(s.uri, s.duration, s.sequence) for s in playlist.segments] == [
        ("stream-abc-4.ts", 1.0, 4),
        ("stream-abc-5.ts", 0.966667, 5),
    ]
    assert playlist.segments[0].program_date_time == datetime(2026, 11, 26, 21, 1, 14, 37000, tzinfo=UTC)


def test_discontinuity_and_event_type() -> None:
    text = (
        "#EXTM3U\n#EXT-X-PLAYLIST-TYPE:EVENT\n#EXTINF:2,\na.ts\n"
        "#EXT-X-DISCONTINUITY\n#EXTINF:8.000000,\noffline.ts\n"
    )
    playlist = parse_media_playlist(text)
    assert playlist.playlist_type == "EVENT"
    assert [s.discontinuity for s in playlist.segments] == [False, True]


def test_finalize_appends_endlist_once() -> None:
    final = finalize_playlist(MEDIA)
    assert final == MEDIA + "#EXT-X-ENDLIST\n"
    assert parse_media_playlist(final).ended
    assert finalize_playlist(final) == final
    assert finalize_playlist("#EXTM3U") == "#EXTM3U\n#EXT-X-ENDLIST\n"
    assert finalize_playlist("") == "#EXT-X-ENDLIST\n"


def test_append_the_offline_clip_as_owncast_does() -> None:
    text = finalize_playlist(append_segment(MEDIA, "offline.ts", 8.0, discontinuity=True))
    assert text.endswith("#EXT-X-DISCONTINUITY\n#EXTINF:8.000000,\noffline.ts\n#EXT-X-ENDLIST\n")
    last = parse_media_playlist(text).segments[-1]
    assert (last.uri, last.duration, last.discontinuity, last.sequence) == ("offline.ts", 8.0, True, 6)


def test_malformed_values_read_as_missing() -> None:
    text = (
        "#EXT-X-TARGETDURATION:soon\n#EXT-X-MEDIA-SEQUENCE:-3\n#EXTINF:nan,\na.ts\n"
        "#EXTINF:,\n#EXT-X-PROGRAM-DATE-TIME:yesterday\nb.ts\nc.ts\n#EXTINF:inf\n"
    )
    playlist = parse_media_playlist(text)
    assert playlist.target_duration is None
    assert playlist.media_sequence == 0
    assert [(s.uri, s.duration, s.program_date_time) for s in playlist.segments] == [
        ("a.ts", 0.0, None),
        ("b.ts", 0.0, None),
    ]  # c.ts has no #EXTINF and is not a segment


def test_master_playlist() -> None:
    assert parse_master_playlist(MASTER) == MasterPlaylist(
        variants=(
            VariantStream(
                uri="0/stream.m3u8",
                bandwidth=407584,
                average_bandwidth=374997,
                resolution=(160, 90),
                codecs="avc1.640014,mp4a.40.2",
            ),
            VariantStream(uri="1/stream.m3u8", bandwidth=335392, resolution=(106, 60), frame_rate=10.0),
        ),
        version=6,
    )


def test_master_without_codecs_as_in_copy_mode() -> None:
    master = parse_master_playlist("#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1,RESOLUTION=bad\n0/stream.m3u8\n")
    assert master.variants == (VariantStream(uri="0/stream.m3u8", bandwidth=1),)


def test_attributes_with_quoted_commas() -> None:
    assert parse_attributes('A=1,CODECS="x,y",NAME="a b"') == {"A": "1", "CODECS": "x,y", "NAME": "a b"}


def test_absolute_variant_uris_for_s3() -> None:
    text = absolute_variant_uris(MASTER, "https://cdn.example.com/bucket/hls/")
    uris = [v.uri for v in parse_master_playlist(text).variants]
    assert uris == [
        "https://cdn.example.com/bucket/hls/0/stream.m3u8",
        "https://cdn.example.com/bucket/hls/1/stream.m3u8",
    ]
    assert text.replace("https://cdn.example.com/bucket/hls/", "") == MASTER  # nothing else changed
    assert absolute_variant_uris(text, "https://other.example") == text  # already absolute


def test_rewrite_keeps_line_endings_and_media_uris() -> None:
    text = (
        '#EXTM3U\r\n#EXT-X-MEDIA:TYPE=AUDIO,URI="a/x.m3u8"\r\n#EXT-X-STREAM-INF:BANDWIDTH=1\r\n0/s.m3u8\r\n'
    )
    assert rewrite_variant_uris(text, str.upper) == (
        '#EXTM3U\r\n#EXT-X-MEDIA:TYPE=AUDIO,URI="A/X.M3U8"\r\n#EXT-X-STREAM-INF:BANDWIDTH=1\r\n0/S.M3U8\r\n'
    )


TAGS = [
    "#EXTM3U",
    "#EXTINF:",
    "#EXT-X-TARGETDURATION:",
    "#EXT-X-MEDIA-SEQUENCE:",
    "#EXT-X-PROGRAM-DATE-TIME:",
    "#EXT-X-STREAM-INF:",
    "#EXT-X-MEDIA:",
    "#EXT-X-ENDLIST",
    "#EXT-X-DISCONTINUITY",
    "#EXT-X-VERSION:",
    "",
]
lines = st.lists(st.tuples(st.sampled_from(TAGS), st.text(max_size=40)).map("".join), max_size=30)


@given(lines)
def test_parsers_never_crash(raw: list[str]) -> None:
    text = "\n".join(raw)
    media = parse_media_playlist(text)
    assert all(s.duration >= 0 for s in media.segments)
    parse_master_playlist(text)
    final = finalize_playlist(text)
    assert parse_media_playlist(final).ended
    assert finalize_playlist(final) == final
    rewrite_variant_uris(text, lambda uri: uri)
    absolute_variant_uris(text, "https://x")


@given(st.text())
def test_parsers_never_crash_on_any_text(text: str) -> None:
    parse_media_playlist(text)
    parse_master_playlist(text)
    assert finalize_playlist(finalize_playlist(text)) == finalize_playlist(text)
