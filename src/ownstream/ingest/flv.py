"""FLV: the file header, audio/video/script tags, and what each tag is to a consumer joining mid-stream.

The RTMP shell turns every audio, video and metadata message of a publisher into one `FlvTag`, encoded
once; the stream's outputs share those objects. A tag's `role` says whether it is a codec configuration
(AVC/HEVC decoder configuration, AAC AudioSpecificConfig, Enhanced RTMP's sequence start), a keyframe,
other media, or the `onMetaData` script tag, so a consumer can be started, or resumed after falling behind,
at a keyframe with the configuration it needs.
"""

from __future__ import annotations

import struct
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum, IntEnum
from typing import Any, Final

from ownstream.ingest.rtmp import amf0

FLV_HEADER_SIZE: Final = 9
TAG_HEADER_SIZE: Final = 11
FLAG_AUDIO: Final = 0x04
FLAG_VIDEO: Final = 0x01


class TagType(IntEnum):
    AUDIO = 8
    VIDEO = 9
    SCRIPT = 18


class TagRole(Enum):
    FILE_HEADER = "file header"
    """Not a tag: the 9-byte FLV header and PreviousTagSize0, which starts every FLV byte stream."""
    METADATA = "metadata"
    VIDEO_CONFIG = "video configuration"
    AUDIO_CONFIG = "audio configuration"
    KEYFRAME = "keyframe"
    VIDEO = "video"
    AUDIO = "audio"


HEADER_ROLES: Final = frozenset(
    {TagRole.FILE_HEADER, TagRole.METADATA, TagRole.VIDEO_CONFIG, TagRole.AUDIO_CONFIG}
)
"""What a decoder needs before media; never dropped when a consumer falls behind."""

_FILE_HEADER = struct.Struct(">3sBBII")  # signature, version, flags, header size, PreviousTagSize0
# Type + 24-bit size in one word, 24-bit timestamp + its top byte in another, then a zero stream id.
_TAG_HEADER = struct.Struct(">II3x")
_PREVIOUS_TAG_SIZE = struct.Struct(">I")

_FRAME_KEY: Final = 1
_FRAME_COMMAND: Final = 5
_CODEC_AVC: Final = 7
_CODEC_HEVC: Final = 12
_EX_PACKET_SEQUENCE_START: Final = 0
_EX_PACKET_CODED_FRAMES: Final = 1
_EX_PACKET_CODED_FRAMES_X: Final = 3
_EX_PACKET_MPEG2TS_SEQUENCE_START: Final = 5
_SOUND_AAC: Final = 10
_SOUND_EX_HEADER: Final = 9
_EX_AUDIO_SEQUENCE_START: Final = 0
_EX_AUDIO_MULTICHANNEL_CONFIG: Final = 4


def encode_file_header(*, has_audio: bool, has_video: bool) -> bytes:
    """The 9-byte FLV header followed by the zero PreviousTagSize0 field."""
    flags = (FLAG_AUDIO if has_audio else 0) | (FLAG_VIDEO if has_video else 0)
    return _FILE_HEADER.pack(b"FLV", 1, flags, FLV_HEADER_SIZE, 0)


def encode_tag(tag_type: int, timestamp: int, payload: bytes) -> bytes:
    """One FLV tag and the PreviousTagSize that follows it."""
    size = len(payload)
    if size > 0xFFFFFF:
        raise ValueError(f"FLV tag body of {size} bytes does not fit 24 bits")
    timestamp &= 0xFFFFFFFF
    header = _TAG_HEADER.pack((tag_type << 24) | size, ((timestamp & 0xFFFFFF) << 8) | (timestamp >> 24))
    return b"".join((header, payload, _PREVIOUS_TAG_SIZE.pack(TAG_HEADER_SIZE + size)))


def encode_metadata_tag(metadata: Mapping[str, Any], timestamp: int = 0) -> bytes:
    """A script tag `onMetaData` with the metadata as an ECMA array, as ffmpeg's FLV muxer writes it."""
    return encode_tag(TagType.SCRIPT, timestamp, amf0.encode("onMetaData", amf0.EcmaArray(metadata)))


def video_role(payload: bytes) -> TagRole:
    """Classic FLV (AVC, HEVC and older codecs) and Enhanced RTMP (FourCC) video bodies."""
    if not payload:
        return TagRole.VIDEO
    first = payload[0]
    if first & 0x80:  # Enhanced RTMP: frame type in bits 4-6, packet type in the low nibble
        frame_type, packet_type = (first >> 4) & 0x07, first & 0x0F
        if packet_type in (_EX_PACKET_SEQUENCE_START, _EX_PACKET_MPEG2TS_SEQUENCE_START):
            return TagRole.VIDEO_CONFIG
        if frame_type == _FRAME_KEY and packet_type in (_EX_PACKET_CODED_FRAMES, _EX_PACKET_CODED_FRAMES_X):
            return TagRole.KEYFRAME
        return TagRole.VIDEO
    frame_type, codec = first >> 4, first & 0x0F
    if codec in (_CODEC_AVC, _CODEC_HEVC):
        packet_type = payload[1] if len(payload) > 1 else -1
        if packet_type == 0:
            return TagRole.VIDEO_CONFIG
        return TagRole.KEYFRAME if frame_type == _FRAME_KEY and packet_type == 1 else TagRole.VIDEO
    if frame_type == _FRAME_KEY:
        return TagRole.KEYFRAME
    return TagRole.VIDEO  # inter frames, and command frames (type 5) that carry no picture


def audio_role(payload: bytes) -> TagRole:
    """AAC's AudioSpecificConfig and Enhanced RTMP's audio sequence start are configuration."""
    if len(payload) < 2:
        return TagRole.AUDIO
    sound_format = payload[0] >> 4
    if sound_format == _SOUND_AAC and payload[1] == 0:
        return TagRole.AUDIO_CONFIG
    if sound_format == _SOUND_EX_HEADER and payload[0] & 0x0F in (
        _EX_AUDIO_SEQUENCE_START,
        _EX_AUDIO_MULTICHANNEL_CONFIG,
    ):
        return TagRole.AUDIO_CONFIG
    return TagRole.AUDIO


@dataclass(frozen=True, slots=True)
class FlvTag:
    """One tag of the published stream (or the file header), encoded once and shared by every output."""

    role: TagRole
    data: bytes
    """The bytes this contributes to an FLV byte stream: the tag and its PreviousTagSize."""
    timestamp: int = 0
    payload: bytes = b""
    """The tag body (the RTMP message payload), for outputs that speak RTMP rather than FLV."""
    metadata: Mapping[str, Any] | None = None
    """The decoded `onMetaData` for a METADATA tag."""

    @property
    def tag_type(self) -> TagType | None:
        """AUDIO, VIDEO or SCRIPT; None for the file header."""
        return None if self.role is TagRole.FILE_HEADER else TagType(self.data[0])


def media_tag(tag_type: int, timestamp: int, payload: bytes) -> FlvTag:
    """An audio or video message as an FLV tag, classified."""
    role = video_role(payload) if tag_type == TagType.VIDEO else audio_role(payload)
    return FlvTag(role, encode_tag(tag_type, timestamp, payload), timestamp, payload)


def metadata_tag(metadata: Mapping[str, Any], timestamp: int = 0) -> FlvTag:
    data = encode_metadata_tag(metadata, timestamp)
    return FlvTag(TagRole.METADATA, data, timestamp, data[TAG_HEADER_SIZE:-4], dict(metadata))


def file_header_for(first: FlvTag) -> FlvTag:
    """The FLV header for a stream whose first tag is `first`: the flags follow the metadata when it comes
    first and names a codec; otherwise (media first, or metadata naming neither) both are claimed."""
    has_audio = has_video = True
    if first.metadata is not None:
        has_audio = "audiocodecid" in first.metadata
        has_video = "videocodecid" in first.metadata
        if not (has_audio or has_video):
            has_audio = has_video = True
    return FlvTag(TagRole.FILE_HEADER, encode_file_header(has_audio=has_audio, has_video=has_video))
