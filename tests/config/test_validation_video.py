"""Pure checks of the video settings: latency level, variants, codec and S3 (reference §2.3, §6)."""

from typing import Any

import pytest

from ownstream.config import video_validation as video
from ownstream.config.model import S3Config
from ownstream.errors import Invalid
from ownstream.transcode.variants import StreamVariant


def message(parse: Any, *args: Any) -> str:
    with pytest.raises(Invalid) as caught:
        parse(*args)
    return caught.value.message


@pytest.mark.parametrize("level", [0, 1, 2, 3, 4, 4.0])
def test_latency_levels(level: Any) -> None:
    assert video.parse_latency_level(level) == int(level)


@pytest.mark.parametrize("level", [-1, 5, 2.5, True, "2", None, [2]])
def test_latency_level_rejected(level: Any) -> None:
    assert message(video.parse_latency_level, level) == "latency level must be a whole number from 0 to 4"


def test_variants_from_the_admin_ui() -> None:
    """The admin UI sends nulls for unset sizes and a few fields we do not store."""
    variants = video.parse_variants(
        [
            {"videoPassthrough": True, "audioPassthrough": False, "audioBitrate": 0, "key": 0},
            {
                "framerate": 30,
                "videoPassthrough": False,
                "videoBitrate": 800,
                "audioPassthrough": True,
                "audioBitrate": 0,
                "cpuUsageLevel": 3,
                "scaledHeight": None,
                "scaledWidth": 640,
                "name": "",
            },
        ]
    )
    assert variants[0] == StreamVariant(videoPassthrough=True)
    assert variants[0].display_name == "Source"
    assert variants[1] == StreamVariant(
        framerate=30, videoBitrate=800, audioPassthrough=True, cpuUsageLevel=3, scaledWidth=640
    )


def test_variant_defaults_match_the_model() -> None:
    assert video.parse_variants([{}]) == (StreamVariant(),)


@pytest.mark.parametrize(
    ("variant", "expected"),
    [
        ({"videoBitrate": "1200"}, "variant 1: videoBitrate must be a whole number from 0 to 100000"),
        ({"videoBitrate": -1}, "variant 1: videoBitrate must be a whole number from 0 to 100000"),
        ({"framerate": 241}, "variant 1: framerate must be a whole number from 0 to 240"),
        ({"framerate": 29.97}, "variant 1: framerate must be a whole number from 0 to 240"),
        ({"cpuUsageLevel": 6}, "variant 1: cpuUsageLevel must be a whole number from 0 to 5"),
        ({"audioBitrate": True}, "variant 1: audioBitrate must be a whole number from 0 to 1000"),
        ({"scaledWidth": 8194}, "variant 1: scaledWidth must be a whole number from 0 to 8192"),
        (
            {"scaledWidth": 641},
            "variant 1: scaledWidth must be an even number (or 0 to keep the source size)",
        ),
        ({"videoPassthrough": 1}, "variant 1: videoPassthrough must be true or false"),
        ({"name": 5}, "variant 1: name must be a string"),
    ],
)
def test_variant_fields_are_typed_and_ranged(variant: dict[str, Any], expected: str) -> None:
    assert message(video.parse_variants, [variant]) == expected


def test_variant_count() -> None:
    assert message(video.parse_variants, []) == "between 1 and 10 variants are required"
    assert message(video.parse_variants, [{}] * 11) == "between 1 and 10 variants are required"
    assert len(video.parse_variants([{}] * 10)) == 10
    assert message(video.parse_variants, {"videoBitrate": 1}) == "variants must be an array of objects"
    assert message(video.parse_variants, [{}, 3]) == "variants must be an array of objects"


def test_codecs() -> None:
    encoders = {"libx264", "h264_nvenc", "h264_qsv", "libopenh264", "aac"}
    assert video.selectable_codecs(encoders) == ["libx264", "h264_nvenc", "h264_qsv"]
    assert video.parse_video_codec("h264_nvenc", encoders) == "h264_nvenc"
    assert "not available" in message(video.parse_video_codec, "h264_vaapi", encoders)
    assert "unknown video codec 'libvpx'" in message(video.parse_video_codec, "libvpx", encoders)
    assert message(video.parse_video_codec, 1, encoders) == "video codec must be a string"


S3_COMPLETE = {
    "enabled": True,
    "endpoint": "https://s3.example.com",
    "accessKey": "key",
    "secret": "secret",
    "bucket": "video",
    "region": "us-west-000",
}


def test_s3_complete_and_disabled() -> None:
    config = video.parse_s3({**S3_COMPLETE, "servingEndpoint": "https://cdn.example.com/", "acl": None})
    assert config.serving_endpoint == "https://cdn.example.com"
    assert config.to_json()["accessKey"] == "key"
    assert video.parse_s3({"enabled": False, "endpoint": "not checked"}) == S3Config(endpoint="not checked")


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"endpoint": ""}, "s3 support requires an endpoint"),
        ({"endpoint": "s3.example.com", "secret": ""}, "s3 support requires an endpoint"),
        ({"accessKey": "", "region": ""}, "s3 support requires an access key and secret"),
        ({"secret": None}, "s3 support requires an access key and secret"),
        ({"region": "", "bucket": ""}, "s3 support requires a region and endpoint"),
        ({"bucket": ""}, "s3 support requires a bucket created for storing public video segments"),
        ({"servingEndpoint": "cdn"}, "s3 serving endpoint must be an http or https URL"),
    ],
)
def test_s3_checks_in_owncast_order(change: dict[str, Any], expected: str) -> None:
    assert message(video.parse_s3, {**S3_COMPLETE, **change}) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("on", "s3 configuration must be an object"),
        ({"enabled": "true"}, "s3 configuration: enabled must be true or false"),
        ({"bucket": 5}, "s3 configuration: bucket must be a string"),
        ({"forcePathStyle": 1}, "s3 configuration: forcePathStyle must be true or false"),
    ],
)
def test_s3_types(value: Any, expected: str) -> None:
    assert message(video.parse_s3, value) == expected
