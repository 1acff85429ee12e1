"""The ffmpeg command for the CMAF packager: FLV on stdin, one fragmented MP4 per variant on its own pipe.

Each variant is a separate ffmpeg output (`-f mp4 … pipe:<fd>`) with the same encoder flags as the HLS
muxer's command (`transcode/arguments.py`), so a variant looks the same in either format. The MP4 muxer
writes the init segment (`ftyp` + `moov`, `delay_moov` so a stream whose first timestamp is not zero is
described right), then a `moof` + `mdat` fragment at every keyframe (`frag_keyframe`) and, for low
latency, every `-frag_duration` µs (a part's worth of frames: `hls/parts.py`). `flush_packets` hands each
fragment to the pipe as soon as it is cut. Ownstream reads the pipes, cuts parts and segments and writes
the playlists itself (`outputs/cmaf.py`): ffmpeg's HLS muxer cannot write parts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from ownstream.transcode.arguments import MAX_MUXING_QUEUE_SIZE, TranscodeJob, variant_args

MOVFLAGS: Final = "+frag_keyframe+empty_moov+default_base_moof+cmaf+skip_trailer+delay_moov"


@dataclass(frozen=True)
class FragmentedOutput:
    """Where one variant's fragmented MP4 goes, and how long its fragments are."""

    fd: int
    """The write end of a pipe, passed to ffmpeg (`pipe:<fd>`)."""
    fragment_us: int | None
    """`-frag_duration` in µs; None: one fragment per keyframe (standard segments)."""


def build_cmaf_args(job: TranscodeJob, outputs: Sequence[FragmentedOutput]) -> list[str]:
    """The argv (no shell) for `job`, one output per variant, in variant order."""
    if len(outputs) != len(job.variants):
        raise ValueError("one fragmented output per variant")
    codec = job.video_codec
    latency = job.latency
    args = [job.ffmpeg_path, "-hide_banner", "-nostats", "-loglevel", "warning"]
    args += [*codec.global_flags, "-fflags", "+genpts", "-fpsprobesize", "0", "-f", "flv", "-i", "pipe:0"]
    for variant, output in zip(job.variants, outputs, strict=True):
        args += variant_args(0, variant, codec, latency, has_audio=job.has_audio)
        if not variant.video_passthrough:
            args += [*codec.extra_args, "-pix_fmt", codec.pix_fmt, "-sc_threshold", "0"]
        args += ["-max_muxing_queue_size", str(MAX_MUXING_QUEUE_SIZE)]
        args += ["-f", "mp4", "-movflags", MOVFLAGS]
        if output.fragment_us is not None:
            args += ["-frag_duration", str(output.fragment_us)]
        args += ["-flush_packets", "1", f"pipe:{output.fd}"]
    return args
