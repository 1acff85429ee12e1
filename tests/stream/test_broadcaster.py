from datetime import UTC, datetime

import pytest

from ownstream.stream.broadcaster import Broadcaster

WHEN = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


def test_ffmpeg_metadata() -> None:
    meta = {
        "width": 1280.0,
        "height": 720.0,
        "framerate": 30.0,
        "videodatarate": 2500.7,
        "videocodecid": 7.0,
        "audiodatarate": 128.0,
        "audiocodecid": 10.0,
        "encoder": "Lavf62.3.100",
    }
    doc = Broadcaster("127.0.0.1:5555", WHEN, meta).to_json()
    assert doc["remoteAddr"] == "127.0.0.1:5555"
    assert doc["streamDetails"] == {
        "width": 1280,
        "height": 720,
        "framerate": 30.0,
        "videoBitrate": 2500,
        "videoCodec": "H.264",
        "audioBitrate": 128,
        "audioCodec": "AAC",
        "encoder": "Lavf62.3.100",
    }


@pytest.mark.parametrize(
    ("video", "audio", "expected"),
    [
        (12, 2, ("H.265", "MP3")),
        (99, 11, ("Unknown", "Speex")),
        ("avc1", None, ("H.264", "No audio")),
        (int.from_bytes(b"hvc1", "big"), 10, ("H.265", "AAC")),
        ("something", "mp4a", ("something", "AAC")),
        (None, True, ("Unknown", "Unknown")),
    ],
)
def test_codec_names(video: object, audio: object, expected: tuple[str, str]) -> None:
    meta: dict[str, object] = {"videocodecid": video}
    if audio is not None:
        meta["audiocodecid"] = audio
    details = Broadcaster("x", WHEN, meta).stream_details()
    assert (details["videoCodec"], details["audioCodec"]) == expected


def test_garbage_metadata_never_raises() -> None:
    details = Broadcaster(
        "x", WHEN, {"width": "wide", "framerate": float("nan"), "videodatarate": [1]}
    ).stream_details()
    assert details["width"] == 0 and details["framerate"] == 0.0 and details["videoBitrate"] == 0
