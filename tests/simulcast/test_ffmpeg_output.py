"""Reading a forwarding ffmpeg: progress blocks, the remote's refusals told from passing conditions, and
the stream key masked in every line."""

from __future__ import annotations

from pathlib import Path

import pytest

from ownstream.simulcast.destinations import parse_destination_url
from ownstream.simulcast.ffmpeg_output import Progress, ProgressParser, read_stderr_line
from ownstream.simulcast.forwarder import ForwarderJob, forwarder_args

URL = parse_destination_url("rtmp://127.0.0.1:1935/live/secret-key-0123456789")


def test_progress_blocks() -> None:
    parser = ProgressParser()
    lines = ["frame=90", "total_size=N/A", "out_time_us=0", "progress=continue"]
    assert [parser.feed(line) for line in lines][-1] == Progress(0, 0, ended=False)
    lines = ["bitrate= 410.0kbits/s", "total_size=309392\n", "out_time_us=6037000", "progress=end"]
    assert [parser.feed(line) for line in lines][-1] == Progress(309392, 6037000, ended=True)
    assert parser.feed("not a field") is None


@pytest.mark.parametrize(
    ("raw", "text", "refused"),
    [
        (
            "[rtmp @ 0x55d] Server error: Publishing denied: wrong stream key.",
            "the server refused: Publishing denied: wrong stream key.",
            True,
        ),
        ("Server error: Unknown application", "the server refused: Unknown application", True),
        ("Server error: ", "the server refused: no reason given", True),
        (
            "[rtmp @ 0x1] Server error: A stream is already live on this server",
            "the server refused: A stream is already live on this server",
            False,
        ),
        (
            "[out#0/flv @ 0xab] Error opening output rtmp://127.0.0.1:1935/live/secret-key-0123456789: "
            "Connection refused",
            "Error opening output rtmp://127.0.0.1:1935/live/••••6789: Connection refused",
            False,
        ),
        ("key secret-key-0123456789 alone", "key •••• alone", False),
    ],
)
def test_stderr_lines(raw: str, text: str, refused: bool) -> None:
    line = read_stderr_line(raw, URL)
    assert (line.text, line.refused, line.noise) == (text, refused, False)


def test_noise_is_not_an_error() -> None:
    assert read_stderr_line("Press [q] to stop, [?] for help", URL).noise
    assert read_stderr_line("[flv @ 0x1] Failed to update header with correct duration.", URL).noise
    assert read_stderr_line("   ", URL).noise


def test_arguments() -> None:
    source = forwarder_args(ForwarderJob("ffmpeg", URL, "1"))
    assert source[:5] == ["ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "warning"]
    assert source[5:7] == ["-probesize", "262144"] and source[9:13] == ["-f", "flv", "-i", "pipe:0"]
    assert source[-3:] == ["-f", "flv", URL.full] and "-ca_file" not in source
    secure = parse_destination_url("rtmps://host/app/key")
    variant = forwarder_args(
        ForwarderJob("ffmpeg", secure, "2", playlist=Path("/h/1/stream.m3u8"), ca_file="/ca.pem")
    )
    assert variant[5:9] == ["-live_start_index", "-1", "-i", "/h/1/stream.m3u8"]
    assert variant[variant.index("-ca_file") + 1] == "/ca.pem"
    assert variant[variant.index("-c") : variant.index("-c") + 2] == ["-c", "copy"]
