"""Small real fMP4 sessions for replay tests: ffmpeg's HLS muxer cuts a test pattern into 1 s segments
with an init segment, as the packager's sessions look on disk."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from ownstream.database.repos.replays import ReplaySegment
from tests.media import FFMPEG


@dataclass(frozen=True)
class Session:
    init: Path
    segments: list[Path]
    seconds_each: float


def encode_session(folder: Path, session: str, seconds: int = 3) -> Session:
    """`init-<session>.mp4` and `stream-<session>-<n>.m4s`, one second each, in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            FFMPEG, "-hide_banner", "-loglevel", "error", "-y",
            "-f", "lavfi", "-i", "testsrc2=size=160x90:rate=10",
            "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100",
            "-t", str(seconds),
            "-c:v", "libx264", "-preset", "ultrafast", "-g", "10", "-keyint_min", "10", "-sc_threshold", "0",
            "-c:a", "aac", "-b:a", "32k",
            "-f", "hls", "-hls_segment_type", "fmp4", "-hls_time", "1", "-hls_list_size", "0",
            "-hls_fmp4_init_filename", f"init-{session}.mp4",
            "-hls_segment_filename", str(folder / f"stream-{session}-%d.m4s"),
            str(folder / f"{session}.m3u8"),
        ],
        check=True,
    )  # fmt: skip
    (folder / f"{session}.m3u8").unlink()
    segments = sorted(folder.glob(f"stream-{session}-*.m4s"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
    return Session(folder / f"init-{session}.mp4", segments, 1.0)


def rows_for(
    session: Session, start: datetime, *, first_position: int = 0, after_reconnect: bool = False
) -> list[ReplaySegment]:
    return [
        ReplaySegment(
            position=first_position + index,
            name=path.name,
            init_name=session.init.name,
            program_date_time=start + timedelta(seconds=index * session.seconds_each),
            duration=session.seconds_each,
            size=path.stat().st_size,
            discontinuity=after_reconnect and index == 0,
        )
        for index, path in enumerate(session.segments)
    ]
