"""RTMP messages: type ids, protocol control and user control messages, commands, aggregates."""

from __future__ import annotations

import struct
from dataclasses import dataclass
from enum import IntEnum
from typing import Any, Final

from ownstream.ingest.rtmp import amf0
from ownstream.ingest.rtmp.errors import RtmpProtocolError


class MessageType(IntEnum):
    SET_CHUNK_SIZE = 1
    ABORT = 2
    ACKNOWLEDGEMENT = 3
    USER_CONTROL = 4
    WINDOW_ACK_SIZE = 5
    SET_PEER_BANDWIDTH = 6
    AUDIO = 8
    VIDEO = 9
    DATA_AMF3 = 15
    SHARED_OBJECT_AMF3 = 16
    COMMAND_AMF3 = 17
    DATA_AMF0 = 18
    SHARED_OBJECT_AMF0 = 19
    COMMAND_AMF0 = 20
    AGGREGATE = 22


class UserControlEvent(IntEnum):
    STREAM_BEGIN = 0
    STREAM_EOF = 1
    STREAM_DRY = 2
    SET_BUFFER_LENGTH = 3
    STREAM_IS_RECORDED = 4
    PING_REQUEST = 6
    PING_RESPONSE = 7


class PeerBandwidthLimit(IntEnum):
    HARD = 0
    SOFT = 1
    DYNAMIC = 2


CONTROL_CHUNK_STREAM: Final = 2
"""Chunk stream id reserved for protocol control messages."""
TIMESTAMP_MASK: Final = 0xFFFFFFFF
"""RTMP timestamps are 32-bit milliseconds that wrap around."""


@dataclass(frozen=True, slots=True)
class RtmpMessage:
    type_id: int
    stream_id: int
    timestamp: int
    payload: bytes


_U32 = struct.Struct(">I")
_U16 = struct.Struct(">H")
_PEER_BANDWIDTH = struct.Struct(">IB")
_USER_CONTROL = struct.Struct(">HI")


def _control(type_id: MessageType, payload: bytes) -> RtmpMessage:
    return RtmpMessage(type_id, 0, 0, payload)


def set_chunk_size(size: int) -> RtmpMessage:
    return _control(MessageType.SET_CHUNK_SIZE, _U32.pack(size))


def abort(chunk_stream_id: int) -> RtmpMessage:
    return _control(MessageType.ABORT, _U32.pack(chunk_stream_id))


def acknowledgement(sequence_number: int) -> RtmpMessage:
    return _control(MessageType.ACKNOWLEDGEMENT, _U32.pack(sequence_number & TIMESTAMP_MASK))


def window_ack_size(size: int) -> RtmpMessage:
    return _control(MessageType.WINDOW_ACK_SIZE, _U32.pack(size))


def set_peer_bandwidth(size: int, limit: PeerBandwidthLimit) -> RtmpMessage:
    return _control(MessageType.SET_PEER_BANDWIDTH, _PEER_BANDWIDTH.pack(size, limit))


def user_control(event: UserControlEvent, value: int) -> RtmpMessage:
    """A user control message carrying one 32-bit value (a stream id or a ping timestamp)."""
    return _control(MessageType.USER_CONTROL, _USER_CONTROL.pack(event, value & TIMESTAMP_MASK))


def read_u32(message: RtmpMessage) -> int:
    """The 32-bit value that starts a Set Chunk Size, Abort, Acknowledgement or Window Ack Size message."""
    if len(message.payload) < 4:
        raise RtmpProtocolError(f"message type {message.type_id} needs 4 bytes, got {len(message.payload)}")
    return int(_U32.unpack_from(message.payload)[0])


def read_user_control(message: RtmpMessage) -> tuple[int, bytes]:
    """The event type and its data."""
    if len(message.payload) < 2:
        raise RtmpProtocolError("user control message shorter than its event type")
    return _U16.unpack_from(message.payload)[0], message.payload[2:]


@dataclass(frozen=True)
class Command:
    """An RPC call or answer: `connect`, `publish`, `_result`, `onStatus`, …"""

    name: str
    transaction_id: float
    command_object: Any = None
    arguments: tuple[Any, ...] = ()


def _amf0_body(message: RtmpMessage) -> bytes | memoryview:
    """AMF3-typed commands and data (17, 15) carry AMF0 after a leading format byte."""
    if message.type_id in (MessageType.COMMAND_AMF3, MessageType.DATA_AMF3) and message.payload[:1] == b"\0":
        return memoryview(message.payload)[1:]
    return message.payload


def parse_command(message: RtmpMessage) -> Command:
    values = amf0.decode_all(_amf0_body(message))
    if not values or not isinstance(values[0], str):
        raise RtmpProtocolError("command message does not start with a command name")
    name = values[0]
    transaction_id = values[1] if len(values) > 1 else 0.0
    if isinstance(transaction_id, bool) or not isinstance(transaction_id, float):
        raise RtmpProtocolError(f"command {name!r} has no numeric transaction id")
    command_object = values[2] if len(values) > 2 else None
    return Command(name, transaction_id, command_object, tuple(values[3:]))


def parse_data(message: RtmpMessage) -> list[Any]:
    """The AMF0 values of a data message (`@setDataFrame`, `onMetaData`, …)."""
    return amf0.decode_all(_amf0_body(message))


def command_message(command: Command, stream_id: int = 0) -> RtmpMessage:
    payload = amf0.encode(command.name, command.transaction_id, command.command_object, *command.arguments)
    return RtmpMessage(MessageType.COMMAND_AMF0, stream_id, 0, payload)


_AGGREGATE_HEADER = struct.Struct(">BHBHBBHB")  # type, size (3 bytes), timestamp (3+1), stream id (3)
AGGREGATE_HEADER_SIZE: Final = 11
AGGREGATE_BACK_POINTER_SIZE: Final = 4


def split_aggregate(message: RtmpMessage) -> list[RtmpMessage]:
    """The sub-messages of an aggregate message, their timestamps rebased onto the aggregate's own.

    Each sub-message is laid out like an FLV tag: an 11-byte header, the body and a 4-byte back pointer.
    The first sub-message keeps the aggregate's timestamp; the others keep their distance from it.
    """
    payload = message.payload
    messages: list[RtmpMessage] = []
    first_timestamp: int | None = None
    pos = 0
    while pos < len(payload):
        if len(payload) - pos < AGGREGATE_HEADER_SIZE:
            raise RtmpProtocolError("aggregate message ends inside a sub-message header")
        header = _AGGREGATE_HEADER.unpack_from(payload, pos)
        type_id, size_high, size_low, ts_high, ts_low, ts_top = header[:6]
        size = (size_high << 8) | size_low
        timestamp = (ts_top << 24) | (ts_high << 8) | ts_low
        body_start = pos + AGGREGATE_HEADER_SIZE
        body_end = body_start + size
        if body_end + AGGREGATE_BACK_POINTER_SIZE > len(payload):
            raise RtmpProtocolError("aggregate sub-message runs past the end of the aggregate")
        if first_timestamp is None:
            first_timestamp = timestamp
        rebased = (message.timestamp + timestamp - first_timestamp) & TIMESTAMP_MASK
        messages.append(RtmpMessage(type_id, message.stream_id, rebased, payload[body_start:body_end]))
        pos = body_end + AGGREGATE_BACK_POINTER_SIZE
    return messages


def build_aggregate(messages: list[RtmpMessage], stream_id: int = 1) -> RtmpMessage:
    """An aggregate message holding `messages`: the inverse of `split_aggregate`, for tests and benches."""
    parts: list[bytes] = []
    for sub in messages:
        size = len(sub.payload)
        ts = sub.timestamp
        parts.append(
            _AGGREGATE_HEADER.pack(
                sub.type_id, size >> 8, size & 0xFF, (ts >> 8) & 0xFFFF, ts & 0xFF, (ts >> 24) & 0xFF, 0, 0
            )
        )
        parts.append(sub.payload)
        parts.append(_U32.pack(AGGREGATE_HEADER_SIZE + size))
    first = messages[0].timestamp if messages else 0
    return RtmpMessage(MessageType.AGGREGATE, stream_id, first, b"".join(parts))
