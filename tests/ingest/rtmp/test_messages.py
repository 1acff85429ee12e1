from __future__ import annotations

import pytest

from ownstream.ingest.rtmp import amf0
from ownstream.ingest.rtmp.errors import RtmpProtocolError
from ownstream.ingest.rtmp.messages import (
    Command,
    MessageType,
    PeerBandwidthLimit,
    RtmpMessage,
    UserControlEvent,
    abort,
    acknowledgement,
    build_aggregate,
    command_message,
    parse_command,
    parse_data,
    read_u32,
    read_user_control,
    set_chunk_size,
    set_peer_bandwidth,
    split_aggregate,
    user_control,
    window_ack_size,
)


def test_protocol_control_messages() -> None:
    assert set_chunk_size(4096) == RtmpMessage(1, 0, 0, b"\x00\x00\x10\x00")
    assert abort(6) == RtmpMessage(2, 0, 0, b"\x00\x00\x00\x06")
    assert acknowledgement(2**32 + 5) == RtmpMessage(3, 0, 0, b"\x00\x00\x00\x05")
    assert window_ack_size(2_500_000) == RtmpMessage(5, 0, 0, b"\x00\x26\x25\xa0")
    assert set_peer_bandwidth(2_500_000, PeerBandwidthLimit.DYNAMIC) == RtmpMessage(
        6, 0, 0, b"\x00\x26\x25\xa0\x02"
    )
    assert read_u32(set_chunk_size(4096)) == 4096
    with pytest.raises(RtmpProtocolError):
        read_u32(RtmpMessage(5, 0, 0, b"\x00"))


def test_user_control_messages() -> None:
    begin = user_control(UserControlEvent.STREAM_BEGIN, 1)
    assert begin == RtmpMessage(4, 0, 0, b"\x00\x00\x00\x00\x00\x01")
    assert read_user_control(begin) == (0, b"\x00\x00\x00\x01")
    with pytest.raises(RtmpProtocolError):
        read_user_control(RtmpMessage(4, 0, 0, b"\x00"))


def test_command_round_trip() -> None:
    command = Command("publish", 5.0, None, ("abc123", "live"))
    message = command_message(command, stream_id=1)
    assert message.type_id == MessageType.COMMAND_AMF0
    assert message.stream_id == 1
    assert parse_command(message) == command


def test_amf3_command_skips_the_format_byte() -> None:
    body = b"\x00" + amf0.encode("connect", 1.0, {"app": "live"})
    assert parse_command(RtmpMessage(MessageType.COMMAND_AMF3, 0, 0, body)) == Command(
        "connect", 1.0, {"app": "live"}
    )


def test_command_without_transaction_id_defaults_to_zero() -> None:
    assert parse_command(RtmpMessage(20, 0, 0, amf0.encode("onBWDone"))).transaction_id == 0.0


@pytest.mark.parametrize(
    "body",
    [b"", amf0.encode(1.0), amf0.encode("connect", "one"), amf0.encode("connect", True), b"\x02\x00\x09con"],
)
def test_malformed_commands(body: bytes) -> None:
    with pytest.raises(RtmpProtocolError):
        parse_command(RtmpMessage(20, 0, 0, body))


def test_data_message_values() -> None:
    body = amf0.encode("@setDataFrame", "onMetaData", amf0.EcmaArray(width=160.0))
    assert parse_data(RtmpMessage(18, 1, 0, body)) == ["@setDataFrame", "onMetaData", {"width": 160.0}]


def test_aggregate_sub_messages_are_rebased_onto_the_aggregate_timestamp() -> None:
    subs = [
        RtmpMessage(9, 0, 5000, b"video-1"),
        RtmpMessage(8, 0, 5010, b"audio"),
        RtmpMessage(9, 0, 5033, b""),
        RtmpMessage(18, 0, 0x01000000 + 5040, b"data"),
    ]
    aggregate = build_aggregate(subs, stream_id=1)
    rebased = RtmpMessage(aggregate.type_id, 1, 100, aggregate.payload)
    assert split_aggregate(rebased) == [
        RtmpMessage(9, 1, 100, b"video-1"),
        RtmpMessage(8, 1, 110, b"audio"),
        RtmpMessage(9, 1, 133, b""),
        RtmpMessage(18, 1, 0x01000000 + 140, b"data"),
    ]


def test_aggregate_golden_bytes() -> None:
    aggregate = build_aggregate([RtmpMessage(8, 0, 0x01020304, b"ab")])
    assert aggregate.payload == b"\x08\x00\x00\x02\x02\x03\x04\x01\x00\x00\x00ab\x00\x00\x00\x0d"
    assert split_aggregate(RtmpMessage(22, 1, 7, aggregate.payload)) == [RtmpMessage(8, 1, 7, b"ab")]


@pytest.mark.parametrize(
    "payload",
    [
        b"\x08\x00\x00",
        b"\x08\x00\x00\x05\x00\x00\x00\x00\x00\x00\x00ab",
        b"\x08\x00\x00\x02\x00\x00\x00\x00\x00\x00\x00ab\x00\x00",
    ],
)
def test_truncated_aggregates_are_protocol_errors(payload: bytes) -> None:
    with pytest.raises(RtmpProtocolError):
        split_aggregate(RtmpMessage(22, 1, 0, payload))
