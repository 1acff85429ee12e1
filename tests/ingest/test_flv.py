from __future__ import annotations

import struct

import pytest

from ownstream.ingest.flv import (
    TagRole,
    TagType,
    audio_role,
    encode_file_header,
    encode_metadata_tag,
    encode_tag,
    file_header_for,
    media_tag,
    metadata_tag,
    video_role,
)

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


def test_the_file_header_takes_its_flags_from_metadata_that_comes_first() -> None:
    metadata = {"videocodecid": 7.0, "width": 160.0}
    header = file_header_for(metadata_tag(metadata))
    assert header.role is TagRole.FILE_HEADER and header.tag_type is None
    assert header.data == b"FLV\x01\x01\x00\x00\x00\x09\x00\x00\x00\x00"


def test_the_file_header_claims_both_streams_when_media_comes_first() -> None:
    assert file_header_for(media_tag(TagType.AUDIO, 0, b"\xaf\x01a")).data == HEADER_AUDIO_VIDEO


def test_the_file_header_claims_both_streams_when_metadata_names_no_codec() -> None:
    assert file_header_for(metadata_tag({"width": 1.0})).data == HEADER_AUDIO_VIDEO


def test_tags_carry_their_encoding_and_body() -> None:
    metadata = {"width": 160.0}
    tag = metadata_tag(metadata, 80)
    assert tag.data == encode_metadata_tag(metadata, 80)
    assert tag.payload == tag.data[11:-4] and tag.metadata == metadata and tag.tag_type is TagType.SCRIPT
    video = media_tag(TagType.VIDEO, 40, b"\x17\x01v")
    assert video.data == encode_tag(TagType.VIDEO, 40, b"\x17\x01v")
    assert (video.payload, video.timestamp, video.tag_type) == (b"\x17\x01v", 40, TagType.VIDEO)


@pytest.mark.parametrize(
    ("payload", "role"),
    [
        (b"\x17\x00\x00\x00\x00\x01", TagRole.VIDEO_CONFIG),  # AVC sequence header
        (b"\x17\x01\x00\x00\x00", TagRole.KEYFRAME),  # AVC keyframe NALUs
        (b"\x27\x01\x00\x00\x00", TagRole.VIDEO),  # AVC inter frame
        (b"\x17\x02\x00\x00\x00", TagRole.VIDEO),  # AVC end of sequence
        (b"\x1c\x00\x00\x00\x00", TagRole.VIDEO_CONFIG),  # HEVC (codec 12) sequence header
        (b"\x1c\x01\x00\x00\x00", TagRole.KEYFRAME),
        (b"\x90hvc1", TagRole.VIDEO_CONFIG),  # Enhanced RTMP: keyframe, SequenceStart
        (b"\x91hvc1\x00\x00\x00", TagRole.KEYFRAME),  # keyframe, CodedFrames
        (b"\x93av01", TagRole.KEYFRAME),  # keyframe, CodedFramesX
        (b"\xa1av01\x00\x00\x00", TagRole.VIDEO),  # inter frame
        (b"\x92av01", TagRole.VIDEO),  # SequenceEnd
        (b"\x12\x00", TagRole.KEYFRAME),  # Sorenson H.263 keyframe
        (b"\x52\x00", TagRole.VIDEO),  # a command frame carries no picture
        (b"\x1f\x01", TagRole.KEYFRAME),  # an unknown codec keeps its frame type
        (b"", TagRole.VIDEO),
    ],
)
def test_video_roles(payload: bytes, role: TagRole) -> None:
    assert video_role(payload) is role
    assert media_tag(TagType.VIDEO, 0, payload).role is role


@pytest.mark.parametrize(
    ("payload", "role"),
    [
        (b"\xaf\x00\x12\x10", TagRole.AUDIO_CONFIG),  # AAC AudioSpecificConfig
        (b"\xaf\x01\x21", TagRole.AUDIO),  # AAC raw frame
        (b"\x2f\x00\x00", TagRole.AUDIO),  # MP3 has no configuration
        (b"\x90Opus", TagRole.AUDIO_CONFIG),  # Enhanced RTMP audio: SequenceStart
        (b"\x94Opus", TagRole.AUDIO_CONFIG),  # MultichannelConfig
        (b"\x91Opus\x00", TagRole.AUDIO),  # CodedFrames
        (b"\xaf", TagRole.AUDIO),
    ],
)
def test_audio_roles(payload: bytes, role: TagRole) -> None:
    assert audio_role(payload) is role
    assert media_tag(TagType.AUDIO, 0, payload).role is role
