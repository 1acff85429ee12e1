"""The ffmpeg argv, checked against golden files (one option and its value per line).

Regenerate after a deliberate change with `OWNSTREAM_UPDATE_GOLDEN=1 pytest tests/transcode/test_arguments.py`
and review the diff.
"""

from __future__ import annotations

import os
import shlex
from pathlib import Path

import pytest

from ownstream.transcode.arguments import (
    TranscodeJob,
    build_ffmpeg_args,
    build_ffmpeg_env,
    encoder_bitrate_kbps,
    maxrate_kbps,
    scale_filter,
    var_stream_map,
)
from ownstream.transcode.codecs import CODECS
from ownstream.transcode.variants import DEFAULT_VARIANTS, StreamVariant
from tests.contract.differences import BEHAVIOUR_DEVIATIONS

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("OWNSTREAM_UPDATE_GOLDEN") == "1"
OUT = Path("/data/hls")


def job(*variants: StreamVariant, **overrides: object) -> TranscodeJob:
    fields: dict[str, object] = {
        "ffmpeg_path": "ffmpeg",
        "variants": variants or DEFAULT_VARIANTS,
        "output_dir": OUT,
        "session_id": "Ab12-_x",
    }
    fields.update(overrides)
    return TranscodeJob(**fields)  # type: ignore[arg-type]


def layout(argv: list[str]) -> str:
    """One line per option with its value (`-b:v:0 1008k`); the program and the output on their own lines."""
    lines: list[list[str]] = []
    for position, arg in enumerate(argv):
        if not lines or arg.startswith("-") or position == len(argv) - 1:
            lines.append([arg])
        else:
            lines[-1].append(arg)
    return "".join(shlex.join(line) + "\n" for line in lines)


def assert_golden(name: str, argv: list[str]) -> None:
    path = GOLDEN / f"{name}.args"
    text = layout(argv)
    if UPDATE:
        path.parent.mkdir(exist_ok=True)
        path.write_text(text)
    assert text == path.read_text(), f"argv differs from {path.name}"
    assert shlex.split(path.read_text()) == argv


def variant(**fields: object) -> StreamVariant:
    return StreamVariant.model_validate(fields)


CASES: dict[str, TranscodeJob] = {
    **{f"latency_{level}": job(latency_level=level) for level in range(5)},
    **{f"codec_{name}": job(codec=name) for name in CODECS},
    "abr_two_variants": job(
        variant(videoBitrate=3000, framerate=30, cpuUsageLevel=3, audioPassthrough=True),
        variant(videoBitrate=800, framerate=24, scaledHeight=360, audioBitrate=96, cpuUsageLevel=0),
    ),
    "scale_width_only": job(variant(scaledWidth=640, audioPassthrough=True)),
    "scale_height_only": job(variant(scaledHeight=480, audioPassthrough=True)),
    "scale_both": job(variant(scaledWidth=1080, scaledHeight=720, audioPassthrough=True)),
    "vaapi_scaled": job(variant(scaledHeight=480, audioPassthrough=True), codec="h264_vaapi"),
    "video_passthrough": job(variant(videoPassthrough=True, audioPassthrough=True, cpuUsageLevel=0)),
    "video_passthrough_audio_encode": job(variant(videoPassthrough=True, audioBitrate=128)),
    "audio_encode": job(variant(audioBitrate=160)),
    "audio_bitrate_zero_copies": job(variant(audioBitrate=0, audioPassthrough=False)),
    "no_audio": job(variant(audioBitrate=96), variant(videoPassthrough=True), has_audio=False),
    "offline_clip": job(input_path=Path("/tmp/offline.ts"), latency_level=4, event_playlist=True),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_golden(name: str) -> None:
    assert_golden(name, build_ffmpeg_args(CASES[name]))


def test_owncasts_worked_example() -> None:
    """Reference §6.3: the default variant at latency level 2 (the bitrate as configured: our deviation)."""
    argv = build_ffmpeg_args(job())
    text = shlex.join(argv)
    for fragment in [
        "-b:v:0 1200k -maxrate:v:0 1296k -g:v:0 72 -keyint_min:v:0 72 -r:v:0 24",
        "-bufsize:v:0 1296k",
        "-c:a:0 copy",
        "-preset:v:0 veryfast",
        "-hls_time 3 -hls_list_size 10",
    ]:
        assert fragment in text


def test_default_job_in_full() -> None:
    assert build_ffmpeg_args(job()) == [
        *("ffmpeg", "-hide_banner", "-nostats", "-loglevel", "warning", "-fflags", "+genpts"),
        *("-fpsprobesize", "0", "-f", "flv", "-i", "pipe:0"),
        *("-map", "v:0", "-c:v:0", "libx264", "-b:v:0", "1200k", "-maxrate:v:0", "1296k"),
        *("-g:v:0", "72", "-keyint_min:v:0", "72", "-r:v:0", "24"),
        *("-x264-params:v:0", "scenecut=0:open_gop=0", "-bufsize:v:0", "1296k", "-profile:v:0", "high"),
        *("-map", "a:0?", "-c:a:0", "copy"),
        *("-preset:v:0", "veryfast"),
        *("-var_stream_map", "v:0,a:0"),
        *("-f", "hls", "-hls_time", "3", "-hls_list_size", "10"),
        *("-hls_flags", "program_date_time+independent_segments+omit_endlist+temp_file+delete_segments"),
        *("-hls_delete_threshold", "10"),
        *("-tune", "zerolatency", "-pix_fmt", "yuv420p", "-sc_threshold", "0"),
        *("-master_pl_name", "stream.m3u8"),
        *("-hls_segment_filename", "/data/hls/%v/stream-Ab12-_x-%d.ts"),
        *("-max_muxing_queue_size", "400"),
        "/data/hls/%v/stream.m3u8",
    ]


def test_unknown_codec_builds_the_libx264_command() -> None:
    assert build_ffmpeg_args(job(codec="h264_bogus")) == build_ffmpeg_args(job(codec="libx264"))


def test_global_codec_flags_come_before_the_input() -> None:
    argv = build_ffmpeg_args(job(codec="h264_nvenc"))
    assert argv.index("-hwaccel") < argv.index("-i")
    argv = build_ffmpeg_args(job(codec="h264_vaapi"))
    assert argv.index("-vaapi_device") < argv.index("-i")


def test_passthrough_variant_has_no_encoding_flags() -> None:
    argv = build_ffmpeg_args(job(variant(videoPassthrough=True, scaledWidth=640, audioPassthrough=True)))
    assert "-c:v:0" in argv
    assert argv[argv.index("-c:v:0") + 1] == "copy"
    for flag in ["-b:v:0", "-maxrate:v:0", "-g:v:0", "-r:v:0", "-filter:v:0", "-preset:v:0", "-sws_flags"]:
        assert flag not in argv


def test_passthrough_video_with_encoded_audio_is_a_valid_pair() -> None:
    argv = build_ffmpeg_args(job(variant(videoPassthrough=True, audioBitrate=128)))
    start = argv.index("a:0?") - 1
    assert argv[start : start + 6] == ["-map", "a:0?", "-c:a:0", "aac", "-b:a:0", "128k"]


def test_gop_is_framerate_times_segment_length() -> None:
    argv = build_ffmpeg_args(job(variant(framerate=30), latency_level=0))
    assert argv[argv.index("-g:v:0") + 1] == "30"
    argv = build_ffmpeg_args(job(variant(framerate=30), latency_level=4))
    assert argv[argv.index("-keyint_min:v:0") + 1] == "150"


def test_zero_framerate_and_bitrate_use_owncasts_defaults() -> None:
    argv = build_ffmpeg_args(job(variant(framerate=0, videoBitrate=0)))
    assert argv[argv.index("-r:v:0") + 1] == "24"
    assert argv[argv.index("-b:v:0") + 1] == "1200k"


@pytest.mark.parametrize(
    ("configured", "encoder", "maxrate"),
    [(1200, 1200, 1296), (3000, 3000, 3240), (600, 600, 648), (400, 400, 432), (100, 100, 108)],
)
def test_the_encoder_gets_the_configured_video_bitrate(configured: int, encoder: int, maxrate: int) -> None:
    # A deliberate deviation (tests/contract/differences.py): Owncast gave the encoder 192 kbit/s less.
    assert "video bitrate" in BEHAVIOUR_DEVIATIONS
    v = variant(videoBitrate=configured)
    assert (encoder_bitrate_kbps(v), maxrate_kbps(v)) == (encoder, maxrate)
    argv = build_ffmpeg_args(job(v))
    assert argv[argv.index("-b:v:0") + 1] == f"{encoder}k"
    assert argv[argv.index("-maxrate:v:0") + 1] == argv[argv.index("-bufsize:v:0") + 1] == f"{maxrate}k"


def test_scale_filters() -> None:
    assert scale_filter(variant()) == ""
    assert scale_filter(variant(scaledWidth=640)) == "scale=640:-2"
    assert scale_filter(variant(scaledHeight=360)) == "scale=-2:360"
    assert scale_filter(variant(scaledWidth=640, scaledHeight=360)) == "scale=640:360"


def test_var_stream_map() -> None:
    assert var_stream_map(3) == "v:0,a:0 v:1,a:1 v:2,a:2"
    assert var_stream_map(2, has_audio=False) == "v:0 v:1"


@pytest.mark.parametrize("session_id", ["", "a/b", "50%", "x" * 33, "a b"])
def test_session_id_must_be_safe_in_a_file_name(session_id: str) -> None:
    with pytest.raises(ValueError, match="session id"):
        job(session_id=session_id)


def test_job_validation() -> None:
    with pytest.raises(ValueError, match="at least one variant"):
        TranscodeJob(ffmpeg_path="ffmpeg", variants=(), output_dir=OUT, session_id="x")
    with pytest.raises(ValueError, match="'%'"):
        job(output_dir=Path("/data/100%/hls"))
    with pytest.raises(ValueError, match="latency level"):
        job(latency_level=-1)


def test_ffreport_environment() -> None:
    assert build_ffmpeg_env(job()) == {}
    env = build_ffmpeg_env(job(report_file=Path("/logs/a:b/transcoder.log")))
    assert env == {"FFREPORT": "file=/logs/a\\:b/transcoder.log:level=32"}
