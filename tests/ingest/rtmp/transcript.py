"""Builds the bytes a publisher sends, the way ffmpeg does, for tests and benches.

Run `python -m tests.ingest.rtmp.transcript` to rewrite the `*_invalid.bin` samples in tests/ingest/data.
"""

from __future__ import annotations

import itertools
import struct
from pathlib import Path
from typing import Any

from ownstream.ingest.publish import PublishRefusal
from ownstream.ingest.rtmp import amf0
from ownstream.ingest.rtmp.chunks import ChunkReader, ChunkWriter
from ownstream.ingest.rtmp.events import Event, PublishRequested
from ownstream.ingest.rtmp.handshake import HANDSHAKE_SIZE
from ownstream.ingest.rtmp.messages import (
    Command,
    MessageType,
    RtmpMessage,
    command_message,
    parse_command,
    set_chunk_size,
    window_ack_size,
)
from ownstream.ingest.rtmp.session import ServerSession

DATA_DIR = Path(__file__).parent.parent / "data"
HANDSHAKE_REPLY_SIZE = 1 + 2 * HANDSHAKE_SIZE

FFMPEG_METADATA: dict[str, Any] = {
    "duration": 0.0,
    "width": 1280.0,
    "height": 720.0,
    "videodatarate": 2500.0,
    "framerate": 30.0,
    "videocodecid": 7.0,
    "audiodatarate": 128.0,
    "audiosamplerate": 48000.0,
    "audiosamplesize": 16.0,
    "stereo": True,
    "audiocodecid": 10.0,
    "encoder": "Lavf62.3.100",
    "filesize": 0.0,
}

AUDIO_CHUNK_STREAM = 4
VIDEO_CHUNK_STREAM = 6
COMMAND_CHUNK_STREAM = 3
DATA_CHUNK_STREAM = 4


def plain_c1() -> bytes:
    """A C1 with a zero version field and a recognisable pattern."""
    return bytes(8) + bytes(i & 0xFF for i in range(HANDSHAKE_SIZE - 8))


class ClientTranscript:
    """Accumulates client→server bytes: handshake, commands, metadata and media."""

    def __init__(self, *, repeat_extended_timestamp: bool = True) -> None:
        self.writer = ChunkWriter(repeat_extended_timestamp=repeat_extended_timestamp)
        self.parts: list[bytes] = []
        self.stream_id = 1
        self._transaction = 0

    def to_bytes(self) -> bytes:
        return b"".join(self.parts)

    def raw(self, data: bytes) -> ClientTranscript:
        self.parts.append(data)
        return self

    def handshake(self, c1: bytes | None = None) -> ClientTranscript:
        c1 = plain_c1() if c1 is None else c1
        self.parts.append(b"\x03" + c1)
        self.parts.append(bytes(HANDSHAKE_SIZE))  # C2: the server does not check it.
        return self

    def message(self, csid: int, message: RtmpMessage, header_type: int | None = None) -> ClientTranscript:
        self.parts.append(self.writer.write(csid, message, header_type))
        return self

    def set_chunk_size(self, size: int) -> ClientTranscript:
        self.message(2, set_chunk_size(size))
        self.writer.chunk_size = size
        return self

    def command(
        self, name: str, command_object: Any = None, *arguments: Any, stream_id: int = 0
    ) -> ClientTranscript:
        self._transaction += 1
        command = Command(name, float(self._transaction), command_object, arguments)
        return self.message(COMMAND_CHUNK_STREAM, command_message(command, stream_id))

    def connect(self, app: str = "live", port: int = 1935) -> ClientTranscript:
        properties = {
            "app": app,
            "type": "nonprivate",
            "flashVer": "FMLE/3.0 (compatible; Lavf62.3.100)",
            "tcUrl": f"rtmp://127.0.0.1:{port}/{app}",
        }
        return self.command("connect", properties)

    def publish_commands(self, key: str = "abc123") -> ClientTranscript:
        self.message(2, window_ack_size(2_500_000))
        self.command("releaseStream", None, key)
        self.command("FCPublish", None, key)
        self.command("createStream", None)
        return self.command("publish", None, key, "live", stream_id=self.stream_id)

    def metadata(self, metadata: dict[str, Any] | None = None, timestamp: int = 0) -> ClientTranscript:
        values = amf0.encode("@setDataFrame", "onMetaData", amf0.EcmaArray(metadata or FFMPEG_METADATA))
        message = RtmpMessage(MessageType.DATA_AMF0, self.stream_id, timestamp, values)
        return self.message(DATA_CHUNK_STREAM, message)

    def audio(self, timestamp: int, payload: bytes) -> ClientTranscript:
        message = RtmpMessage(MessageType.AUDIO, self.stream_id, timestamp, payload)
        return self.message(AUDIO_CHUNK_STREAM, message)

    def video(self, timestamp: int, payload: bytes) -> ClientTranscript:
        message = RtmpMessage(MessageType.VIDEO, self.stream_id, timestamp, payload)
        return self.message(VIDEO_CHUNK_STREAM, message)

    def unpublish(self, key: str = "abc123") -> ClientTranscript:
        self.command("FCUnpublish", None, key)
        return self.command("deleteStream", None, float(self.stream_id))


def video_payload(index: int, size: int) -> bytes:
    """An FLV video body (AVC NALU packet; a keyframe every 30 frames) padded to `size` bytes."""
    frame_type = 0x17 if index % 30 == 0 else 0x27
    header = struct.pack(">BBI", frame_type, 1, 0)[:5]
    return header + _pattern(index, size - 5)


def audio_payload(index: int, size: int = 200) -> bytes:
    """An FLV audio body (AAC raw frame) padded to `size` bytes."""
    return b"\xaf\x01" + _pattern(index * 7, size - 2)


_BYTE_VALUES = bytes(range(256))


def _pattern(start: int, size: int) -> bytes:
    """`size` bytes counting up from `start` (mod 256)."""
    if size <= 0:
        return b""
    offset = start % 256
    return (_BYTE_VALUES * (size // 256 + 2))[offset : offset + size]


def ffmpeg_like_publish(
    *,
    seconds: float = 1.0,
    chunk_size: int | None = None,
    video_bytes_per_frame: int = 3000,
    key: str = "abc123",
    app: str = "live",
    start_timestamp: int = 0,
    repeat_extended_timestamp: bool = True,
) -> bytes:
    """A complete publish at 30 fps video and ~47 AAC frames/s, optionally raising the chunk size."""
    transcript = ClientTranscript(repeat_extended_timestamp=repeat_extended_timestamp).handshake()
    if chunk_size is not None:
        transcript.set_chunk_size(chunk_size)
    transcript.connect(app).publish_commands(key).metadata()
    frames = int(seconds * 30)
    audio_frames = int(seconds * 1000 / 21.333)
    events: list[tuple[int, int, int]] = [(start_timestamp + i * 1000 // 30, 9, i) for i in range(frames)]
    events += [(start_timestamp + int(i * 21.333), 8, i) for i in range(audio_frames)]
    for timestamp, kind, index in sorted(events):
        if kind == 9:
            transcript.video(timestamp, video_payload(index, video_bytes_per_frame))
        else:
            transcript.audio(timestamp, audio_payload(index))
    return transcript.unpublish(key).to_bytes()


def collect_events(data: bytes, pieces: list[int] | None = None, *, accept: bool = True) -> list[Event]:
    """Feed `data` (whole, or cut at `pieces` offsets) to a new session, accepting any publish."""
    session = ServerSession(random_bytes=bytes)
    events: list[Event] = []
    cuts = [0, *(pieces or []), len(data)]
    for start, end in itertools.pairwise(cuts):
        session.receive_data(data[start:end])
        while (event := session.next_event()) is not None:
            events.append(event)
            if isinstance(event, PublishRequested):
                if accept:
                    session.accept_publish()
                else:
                    session.reject_publish(PublishRefusal.WRONG_STREAM_KEY)
    return events


def server_messages(output: bytes) -> list[RtmpMessage]:
    """Decode what the server sent after its handshake reply."""
    reader = ChunkReader()
    reader.receive_data(output[HANDSHAKE_REPLY_SIZE:])
    messages = []
    while (message := reader.next_message()) is not None:
        messages.append(message)
    return messages


def commands(messages: list[RtmpMessage]) -> list[Command]:
    return [parse_command(m) for m in messages if m.type_id == MessageType.COMMAND_AMF0]


def _handshake_only() -> bytes:
    return ClientTranscript().handshake().to_bytes()


def invalid_samples() -> dict[str, bytes]:
    """Byte streams a server must refuse, by file name."""
    connected = ClientTranscript().handshake().connect()
    garbled_connect = bytearray(ClientTranscript().handshake().connect().to_bytes())
    garbled_connect[1537 + 1536 + 12] = 0x42  # The command name's AMF0 marker.
    return {
        "handshake_version6_invalid.bin": b"\x06" + plain_c1() + bytes(HANDSHAKE_SIZE),
        "http_request_invalid.bin": b"GET /live/abc123 HTTP/1.1\r\nHost: x\r\n\r\n".ljust(3073, b"\0"),
        "connect_garbled_invalid.bin": bytes(garbled_connect),
        "chunk_size_zero_invalid.bin": _handshake_only() + ChunkWriter().write(2, set_chunk_size(0)),
        "chunk_size_top_bit_invalid.bin": _handshake_only()
        + ChunkWriter().write(2, set_chunk_size(0x80000000)),
        "type3_first_invalid.bin": _handshake_only() + b"\xc3" + bytes(16),
        "publish_before_connect_invalid.bin": ClientTranscript().handshake().publish_commands().to_bytes(),
        "connect_twice_invalid.bin": connected.connect().to_bytes(),
    }


if __name__ == "__main__":
    for name, data in invalid_samples().items():
        (DATA_DIR / name).write_bytes(data)
        print(f"wrote {DATA_DIR / name} ({len(data)} bytes)")
