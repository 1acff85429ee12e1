import pytest

from ownstream.transcode.codecs import (
    CODECS,
    clear_encoder_cache,
    codec_for,
    parse_encoder_list,
    probe_encoders,
    supported_codecs,
)
from tests.transcode.conftest import FFMPEG

ENCODERS_OUTPUT = """\
Encoders:
 V..... = Video
 A..... = Audio
 S..... = Subtitle
 .F.... = Frame-level multithreading
 ------
 V....D libx264              libx264 H.264 / AVC / MPEG-4 AVC / MPEG-4 part 10 (codec h264)
 V....D h264_nvenc           NVIDIA NVENC H.264 encoder (codec h264)
 V..... h264_qsv             H.264 / AVC / MPEG-4 AVC (Intel Quick Sync Video acceleration) (codec h264)
 V....D h264_vaapi           H.264/AVC (VAAPI) (codec h264)
 A....D aac                  AAC (Advanced Audio Coding)
 S..... srt                  SubRip subtitle
"""


def test_codec_table() -> None:
    x264 = CODECS["libx264"]
    assert x264.global_flags == ()
    assert x264.pix_fmt == "yuv420p"
    assert x264.extra_args == ("-tune", "zerolatency")
    assert x264.video_filter == ""
    assert x264.variant_flags(1, 1088) == [
        "-x264-params:v:1",
        "scenecut=0:open_gop=0",
        "-bufsize:v:1",
        "1088k",
        "-profile:v:1",
        "high",
    ]
    assert CODECS["h264_omx"].extra_args == ("-tune", "zerolatency")
    assert CODECS["h264_omx"].variant_flags(0, 500) == []
    vaapi = CODECS["h264_vaapi"]
    assert vaapi.global_flags == ("-vaapi_device", "/dev/dri/renderD128")
    assert vaapi.pix_fmt == "vaapi"
    assert vaapi.video_filter == "format=nv12,hwupload"
    nvenc = CODECS["h264_nvenc"]
    assert nvenc.global_flags == ("-hwaccel", "cuda")
    assert nvenc.variant_flags(2, 500) == ["-tune:v:2", "ll"]
    assert CODECS["h264_qsv"].pix_fmt == "nv12"
    assert CODECS["h264_v4l2m2m"].pix_fmt == "nv21"


@pytest.mark.parametrize(
    ("codec", "expected"),
    [
        ("libx264", ["ultrafast", "superfast", "veryfast", "faster", "fast", "superfast"]),
        ("h264_omx", ["ultrafast", "superfast", "veryfast", "faster", "fast", "superfast"]),
        ("h264_vaapi", ["ultrafast", "superfast", "veryfast", "faster", "fast", "superfast"]),
        ("h264_qsv", ["ultrafast", "superfast", "veryfast", "faster", "fast", "superfast"]),
        ("h264_v4l2m2m", ["ultrafast", "superfast", "veryfast", "faster", "fast", "superfast"]),
        ("h264_nvenc", ["p1", "p2", "p3", "p4", "p5", "p3"]),
    ],
)
def test_presets_by_cpu_usage_level_with_fallback(codec: str, expected: list[str]) -> None:
    assert [codec_for(codec).preset_for(level) for level in range(6)] == expected
    assert codec_for(codec).preset_for(-1) == expected[-1]


@pytest.mark.parametrize("name", ["", "libx265", "h264_videotoolbox", "LIBX264"])
def test_unknown_codec_names_mean_libx264(name: str) -> None:
    assert codec_for(name) is CODECS["libx264"]


def test_parse_encoder_list_skips_the_legend() -> None:
    assert parse_encoder_list(ENCODERS_OUTPUT) == {
        "libx264",
        "h264_nvenc",
        "h264_qsv",
        "h264_vaapi",
        "aac",
        "srt",
    }


def test_supported_codecs_lists_owncasts_four_in_order() -> None:
    encoders = parse_encoder_list(ENCODERS_OUTPUT)
    assert supported_codecs(encoders) == ["libx264", "h264_vaapi", "h264_nvenc"]
    assert supported_codecs(["h264_omx", "h264_qsv"]) == ["h264_omx"]


async def test_probe_the_bundled_ffmpeg() -> None:
    clear_encoder_cache()
    encoders = await probe_encoders(FFMPEG)
    assert {"libx264", "aac", "gif", "mjpeg"} <= encoders
    assert "libx264" in supported_codecs(encoders)
    encoders.clear()  # callers get their own copy of the cached set
    assert "libx264" in await probe_encoders(FFMPEG)


async def test_probe_a_missing_binary_gives_nothing(caplog: pytest.LogCaptureFixture) -> None:
    assert await probe_encoders("/nonexistent/ffmpeg") == set()
    assert "cannot probe ffmpeg encoders" in caplog.text
