import pytest

from ownstream.transcode.ffmpeg_messages import Severity, classify_stderr_line

# Lines as the bundled ffmpeg 9 prints them for each failure.
FATAL_LINES = [
    ("[vost#0:0 @ 0x555e62f21bc0] Unknown encoder 'h264_foo'", "The video codec h264_foo is not available"),
    ("[CUDA @ 0x55cde44ba240] Cannot load libcuda.so.1", "NVIDIA hardware encoding"),
    ("[VAAPI @ 0x55d49e8c3540] No VA display found for device /dev/dri/renderD128.", "VA-API"),
    ("Failed to set value '/dev/dri/renderD128' for option 'vaapi_device': Invalid argument", "VA-API"),
    ("[h264_qsv @ 0x55a5d0d21f00] Error creating a MFX session: -9.", "QuickSync"),
    ("[h264_v4l2m2m @ 0x5627044f1f00] Could not find a valid device", "Video4Linux"),
    ("Stream map 'v:0' matches no streams.", "has no video"),
    ("Stream map '' matches no streams.", "has no video"),
    ("[hls @ 0x55bfe395cb00] Unable to map stream at a:0", "has no audio"),
    ("Error opening input files: Invalid data found when processing input", "invalid data"),
    ("[vost#0:0/wrapped_avframe @ 0x5613] Unknown pixel format requested: vaapi_vld.", "vaapi_vld."),
    ("Unrecognized option 'hls_flags'.", "-hls_flags"),
    ("[hls @ 0x1] failed to rename file x.tmp: No space left on device", "disk is full"),
]


@pytest.mark.parametrize(("line", "explanation"), FATAL_LINES)
def test_known_failures_get_a_clear_explanation(line: str, explanation: str) -> None:
    verdict = classify_stderr_line(line)
    assert verdict.severity is Severity.FATAL
    assert explanation in verdict.message
    assert not verdict.secondary


@pytest.mark.parametrize(
    "line",
    [
        "Error opening output files: Encoder not found",
        "[enc:h264_qsv @ 0x5] Error while opening encoder - maybe incorrect parameters such as bit_rate",
    ],
)
def test_follow_on_failures_are_secondary(line: str) -> None:
    verdict = classify_stderr_line(line)
    assert verdict.severity is Severity.FATAL
    assert verdict.secondary


@pytest.mark.parametrize(
    "line",
    [
        "",
        "   ",
        "    Last message repeated 3 times",
        "[hls @ 0x1] Non-monotonous DTS in output stream 0:1; previous: 1, current: 0; changing to 2.",
        "[swscaler @ 0x1] deprecated pixel format used, make sure you did set range correctly",
        "Incompatible pixel format 'yuv420p' for codec 'h264_qsv', auto-selecting format 'nv12'",
        "Codec AVOption tune (Tune the encoding) has not been used for any stream.",
    ],
)
def test_harmless_lines_are_ignored(line: str) -> None:
    assert classify_stderr_line(line).severity is Severity.IGNORE


def test_other_lines_are_details() -> None:
    assert classify_stderr_line("[flv @ 0x1] Packet mismatch 123 456 789").severity is Severity.DETAIL
