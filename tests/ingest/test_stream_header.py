from __future__ import annotations

from ownstream.ingest.flv import TagRole, TagType, media_tag, metadata_tag
from ownstream.ingest.stream_header import StreamHeader

AVC_CONFIG = b"\x17\x00\x00\x00\x00\x01\x64"
AAC_CONFIG = b"\xaf\x00\x12\x10"
KEYFRAME = b"\x17\x01\x00\x00\x00key"
INTER = b"\x27\x01\x00\x00\x00inter"
AUDIO = b"\xaf\x01sound"


def test_nothing_before_the_first_tag() -> None:
    header = StreamHeader()
    assert header.file_header is None and header.prelude() == []


def test_the_prelude_is_the_file_header_then_the_latest_metadata_and_configurations() -> None:
    header = StreamHeader()
    first_metadata = metadata_tag({"videocodecid": 7.0, "audiocodecid": 10.0})
    for tag in (
        first_metadata,
        media_tag(TagType.VIDEO, 0, AVC_CONFIG),
        media_tag(TagType.AUDIO, 0, AAC_CONFIG),
        media_tag(TagType.VIDEO, 0, KEYFRAME),
        media_tag(TagType.AUDIO, 10, AUDIO),
    ):
        header.note(tag)
    newer_config = media_tag(TagType.VIDEO, 500, b"\x17\x00\x00\x00\x00\x01\x4d")
    newer_metadata = metadata_tag({"videocodecid": 7.0, "width": 1280.0}, 500)
    header.note(newer_config)
    header.note(newer_metadata)
    prelude = header.prelude()
    assert [tag.role for tag in prelude] == [
        TagRole.FILE_HEADER,
        TagRole.METADATA,
        TagRole.VIDEO_CONFIG,
        TagRole.AUDIO_CONFIG,
    ]
    assert prelude[0].data.startswith(b"FLV\x01\x05")  # from the first metadata: audio and video
    assert prelude[1] is newer_metadata and prelude[2] is newer_config
    assert prelude[3].payload == AAC_CONFIG


def test_a_stream_with_video_resumes_at_a_keyframe_only() -> None:
    header = StreamHeader()
    header.note(media_tag(TagType.AUDIO, 0, AUDIO))
    assert header.resumes_at(media_tag(TagType.AUDIO, 0, AUDIO))  # no video seen yet: audio-only so far
    header.note(media_tag(TagType.VIDEO, 0, INTER))
    assert not header.resumes_at(media_tag(TagType.AUDIO, 0, AUDIO))
    assert not header.resumes_at(media_tag(TagType.VIDEO, 0, INTER))
    assert header.resumes_at(media_tag(TagType.VIDEO, 0, KEYFRAME))


def test_metadata_naming_a_video_codec_means_video_is_coming() -> None:
    header = StreamHeader()
    header.note(metadata_tag({"videocodecid": 7.0}))
    assert not header.resumes_at(media_tag(TagType.AUDIO, 0, AUDIO))
