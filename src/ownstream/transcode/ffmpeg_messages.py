"""What ffmpeg's stderr lines mean: known failures become one clear sentence, known noise is dropped.

Pure code: a line in, a verdict out. The process runner decides how to log it.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass


class Severity(enum.Enum):
    IGNORE = "ignore"
    """Known, harmless noise."""
    DETAIL = "detail"
    """Anything else: worth keeping at debug level."""
    FATAL = "fatal"
    """A known reason the transcoder cannot run."""


@dataclass(frozen=True)
class Verdict:
    severity: Severity
    message: str = ""
    """For FATAL: the explanation for the streamer."""
    secondary: bool = False
    """A follow-on failure line: only worth reporting when nothing more specific was reported first."""


@dataclass(frozen=True)
class _KnownFailure:
    pattern: re.Pattern[str]
    message: str
    """May use `{0}` for the pattern's first group."""
    secondary: bool = False


def _failure(pattern: str, message: str, *, secondary: bool = False) -> _KnownFailure:
    return _KnownFailure(re.compile(pattern), message, secondary)


_NVENC = (
    "NVIDIA hardware encoding (h264_nvenc) is not available: no NVIDIA GPU or CUDA driver (libcuda) "
    "was found. Choose another video codec, such as libx264."
)
_VAAPI = (
    "VA-API hardware encoding (h264_vaapi) is not available: the device /dev/dri/renderD128 is missing or "
    "unusable. Choose another video codec, such as libx264."
)

KNOWN_FAILURES: tuple[_KnownFailure, ...] = (
    _failure(
        r"Unknown encoder '([^']*)'",
        "The video codec {0} is not available in this ffmpeg. Choose another codec (libx264 works "
        "everywhere) or set an ffmpeg path that has it.",
    ),
    _failure(r"Cannot load libcuda|Could not dynamically load CUDA|device type cuda needed", _NVENC),
    _failure(r"No VA display found|Failed to set value '/dev/dri/\S+' for option 'vaapi_device'", _VAAPI),
    _failure(
        r"Error creating a MFX session|Error initializing an MFX session",
        "Intel QuickSync encoding (h264_qsv) is not available on this machine. Choose another video codec.",
    ),
    _failure(
        r"\[h264_v4l2m2m[^\]]*\] Could not find a valid device",
        "The Video4Linux hardware encoder (h264_v4l2m2m) found no device. Choose another video codec.",
    ),
    _failure(
        r"Stream map '[^']*' matches no streams",
        "The incoming stream has no video (audio-only streams cannot be broadcast). "
        "Check the video source in your broadcasting software.",
    ),
    _failure(
        r"Unable to map stream at a:",
        "The incoming stream has no audio track. Add an audio source in your broadcasting software.",
    ),
    _failure(
        r"Invalid data found when processing input",
        "The incoming stream could not be read: ffmpeg found invalid data in the input.",
    ),
    _failure(
        r"Unknown pixel format requested: (\S+)",
        "This ffmpeg does not support the pixel format {0} that the selected video codec needs.",
    ),
    _failure(
        r"Unrecognized option '([^']*)'",
        "This ffmpeg does not understand the option -{0}; it may be too old. Use ffmpeg 4.1 or newer.",
    ),
    _failure(r"No space left on device", "The disk is full: ffmpeg cannot write the video segments."),
    _failure(
        r"Permission denied",
        "ffmpeg was denied permission to read or write a file; check the data folder's permissions.",
    ),
    _failure(
        r"Encoder not found|Codec not found|codec not found",
        "ffmpeg could not find the requested codec.",
        secondary=True,
    ),
    _failure(
        r"Error while opening encoder",
        "The video encoder could not be started: the hardware may be missing, or a setting (bitrate, size, "
        "frame rate) is not supported by it.",
        secondary=True,
    ),
)

HARMLESS_FRAGMENTS: tuple[str, ...] = (
    "Last message repeated",
    "Non-monotonous DTS",
    "Non-monotonic DTS",
    "non monotonically increasing dts",
    "deprecated pixel format used",
    "Duplicated segment filename",
    "Incompatible pixel format",
    "has not been used for any stream",
    "Timestamps are unset in a packet",
    "Queue input is backward in time",
    "Past duration",
    "Guessed Channel Layout",
    "Discarding ID3 tags",
    "Stream discovered after head already parsed",
    "thread_queue_size",
)


def classify_stderr_line(line: str) -> Verdict:
    """The verdict for one line of ffmpeg's stderr (without its line ending)."""
    for known in KNOWN_FAILURES:
        match = known.pattern.search(line)
        if match:
            groups = match.groups()
            message = known.message.format(*groups) if groups else known.message
            return Verdict(Severity.FATAL, message, known.secondary)
    if not line.strip() or any(fragment in line for fragment in HARMLESS_FRAGMENTS):
        return Verdict(Severity.IGNORE)
    return Verdict(Severity.DETAIL)
