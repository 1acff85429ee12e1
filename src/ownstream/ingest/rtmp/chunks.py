"""RTMP chunk streams: reassembling incoming messages from chunks, and chunking our outgoing ones.

Performance matters here: librtmp-based publishers never raise the chunk size from 128 bytes, so an
8 Mbit/s stream is ~8,000 chunks a second. The reader therefore takes runs of continuation chunks of one
message with a handful of C-level bytearray operations instead of a Python loop per chunk.
"""

from __future__ import annotations

import struct
from typing import Final, Literal

from ownstream.ingest.rtmp.errors import RtmpProtocolError
from ownstream.ingest.rtmp.messages import TIMESTAMP_MASK, MessageType, RtmpMessage

DEFAULT_CHUNK_SIZE: Final = 128
MAX_CHUNK_SIZE: Final = 0x7FFFFFFF
MAX_MESSAGE_SIZE: Final = 0xFFFFFF
"""The message length field has 24 bits, so 16 MiB - 1 is the most any message can declare."""
MAX_PENDING_BYTES: Final = 32 * 1024 * 1024
"""Bytes that incomplete messages on all chunk streams together may declare; bounds memory per peer."""
MAX_CHUNK_STREAMS: Final = 1024
"""Distinct chunk streams a peer may use (real publishers use fewer than ten)."""
EXTENDED_TIMESTAMP: Final = 0xFFFFFF

_U32 = struct.Struct(">I")
_U32_LE = struct.Struct("<I")
_MESSAGE_HEADER_SIZES: Final = (11, 7, 3, 0)

_ChunkOutcome = RtmpMessage | Literal[False] | None
"""A chunk's result: the message it completed, False if it completed none, None if it is not all here."""


class _ChunkStream:
    """What the previous header on one chunk stream said, and the message being reassembled on it."""

    __slots__ = ("delta", "extended", "length", "payload", "remaining", "stream_id", "timestamp", "type_id")

    def __init__(self) -> None:
        self.timestamp = 0
        self.delta = 0
        self.length = 0
        self.type_id = 0
        self.stream_id = 0
        self.extended: int | None = None
        """The 32-bit extended timestamp field of the last full header, if it had one."""
        self.payload: bytearray | None = None
        """The message in progress (None between messages)."""
        self.remaining = 0


class ChunkReader:
    """Turns the bytes after the handshake into complete messages.

    It applies Set Chunk Size and Abort itself (they change how the following chunks are read) and
    still returns them, so the session sees every message.
    """

    def __init__(
        self,
        *,
        max_message_size: int = MAX_MESSAGE_SIZE,
        max_pending_bytes: int = MAX_PENDING_BYTES,
        max_chunk_streams: int = MAX_CHUNK_STREAMS,
    ) -> None:
        self.chunk_size = DEFAULT_CHUNK_SIZE
        self.bytes_received = 0
        self.max_message_size = max_message_size
        """Largest message accepted; may be changed between messages (the session raises it on publish)."""
        self.max_pending_bytes = max_pending_bytes
        self._max_chunk_streams = max_chunk_streams
        self._buffer = bytearray()
        self._pos = 0
        self._streams: dict[int, _ChunkStream] = {}
        self._pending_bytes = 0

    @property
    def buffered(self) -> int:
        """Bytes received but not yet part of a finished chunk."""
        return len(self._buffer) - self._pos

    def receive_data(self, data: bytes | bytearray | memoryview) -> None:
        if self._pos:
            del self._buffer[: self._pos]
            self._pos = 0
        self._buffer += data
        self.bytes_received += len(data)

    def next_message(self) -> RtmpMessage | None:
        """The next complete message, or None until more data arrives."""
        while True:
            message = self._read_chunk()
            if message is not False:
                return message

    def _read_chunk(self) -> _ChunkOutcome:
        """Consume one chunk (and any run of continuation chunks right after it).

        Nothing changes until the whole chunk is buffered, so however the bytes were split into
        `receive_data` calls, the outcome is the same.
        """
        buf = self._buffer
        pos = self._pos
        end = len(buf)
        if pos >= end:
            return None
        first = buf[pos]
        fmt = first >> 6
        csid = first & 0x3F
        cursor = pos + 1
        if csid == 0:
            cursor += 1
            if cursor > end:
                return None
            csid = 64 + buf[pos + 1]
        elif csid == 1:
            cursor += 2
            if cursor > end:
                return None
            csid = 64 + buf[pos + 1] + (buf[pos + 2] << 8)
        stream = self._streams.get(csid)

        if fmt == 3:
            if stream is None:
                raise RtmpProtocolError(f"chunk stream {csid} starts with a type-3 header")
            extended = stream.extended
            if extended is not None:
                # Clients differ on whether type-3 chunks repeat the extended timestamp; it is there
                # when the next four bytes equal the one in effect (what mature servers check too).
                if cursor + 4 <= end:
                    if _U32.unpack_from(buf, cursor)[0] == extended:
                        cursor += 4
                elif buf[cursor:end] == _U32.pack(extended)[: end - cursor]:
                    return None  # Too few bytes to tell yet.
            if stream.payload is not None:
                return self._continue_message(stream, csid, cursor)
            self._check_new_message(stream.length)
            if cursor + min(self.chunk_size, stream.length) > end:
                return None
            self._start_message(stream, stream.length)
            stream.timestamp = (stream.timestamp + stream.delta) & TIMESTAMP_MASK
            return self._continue_message(stream, csid, cursor)

        header_start = cursor
        cursor += _MESSAGE_HEADER_SIZES[fmt]
        if cursor > end:
            return None
        # Each 24-bit field is read as a 32-bit word that starts one byte early, then masked.
        field = _U32.unpack_from(buf, header_start - 1)[0] & 0xFFFFFF
        extended = None
        if field == EXTENDED_TIMESTAMP:
            if cursor + 4 > end:
                return None
            field = extended = _U32.unpack_from(buf, cursor)[0]
            cursor += 4
        if fmt <= 1:
            length = _U32.unpack_from(buf, header_start + 2)[0] & 0xFFFFFF
        elif stream is None:
            raise RtmpProtocolError(f"chunk stream {csid} starts with a type-2 header")
        else:
            length = stream.length
        # Limits are checked on the header alone, before buffering a payload they would refuse.
        if stream is None:
            if len(self._streams) >= self._max_chunk_streams:
                raise RtmpProtocolError(f"peer uses more than {self._max_chunk_streams} chunk streams")
        elif stream.payload is not None:
            raise RtmpProtocolError(f"message header on chunk stream {csid} inside an unfinished message")
        if length > self.max_message_size:
            raise RtmpProtocolError(f"message of {length} bytes exceeds the {self.max_message_size} limit")
        self._check_new_message(length)
        if cursor + min(self.chunk_size, length) > end:
            return None

        if stream is None:
            stream = self._streams[csid] = _ChunkStream()
        stream.extended = extended
        if fmt == 0:
            stream.stream_id = _U32_LE.unpack_from(buf, header_start + 7)[0]
            stream.timestamp = field
            # A later type-3 header that starts a message repeats this as its delta (RTMP spec 5.3.1.2.4).
            stream.delta = field
        else:
            stream.timestamp = (stream.timestamp + field) & TIMESTAMP_MASK
            stream.delta = field
        if fmt <= 1:
            stream.length = length
            stream.type_id = buf[header_start + 6]
        self._start_message(stream, length)
        return self._continue_message(stream, csid, cursor)

    def _check_new_message(self, length: int) -> None:
        if self._pending_bytes + length > self.max_pending_bytes:
            raise RtmpProtocolError(f"unfinished messages exceed {self.max_pending_bytes} bytes")

    def _start_message(self, stream: _ChunkStream, length: int) -> None:
        self._pending_bytes += length
        stream.payload = bytearray()
        stream.remaining = length

    def _continue_message(self, stream: _ChunkStream, csid: int, cursor: int) -> _ChunkOutcome:
        """Take the payload of the chunk whose header ends at `cursor`, then any run of continuations."""
        payload = stream.payload
        assert payload is not None
        take = min(self.chunk_size, stream.remaining)
        chunk_end = cursor + take
        if chunk_end > len(self._buffer):
            return None
        payload += self._buffer[cursor:chunk_end]
        self._pos = chunk_end
        stream.remaining -= take
        if stream.remaining and csid < 64 and stream.extended is None:
            self._take_continuation_run(stream, 0xC0 | csid)
        if stream.remaining:
            return False
        return self._finish_message(stream)

    def _take_continuation_run(self, stream: _ChunkStream, header: int) -> None:
        """Consume the whole chunks that follow with a one-byte type-3 header of this chunk stream.

        Senders write a message's chunks back to back, so they sit at a fixed stride: their header
        bytes are one extended slice, and deleting that slice leaves the payload.
        """
        buf = self._buffer
        pos = self._pos
        size = self.chunk_size
        stride = size + 1
        remaining = stream.remaining
        rows_left = -(-remaining // size)
        span = rows_left + remaining
        if len(buf) - pos >= span:
            rows = rows_left
        else:
            rows = min((len(buf) - pos) // stride, remaining // size)
            span = rows * stride
        if rows < 2:
            return
        headers = buf[pos : pos + span : stride]
        matching = rows - len(headers.lstrip(_HEADER_BYTES[header]))
        if matching == 0:
            return
        if matching < rows:
            span = matching * stride  # Every chunk before the message's last one is full.
        run = buf[pos : pos + span]
        del run[::stride]
        assert stream.payload is not None
        stream.payload += run
        stream.remaining -= len(run)
        self._pos = pos + span

    def _finish_message(self, stream: _ChunkStream) -> RtmpMessage:
        payload = stream.payload
        assert payload is not None
        stream.payload = None
        self._pending_bytes -= stream.length
        message = RtmpMessage(stream.type_id, stream.stream_id, stream.timestamp, bytes(payload))
        if message.type_id == MessageType.SET_CHUNK_SIZE:
            self._apply_chunk_size(message)
        elif message.type_id == MessageType.ABORT:
            self._apply_abort(message)
        return message

    def _apply_chunk_size(self, message: RtmpMessage) -> None:
        if len(message.payload) < 4:
            raise RtmpProtocolError("Set Chunk Size message shorter than 4 bytes")
        size = _U32.unpack_from(message.payload)[0]
        if size == 0 or size > MAX_CHUNK_SIZE:
            raise RtmpProtocolError(f"invalid chunk size {size}")
        self.chunk_size = size

    def _apply_abort(self, message: RtmpMessage) -> None:
        if len(message.payload) < 4:
            raise RtmpProtocolError("Abort message shorter than 4 bytes")
        stream = self._streams.get(_U32.unpack_from(message.payload)[0])
        if stream is not None and stream.payload is not None:
            stream.payload = None
            self._pending_bytes -= stream.length


_HEADER_BYTES: Final = [bytes((value,)) for value in range(256)]


class ChunkWriter:
    """Splits outgoing messages into chunks, compressing headers against the previous message.

    `header_type` forces a header form (tests use it to produce every form); by default the smallest
    valid one is chosen. `repeat_extended_timestamp` controls whether type-3 chunks repeat an extended
    timestamp (ffmpeg and OBS do; some clients do not).
    """

    def __init__(
        self, chunk_size: int = DEFAULT_CHUNK_SIZE, *, repeat_extended_timestamp: bool = True
    ) -> None:
        self.chunk_size = chunk_size
        self.repeat_extended_timestamp = repeat_extended_timestamp
        # Per chunk stream: type id, stream id, length, timestamp, delta, extended field value.
        self._previous: dict[int, tuple[int, int, int, int, int, int | None]] = {}

    def write(self, csid: int, message: RtmpMessage, header_type: int | None = None) -> bytes:
        if not 2 <= csid <= 65599:
            raise ValueError(f"chunk stream id {csid} is outside 2..65599")
        length = len(message.payload)
        if length > MAX_MESSAGE_SIZE:
            raise ValueError(f"message of {length} bytes is too long for RTMP")
        timestamp = message.timestamp & TIMESTAMP_MASK
        previous = self._previous.get(csid)
        fmt = self._choose_header(message, timestamp, previous) if header_type is None else header_type
        if fmt != 0 and previous is None:
            raise ValueError(f"header type {fmt} needs an earlier message on chunk stream {csid}")

        if fmt == 0:
            field = delta = timestamp
        elif fmt == 3:
            assert previous is not None
            if (message.type_id, message.stream_id, length) != previous[:3]:
                raise ValueError("a type-3 header needs the previous message's type, stream and length")
            if timestamp != (previous[3] + previous[4]) & TIMESTAMP_MASK:
                raise ValueError("a type-3 header needs the previous timestamp delta")
            field = delta = previous[4]
        else:
            assert previous is not None
            if message.stream_id != previous[1]:
                raise ValueError(f"header type {fmt} needs the previous message's stream id")
            if fmt == 2 and (message.type_id, length) != (previous[0], previous[2]):
                raise ValueError("a type-2 header needs the previous message's type and length")
            field = delta = (timestamp - previous[3]) & TIMESTAMP_MASK

        if fmt == 3:
            assert previous is not None
            extended = previous[5]
        else:
            extended = field if field >= EXTENDED_TIMESTAMP else None
        self._previous[csid] = (message.type_id, message.stream_id, length, timestamp, delta, extended)

        parts: list[bytes | memoryview] = [_basic_header(fmt, csid)]
        short_field = EXTENDED_TIMESTAMP if extended is not None else field
        if fmt == 0:
            parts.append(_U32.pack(short_field)[1:] + _U32.pack(length)[1:] + bytes((message.type_id,)))
            parts.append(_U32_LE.pack(message.stream_id))
        elif fmt == 1:
            parts.append(_U32.pack(short_field)[1:] + _U32.pack(length)[1:] + bytes((message.type_id,)))
        elif fmt == 2:
            parts.append(_U32.pack(short_field)[1:])
        extended_bytes = b"" if extended is None else _U32.pack(extended)
        if fmt != 3 or self.repeat_extended_timestamp:
            parts.append(extended_bytes)
        continuation = _basic_header(3, csid)
        if self.repeat_extended_timestamp:
            continuation += extended_bytes
        payload = memoryview(message.payload)
        size = self.chunk_size
        parts.append(payload[:size])
        for offset in range(size, length, size):
            parts.append(continuation)
            parts.append(payload[offset : offset + size])
        return b"".join(parts)

    @staticmethod
    def _choose_header(
        message: RtmpMessage, timestamp: int, previous: tuple[int, int, int, int, int, int | None] | None
    ) -> int:
        if previous is None or message.stream_id != previous[1] or timestamp < previous[3]:
            return 0
        if (message.type_id, len(message.payload)) != (previous[0], previous[2]):
            return 1
        return 3 if timestamp - previous[3] == previous[4] else 2


def _basic_header(fmt: int, csid: int) -> bytes:
    if csid < 64:
        return bytes(((fmt << 6) | csid,))
    if csid < 320:
        return bytes((fmt << 6, csid - 64))
    return bytes(((fmt << 6) | 1, (csid - 64) & 0xFF, (csid - 64) >> 8))
