"""`download.mp4`: two recorded sessions (a reconnect between them) remuxed into one MP4 as it streams."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import av

from ownstream.replays.download import concat_list, remuxed_mp4
from tests.media import FFMPEG
from tests.replays.fixtures import encode_session, rows_for

START = datetime(2026, 12, 2, 4, 0, tzinfo=UTC)


def mp4_duration(path: Path) -> float:
    """Seconds from the first to the end of the last video frame, read from the packets (PyAV)."""
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        assert stream.time_base is not None
        times = [
            (packet.pts, packet.duration or 0) for packet in container.demux(stream) if packet.pts is not None
        ]
    first = min(pts for pts, _ in times)
    last, length = max(times)
    return float((last + length - first) * stream.time_base)


def test_the_concat_list_has_one_entry_per_run_under_one_init_segment(tmp_path: Path) -> None:
    a = encode_session(tmp_path, "a", seconds=2)
    b = encode_session(tmp_path, "b", seconds=2)
    rows = rows_for(a, START) + rows_for(
        b, START + timedelta(seconds=30), first_position=2, after_reconnect=True
    )
    lines = concat_list(tmp_path, rows).splitlines()
    assert lines[0] == "ffconcat version 1.0" and len(lines) == 3
    assert (
        lines[1] == f"file 'concat:{tmp_path}/init-a.mp4|{tmp_path}/stream-a-0.m4s|{tmp_path}/stream-a-1.m4s'"
    )
    assert lines[2].startswith(f"file 'concat:{tmp_path}/init-b.mp4|")


async def test_two_sessions_become_one_valid_mp4_of_their_length(tmp_path: Path) -> None:
    a = encode_session(tmp_path, "a", seconds=3)
    b = encode_session(tmp_path, "b", seconds=2)
    rows = rows_for(a, START) + rows_for(
        b, START + timedelta(seconds=30), first_position=3, after_reconnect=True
    )
    output = tmp_path / "out.mp4"
    chunks = 0
    with output.open("wb") as handle:
        async for chunk in remuxed_mp4(FFMPEG, tmp_path, rows):
            handle.write(chunk)
            chunks += 1
    assert chunks >= 1
    assert abs(mp4_duration(output) - 5.0) < 0.5
    with av.open(str(output)) as container:
        assert {stream.type for stream in container.streams} == {"video", "audio"}


async def test_leaving_early_stops_ffmpeg(tmp_path: Path) -> None:
    a = encode_session(tmp_path, "a", seconds=3)
    chunks = remuxed_mp4(FFMPEG, tmp_path, rows_for(a, START))
    first = await anext(chunks)
    assert first[4:8] == b"ftyp"
    await chunks.aclose()  # the client left: no ffmpeg is left behind (pytest would warn of the transport)
