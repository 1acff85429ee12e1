from __future__ import annotations

import struct

from ownstream.ingest.flv import FlvMuxer, TagType, encode_file_header, encode_metadata_tag, encode_tag

HEADER_AUDIO_VIDEO = b"FLV\x01\x05\x00\x00\x00\x09" + b"\x00\x00\x00\x00"


def test_file_header_flags() -> None:
    assert encode_file_header(has_audio=True, has_video=True) == HEADER_AUDIO_VIDEO
    assert (
        encode_file_header(has_audio=False, has_video=True) == b"FLV\x01\x01\x00\x00\x00\x09\x00\x00\x00\x00"
    )
    assert (
        encode_file_header(has_audio=True, has_video=False) == b"FLV\x01\x04\x00\x00\x00\x09\x00\x00\x00\x00"
    )


def test_tag_layout_with_extended_timestamp_byte() -> None:
    tag = encode_tag(TagType.VIDEO, 0x01020304, b"abc")
    assert tag == (
        b"\x09"  # tag type
        b"\x00\x00\x03"  # body size
        b"\x02\x03\x04"  # timestamp, lower 24 bits
        b"\x01"  # timestamp, upper 8 bits
        b"\x00\x00\x00"  # stream id
        b"abc"
        b"\x00\x00\x00\x0e"  # previous tag size: 11 + 3
    )


def test_audio_tag_at_zero() -> None:
    assert encode_tag(TagType.AUDIO, 0, b"") == b"\x08" + bytes(10) + b"\x00\x00\x00\x0b"


def test_metadata_script_tag() -> None:
    body = (
        b"\x02\x00\x0aonMetaData"  # string "onMetaData"
        b"\x08\x00\x00\x00\x01"  # ECMA array of 1
        b"\x00\x05width\x00" + struct.pack(">d", 160.0) + b"\x00\x00\x09"
    )
    assert len(body) == 37
    expected = b"\x12\x00\x00\x25" + bytes(7) + body + b"\x00\x00\x00\x30"
    assert encode_metadata_tag({"width": 160.0}) == expected


def test_muxer_takes_flags_from_metadata_and_writes_the_header_once() -> None:
    muxer = FlvMuxer()
    metadata = {"videocodecid": 7.0, "width": 160.0}
    first = muxer.metadata(metadata)
    assert first == b"FLV\x01\x01\x00\x00\x00\x09\x00\x00\x00\x00" + encode_metadata_tag(metadata)
    assert muxer.media(TagType.VIDEO, 40, b"v") == encode_tag(TagType.VIDEO, 40, b"v")
    assert muxer.metadata(metadata, 80) == encode_metadata_tag(metadata, 80)


def test_muxer_claims_both_streams_when_media_comes_first() -> None:
    muxer = FlvMuxer()
    assert muxer.media(TagType.AUDIO, 0, b"a") == HEADER_AUDIO_VIDEO + encode_tag(TagType.AUDIO, 0, b"a")


def test_muxer_claims_both_streams_when_metadata_names_no_codec() -> None:
    assert FlvMuxer().metadata({"width": 1.0}).startswith(HEADER_AUDIO_VIDEO)
