"""The asyncio RTMP server on 127.0.0.1 with real publishers (ffmpeg, GStreamer) and raw sockets."""

from __future__ import annotations

import asyncio
import logging
import shutil
import subprocess
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import imageio_ffmpeg
import pytest

from ownstream.ingest.publish import PublishRefusal, PublishRequest, StreamSink
from ownstream.ingest.rtmp.server import RtmpServer
from tests.ingest.rtmp.capture import ffmpeg_publish_command
from tests.ingest.rtmp.transcript import ClientTranscript, commands, server_messages, video_payload

FFMPEG = imageio_ffmpeg.get_ffmpeg_exe()
GST_LAUNCH = shutil.which("gst-launch-1.0")


class RecordingSink:
    def __init__(self) -> None:
        self.data = bytearray()
        self.metadata: list[dict[str, Any]] = []
        self.writes = 0
        self._written = asyncio.Condition()
        self.closed = asyncio.Event()
        self.close_calls = 0
        self.unblocked: asyncio.Event | None = None

    async def write(self, data: bytes) -> None:
        if self.unblocked is not None:
            await self.unblocked.wait()
        self.data += data
        self.writes += 1
        async with self._written:
            self._written.notify_all()

    async def wait_for_bytes(self, count: int) -> None:
        """Tags may arrive batched (one write per socket read), so wait on bytes, not on writes."""
        async with self._written:
            await asyncio.wait_for(self._written.wait_for(lambda: len(self.data) >= count), 20)

    def update_metadata(self, metadata: dict[str, Any]) -> None:
        self.metadata.append(metadata)

    async def close(self) -> None:
        self.close_calls += 1
        self.closed.set()


class OwncastLikeGate:
    """Accepts `live`/`abc123` while no other publisher is active, like Owncast's rules."""

    def __init__(self) -> None:
        self.requests: list[PublishRequest] = []
        self.sinks: list[RecordingSink] = []
        self.block_writes = False
        self.sink_opened = asyncio.Event()

    async def open_publish(self, request: PublishRequest) -> StreamSink | PublishRefusal:
        self.requests.append(request)
        if request.app != "live":
            return PublishRefusal.UNKNOWN_APPLICATION
        if request.stream_key != "abc123":
            return PublishRefusal.WRONG_STREAM_KEY
        if any(not sink.closed.is_set() for sink in self.sinks):
            return PublishRefusal.ALREADY_LIVE
        sink = RecordingSink()
        if self.block_writes:
            sink.unblocked = asyncio.Event()
        self.sinks.append(sink)
        self.sink_opened.set()
        return sink


@pytest.fixture
def gate() -> OwncastLikeGate:
    return OwncastLikeGate()


@pytest.fixture
async def server(gate: OwncastLikeGate) -> AsyncIterator[RtmpServer]:
    server = RtmpServer(gate, "127.0.0.1", 0)
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def impatient_server(gate: OwncastLikeGate) -> AsyncIterator[RtmpServer]:
    server = RtmpServer(gate, "127.0.0.1", 0, read_timeout=0.5)
    await server.start()
    yield server
    await server.stop()


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("ingest") / "clip.flv"
    subprocess.run(
        [
            *(FFMPEG, "-hide_banner", "-loglevel", "error", "-y"),
            *("-f", "lavfi", "-i", "testsrc2=size=160x90:rate=10", "-f", "lavfi", "-i", "sine"),
            *(
                "-t",
                "1",
                "-c:v",
                "libx264",
                "-preset",
                "ultrafast",
                "-g",
                "10",
                "-c:a",
                "aac",
                "-f",
                "flv",
                str(path),
            ),
        ],
        check=True,
        timeout=60,
    )
    return path


async def run(*command: str, timeout: float = 60) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        *command, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT
    )
    output, _ = await asyncio.wait_for(process.communicate(), timeout)
    assert process.returncode is not None
    return process.returncode, output.decode(errors="replace")


async def assert_decodable_flv(data: bytes, tmp_path: Path) -> None:
    path = tmp_path / "received.flv"
    path.write_bytes(data)
    returncode, output = await run(FFMPEG, "-hide_banner", "-v", "error", "-i", str(path), "-f", "null", "-")
    assert returncode == 0, output
    assert output.strip() == ""


async def exchange(port: int, data: bytes, *, timeout: float = 5) -> bytes:
    """Send `data`, then read until the server closes the connection."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(data)
    await writer.drain()
    received = await asyncio.wait_for(reader.read(), timeout)
    writer.close()
    await writer.wait_closed()
    return received


def publish_bytes(key: str = "abc123", app: str = "live") -> bytes:
    return ClientTranscript().handshake().connect(app).publish_commands(key).to_bytes()


async def test_bundled_ffmpeg_publishes_a_decodable_flv(
    server: RtmpServer, gate: OwncastLikeGate, tmp_path: Path
) -> None:
    command = ffmpeg_publish_command(f"rtmp://127.0.0.1:{server.port}/live/abc123", seconds=1)
    returncode, output = await run(*command)
    assert returncode == 0, output
    (sink,) = gate.sinks
    await asyncio.wait_for(sink.closed.wait(), 5)
    assert sink.close_calls == 1
    assert sink.metadata[0]["width"] == 160.0
    assert sink.metadata[0]["height"] == 90.0
    assert sink.data.startswith(b"FLV\x01\x05")
    await assert_decodable_flv(bytes(sink.data), tmp_path)
    (request,) = gate.requests
    assert request.remote_addr.startswith("127.0.0.1:")
    assert request.tc_url == f"rtmp://127.0.0.1:{server.port}/live"


@pytest.mark.skipif(GST_LAUNCH is None, reason="gst-launch-1.0 is not installed")
@pytest.mark.parametrize("element", ["rtmp2sink", "rtmpsink"], ids=["rtmp2sink-native", "rtmpsink-librtmp"])
async def test_gstreamer_publishes(
    server: RtmpServer, gate: OwncastLikeGate, clip: Path, tmp_path: Path, element: str
) -> None:
    assert GST_LAUNCH is not None
    inspect = await run("gst-inspect-1.0", element)
    if inspect[0] != 0:
        pytest.skip(f"GStreamer element {element} is not installed")
    pipeline = (
        f"filesrc location={clip} ! flvdemux name=d "
        "d.video ! queue ! h264parse ! m.video "
        "d.audio ! queue ! aacparse ! m.audio "
        f"flvmux name=m streamable=true ! {element} location=rtmp://127.0.0.1:{server.port}/live/abc123"
    )
    returncode, output = await run(GST_LAUNCH, "-q", *pipeline.split())
    assert returncode == 0, output
    (sink,) = gate.sinks
    await asyncio.wait_for(sink.closed.wait(), 5)
    assert sink.metadata[0]["width"] == 160.0
    assert sink.metadata[0]["audiocodecid"] == 10.0
    await assert_decodable_flv(bytes(sink.data), tmp_path)


@pytest.mark.parametrize(
    ("app", "key", "code", "reason"),
    [
        ("live", "wrongkey", "NetStream.Publish.Denied", "wrong stream key"),
        ("other", "abc123", "NetConnection.Connect.InvalidApp", "unknown application"),
    ],
)
async def test_refused_publish_closes_and_the_server_serves_the_next_client(
    server: RtmpServer,
    gate: OwncastLikeGate,
    caplog: pytest.LogCaptureFixture,
    app: str,
    key: str,
    code: str,
    reason: str,
) -> None:
    caplog.set_level(logging.INFO, logger="ownstream.ingest")
    received = await exchange(server.port, publish_bytes(key, app))
    status = commands(server_messages(received))[-1]
    assert status.arguments[0]["code"] == code
    assert gate.sinks == []
    refusals = [r.getMessage() for r in caplog.records if "refused" in r.getMessage()]
    assert len(refusals) == 1 and refusals[0].endswith(f"refused: {reason}")
    assert key not in caplog.text

    _, writer = await asyncio.open_connection("127.0.0.1", server.port)
    writer.write(publish_bytes())
    await writer.drain()
    await asyncio.wait_for(gate.sink_opened.wait(), 5)
    writer.close()
    await writer.wait_closed()
    await asyncio.wait_for(gate.sinks[0].closed.wait(), 5)


async def test_second_publisher_is_refused_while_one_is_live(
    server: RtmpServer, gate: OwncastLikeGate
) -> None:
    _, first_writer = await asyncio.open_connection("127.0.0.1", server.port)
    transcript = ClientTranscript().handshake().connect().publish_commands()
    first_writer.write(transcript.to_bytes())
    transcript.parts.clear()
    await first_writer.drain()
    await asyncio.wait_for(gate.sink_opened.wait(), 5)

    received = await exchange(server.port, publish_bytes())
    assert commands(server_messages(received))[-1].arguments[0]["code"] == "NetStream.Publish.BadName"
    assert "already live" in commands(server_messages(received))[-1].arguments[0]["description"]
    assert len(gate.requests) == 2
    assert len(gate.sinks) == 1

    first_writer.write(transcript.metadata().video(0, video_payload(0, 100)).to_bytes())
    await first_writer.drain()
    sink = gate.sinks[0]
    await sink.wait_for_bytes(13 + 11 + 100 + 4)
    assert sink.metadata
    first_writer.close()
    await first_writer.wait_closed()
    await asyncio.wait_for(sink.closed.wait(), 5)


async def test_one_publish_per_connection(server: RtmpServer, gate: OwncastLikeGate) -> None:
    transcript = ClientTranscript().handshake().connect().publish_commands().unpublish()
    transcript.command("createStream", None).command("publish", None, "abc123", "live", stream_id=2)
    received = await exchange(server.port, transcript.to_bytes())
    assert commands(server_messages(received))[-1].arguments[0]["code"] == "NetStream.Publish.Rejected"
    assert len(gate.requests) == 1
    assert gate.sinks[0].close_calls == 1


async def test_silent_publisher_is_disconnected_after_the_read_timeout(
    impatient_server: RtmpServer, gate: OwncastLikeGate, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="ownstream.ingest")
    reader, writer = await asyncio.open_connection("127.0.0.1", impatient_server.port)
    writer.write(publish_bytes())
    await writer.drain()
    await asyncio.wait_for(gate.sink_opened.wait(), 5)
    started = asyncio.get_running_loop().time()
    await asyncio.wait_for(gate.sinks[0].closed.wait(), 5)
    assert 0.3 < asyncio.get_running_loop().time() - started < 2
    await asyncio.wait_for(reader.read(), 5)  # The server closed the socket.
    assert "no data for 0.5 s" in caplog.text
    writer.close()
    await writer.wait_closed()


async def test_a_full_sink_stops_reading_until_it_drains(server: RtmpServer, gate: OwncastLikeGate) -> None:
    gate.block_writes = True
    _, writer = await asyncio.open_connection("127.0.0.1", server.port)
    transcript = ClientTranscript().handshake().set_chunk_size(65536).connect().publish_commands()
    writer.write(transcript.to_bytes())
    await writer.drain()
    await asyncio.wait_for(gate.sink_opened.wait(), 5)
    sink = gate.sinks[0]
    assert sink.unblocked is not None

    frame_size, frames = 1_000_000, 32
    transcript.parts.clear()
    for index in range(frames):
        transcript.video(index * 33, video_payload(index, frame_size))
    media = transcript.to_bytes()
    writer.write(media)
    drained = asyncio.create_task(writer.drain(), name="test-client-drain")
    await asyncio.sleep(1.0)
    # The server holds one tag in the blocked write and has stopped reading: most of the 32 MB
    # still waits on the client side instead of piling up in the server.
    assert not drained.done()
    assert sink.writes == 0
    taken_by_server_and_kernel = len(media) - writer.transport.get_write_buffer_size()
    assert taken_by_server_and_kernel < 16 * 1024 * 1024

    sink.unblocked.set()
    await asyncio.wait_for(drained, 20)
    expected = 13 + frames * (11 + frame_size + 4)
    await sink.wait_for_bytes(expected)
    assert len(sink.data) == expected
    writer.close()
    await writer.wait_closed()
    await asyncio.wait_for(sink.closed.wait(), 5)


async def test_garbage_closes_the_connection_with_one_log_line(
    server: RtmpServer, gate: OwncastLikeGate, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="ownstream.ingest")
    received = await exchange(server.port, b"GET /live/abc123 HTTP/1.1\r\nHost: x\r\n\r\n" + bytes(2000))
    assert received == b""
    await asyncio.sleep(0.05)
    records = [
        r for r in caplog.records if r.name.startswith("ownstream.ingest") and "127.0.0.1:" in r.getMessage()
    ]
    assert len(records) == 1
    assert records[0].levelno == logging.WARNING
    assert "protocol error: unsupported RTMP version 71" in records[0].getMessage()
    assert all(r.exc_info is None for r in caplog.records)
    assert "Traceback" not in caplog.text

    await exchange(server.port, ClientTranscript().handshake().to_bytes() + b"\xc3" + bytes(100))
    assert "chunk stream 3 starts with a type-3 header" in caplog.text
    assert gate.requests == []


async def test_stop_closes_live_publishers_and_leaves_no_tasks(gate: OwncastLikeGate) -> None:
    server = RtmpServer(gate, "127.0.0.1", 0)
    await server.start()
    port = server.port
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(publish_bytes())
    await writer.drain()
    await asyncio.wait_for(gate.sink_opened.wait(), 5)
    await server.stop()
    assert gate.sinks[0].close_calls == 1
    await asyncio.wait_for(reader.read(), 5)  # Returns at EOF: the server closed the socket.
    assert [t for t in asyncio.all_tasks() if t.get_name().startswith("rtmp")] == []
    writer.close()
    await writer.wait_closed()
    with pytest.raises(RuntimeError):
        _ = server.port
    with pytest.raises(ConnectionRefusedError):
        await asyncio.open_connection("127.0.0.1", port)
