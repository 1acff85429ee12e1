"""FLV byte stream writing: the file header, audio/video/script tags and the `onMetaData` tag.

`FlvMuxer` turns a publisher's metadata and media into the FLV byte stream the transcoder reads. It
writes the file header lazily, so the audio/video flags can follow the metadata when it comes first.
"""

from __future__ import annotations

import struct
from collections.abc import Mapping
from enum import IntEnum
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


_FILE_HEADER = struct.Struct(">3sBBII")  # signature, version, flags, header size, PreviousTagSize0
# Type + 24-bit size in one word, 24-bit timestamp + its top byte in another, then a zero stream id.
_TAG_HEADER = struct.Struct(">II3x")
_PREVIOUS_TAG_SIZE = struct.Struct(">I")


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


class FlvMuxer:
    """Builds the FLV byte stream for one publisher; each call returns the bytes to append."""

    def __init__(self) -> None:
        self.header_written = False

    def metadata(self, metadata: Mapping[str, Any], timestamp: int = 0) -> bytes:
        header = b""
        if not self.header_written:
            # Metadata names the codecs present; without either id we cannot tell, so claim both.
            has_audio = "audiocodecid" in metadata
            has_video = "videocodecid" in metadata
            if not (has_audio or has_video):
                has_audio = has_video = True
            header = self._file_header(has_audio=has_audio, has_video=has_video)
        return header + encode_metadata_tag(metadata, timestamp)

    def media(self, tag_type: int, timestamp: int, payload: bytes) -> bytes:
        tag = encode_tag(tag_type, timestamp, payload)
        if self.header_written:
            return tag
        return self._file_header(has_audio=True, has_video=True) + tag

    def _file_header(self, *, has_audio: bool, has_video: bool) -> bytes:
        self.header_written = True
        return encode_file_header(has_audio=has_audio, has_video=has_video)
