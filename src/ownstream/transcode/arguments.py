"""The ffmpeg command for one transcoder run, built as an argv list (reference §6.3, with its defects fixed).

Differences from Owncast, all deliberate:
- the input is our own FLV on stdin (`-f flv -i pipe:0`), or a file for the offline clip;
- ffmpeg writes straight to `<output_dir>/<variant>/` (no internal HTTP receiver), with `temp_file` so
  segments and playlists appear atomically;
- segments are named by sequence number (`stream-<session>-<n>.ts`), which cannot collide at 1 s segments;
- ffmpeg deletes old segments itself (`delete_segments`, keeping list size + 10);
- presets are per stream (`-preset:v:i`) so one variant's preset does not override another's, and
  passthrough variants get none;
- Owncast's `-segment_format_options mpegts_flags=mpegts_copyts=1` is dropped: the HLS muxer ignores it;
- video-only input is supported when the job says there is no audio;
- the encoder gets the configured video bitrate: Owncast subtracts 192 kbit/s for audio from it ("600"
  became 408 kbit/s of video), though audio has its own `-b:a` and `videoBitrate` names the video alone.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from ownstream.hls.playlist import PLAYLIST_NAME
from ownstream.transcode.codecs import DEFAULT_CODEC, VideoCodec, codec_for
from ownstream.transcode.latency import (
    DEFAULT_LATENCY_LEVEL,
    EXTRA_SEGMENTS_ON_DISK,
    LatencyLevel,
    latency_for,
)
from ownstream.transcode.variants import StreamVariant

MAXRATE_PERCENT = 108
MAX_MUXING_QUEUE_SIZE = 400

_SESSION_ID = re.compile(r"[A-Za-z0-9_-]{1,32}")


def new_session_id() -> str:
    """A short id for one transcoder run; it keeps segment names unique across runs."""
    return secrets.token_hex(4)


@dataclass(frozen=True)
class TranscodeJob:
    """Everything one ffmpeg run needs. Build it from a snapshot of the configuration at stream start."""

    ffmpeg_path: str
    variants: tuple[StreamVariant, ...]
    output_dir: Path
    session_id: str
    latency_level: int = DEFAULT_LATENCY_LEVEL
    codec: str = DEFAULT_CODEC
    """The configured `video_codec`; unknown names mean libx264."""
    has_audio: bool = True
    """False for video-only input: ffmpeg's HLS muxer cannot map a missing audio stream."""
    input_path: Path | None = None
    """None: FLV on stdin. A file (the offline clip) otherwise."""
    event_playlist: bool = False
    """Write an EVENT playlist (the offline clip run) instead of a sliding live window."""
    report_file: Path | None = None
    """If set, ffmpeg also writes its report (FFREPORT, level 32) here, like Owncast's `transcoder.log`."""

    def __post_init__(self) -> None:
        if not self.variants:
            raise ValueError("a transcode job needs at least one variant")
        if not _SESSION_ID.fullmatch(self.session_id):
            raise ValueError(f"session id must be 1-32 letters, digits, '-' or '_': {self.session_id!r}")
        if "%" in str(self.output_dir):
            raise ValueError(f"the HLS output folder may not contain '%': {self.output_dir}")
        latency_for(self.latency_level)  # rejects negative levels

    @property
    def latency(self) -> LatencyLevel:
        return latency_for(self.latency_level)

    @property
    def video_codec(self) -> VideoCodec:
        return codec_for(self.codec)

    @property
    def master_playlist_path(self) -> Path:
        return self.output_dir / PLAYLIST_NAME

    def variant_dir(self, index: int) -> Path:
        return self.output_dir / str(index)

    def variant_playlist_path(self, index: int) -> Path:
        return self.variant_dir(index) / PLAYLIST_NAME


def encoder_bitrate_kbps(variant: StreamVariant) -> int:
    """`-b:v:i`: the configured video bitrate, as configured (0 means Owncast's default 1200)."""
    return variant.effective_video_bitrate


def maxrate_kbps(variant: StreamVariant) -> int:
    """`-maxrate:v:i`: floor(encoder bitrate × 1.08)."""
    return encoder_bitrate_kbps(variant) * MAXRATE_PERCENT // 100


def scale_filter(variant: StreamVariant) -> str:
    """`scale=W:H`, `scale=W:-2` or `scale=-2:H` (-2 keeps the aspect ratio with an even size), or ''."""
    width, height = variant.scaled_width, variant.scaled_height
    if not width and not height:
        return ""
    return f"scale={width or -2}:{height or -2}"


def variant_args(
    index: int, variant: StreamVariant, codec: VideoCodec, latency: LatencyLevel, *, has_audio: bool = True
) -> list[str]:
    """The flags for output variant `index`: video, audio, filters, preset — Owncast's order."""
    args = ["-map", "v:0"]
    if variant.video_passthrough:
        args += [f"-c:v:{index}", "copy"]
    else:
        fps = variant.effective_framerate
        gop = fps * latency.segment_seconds
        args += [
            f"-c:v:{index}",
            codec.name,
            f"-b:v:{index}",
            f"{encoder_bitrate_kbps(variant)}k",
            f"-maxrate:v:{index}",
            f"{maxrate_kbps(variant)}k",
            f"-g:v:{index}",
            str(gop),
            f"-keyint_min:v:{index}",
            str(gop),
            f"-r:v:{index}",
            str(fps),
            *codec.variant_flags(index, maxrate_kbps(variant)),
        ]
    if has_audio:
        args += ["-map", "a:0?"]
        if variant.copies_audio:
            args += [f"-c:a:{index}", "copy"]
        else:
            args += [f"-c:a:{index}", "aac", f"-b:a:{index}", f"{variant.audio_bitrate}k"]
    if not variant.video_passthrough:
        chain = [step for step in (scale_filter(variant), codec.video_filter) if step]
        if scale_filter(variant):
            args += ["-sws_flags", "bilinear"]
        if chain:
            args += [f"-filter:v:{index}", ",".join(chain)]
        args += [f"-preset:v:{index}", codec.preset_for(variant.cpu_usage_level)]
    return args


def var_stream_map(variant_count: int, *, has_audio: bool = True) -> str:
    """`v:0,a:0 v:1,a:1 …`: one rendition per variant, each with its own copy of the audio."""
    return " ".join(f"v:{i},a:{i}" if has_audio else f"v:{i}" for i in range(variant_count))


def hls_flags(*, event_playlist: bool) -> str:
    flags = ["program_date_time", "independent_segments"]
    if event_playlist:
        flags.append("temp_file")
    else:
        flags += ["omit_endlist", "temp_file", "delete_segments"]
    return "+".join(flags)


def build_ffmpeg_args(job: TranscodeJob) -> list[str]:
    """The argv (no shell) for `job`, in the order of reference §6.3."""
    codec = job.video_codec
    latency = job.latency
    args = [job.ffmpeg_path, "-hide_banner", "-nostats", "-loglevel", "warning"]
    args += [*codec.global_flags, "-fflags", "+genpts"]
    if job.input_path is None:
        # Our FLV carries the publisher's metadata; estimating the frame rate from the first frames
        # only delays the first segment (≈1.6 s at 1-second segments, measured in bench/).
        args += ["-fpsprobesize", "0", "-f", "flv", "-i", "pipe:0"]
    else:
        args += ["-i", str(job.input_path)]
    for index, variant in enumerate(job.variants):
        args += variant_args(index, variant, codec, latency, has_audio=job.has_audio)
    args += ["-var_stream_map", var_stream_map(len(job.variants), has_audio=job.has_audio)]
    args += ["-f", "hls", "-hls_time", str(latency.segment_seconds)]
    args += ["-hls_list_size", str(latency.playlist_length)]
    if job.event_playlist:
        args += ["-hls_playlist_type", "event"]
    args += ["-hls_flags", hls_flags(event_playlist=job.event_playlist)]
    if not job.event_playlist:
        args += ["-hls_delete_threshold", str(EXTRA_SEGMENTS_ON_DISK)]
    args += [*codec.extra_args, "-pix_fmt", codec.pix_fmt, "-sc_threshold", "0"]
    args += [
        "-master_pl_name",
        PLAYLIST_NAME,
        "-hls_segment_filename",
        str(job.output_dir / "%v" / f"stream-{job.session_id}-%d.ts"),
        "-max_muxing_queue_size",
        str(MAX_MUXING_QUEUE_SIZE),
        str(job.output_dir / "%v" / PLAYLIST_NAME),
    ]
    return args


def build_ffmpeg_env(job: TranscodeJob) -> dict[str, str]:
    """Extra environment for the run: `FFREPORT` when a report file is wanted."""
    if job.report_file is None:
        return {}
    escaped = re.sub(r"([\\:'])", r"\\\1", str(job.report_file))
    return {"FFREPORT": f"file={escaped}:level=32"}
