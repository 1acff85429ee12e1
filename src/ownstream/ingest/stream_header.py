"""What a consumer joining a stream late needs before any media, remembered as the stream goes by.

A consumer that starts mid-stream, or resumes after it fell behind and lost media, first gets the FLV file
header, the latest `onMetaData` and the latest codec configurations (AVC/HEVC decoder configuration, AAC
AudioSpecificConfig), then media from the next keyframe: a decoder can start there and nowhere else.
"""

from __future__ import annotations

from ownstream.ingest.flv import FlvTag, TagRole, file_header_for

_REMEMBERED = (TagRole.METADATA, TagRole.VIDEO_CONFIG, TagRole.AUDIO_CONFIG)
_VIDEO_ROLES = frozenset({TagRole.VIDEO_CONFIG, TagRole.KEYFRAME, TagRole.VIDEO})


class StreamHeader:
    """Fed every tag of one stream in order (`note`); answers what a joining consumer gets first."""

    def __init__(self) -> None:
        self.file_header: FlvTag | None = None
        """Decided by the stream's first tag, as the transcoder was always given it."""
        self.has_video = False
        self._latest: dict[TagRole, FlvTag] = {}

    def note(self, tag: FlvTag) -> None:
        if self.file_header is None:
            self.file_header = file_header_for(tag)
        role = tag.role
        if role in _VIDEO_ROLES or (role is TagRole.METADATA and "videocodecid" in (tag.metadata or {})):
            self.has_video = True
        if role in _REMEMBERED:
            self._latest[role] = tag

    def prelude(self) -> list[FlvTag]:
        """The file header, then the latest metadata and codec configurations (what has been seen)."""
        if self.file_header is None:
            return []
        return [self.file_header, *(self._latest[role] for role in _REMEMBERED if role in self._latest)]

    def resumes_at(self, tag: FlvTag) -> bool:
        """Whether a consumer waiting to (re)join may start with `tag`: a keyframe, or any audio frame
        of a stream without video."""
        return tag.role is TagRole.KEYFRAME or (tag.role is TagRole.AUDIO and not self.has_video)
