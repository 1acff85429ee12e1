from __future__ import annotations

import random
import struct

import pytest

from ownstream.ingest.rtmp.chunks import ChunkReader, ChunkWriter
from ownstream.ingest.rtmp.errors import RtmpProtocolError
from ownstream.ingest.rtmp.messages import MessageType, RtmpMessage, abort, set_chunk_size

CHUNK_SIZES = [1, 2, 127, 128, 129, 4096, 65536]
EXTENDED = 0x01000000  # Above the 24-bit field, so it travels as an extended timestamp.


def read_all(
    data: bytes, pieces: int = 1, *, seed: int = 0, reader: ChunkReader | None = None
) -> list[RtmpMessage]:
    """Feed `data` in `pieces` random-sized parts and collect every message."""
    reader = reader or ChunkReader()
    cuts = sorted(random.Random(seed).sample(range(1, len(data)), min(pieces - 1, len(data) - 1)))
    messages = []
    for start, end in zip([0, *cuts], [*cuts, len(data)], strict=True):
        reader.receive_data(data[start:end])
        while (message := reader.next_message()) is not None:
            messages.append(message)
    return messages


def payload(length: int, seed: int) -> bytes:
    return random.Random(seed).randbytes(length)


def every_header_form(size: int) -> list[tuple[RtmpMessage, int]]:
    """Messages (with the header type to force) covering types 0/1/2/3 and extended timestamps."""
    lengths = [0, 1, max(1, size - 1), size, size + 1, 3 * size + 5]
    plan: list[tuple[RtmpMessage, int]] = []
    for index, length in enumerate(lengths):
        other = length + 7
        plan += [
            (RtmpMessage(9, 1, 1000, payload(length, index)), 0),
            (RtmpMessage(8, 1, 1033, payload(other, index + 1)), 1),
            (RtmpMessage(8, 1, 1070, payload(other, index + 2)), 2),
            (RtmpMessage(8, 1, 1107, payload(other, index + 3)), 3),
            (RtmpMessage(9, 1, EXTENDED, payload(length, index + 4)), 0),
            (RtmpMessage(8, 1, EXTENDED * 2, payload(other, index + 5)), 1),
            (RtmpMessage(8, 1, EXTENDED * 3, payload(other, index + 6)), 3),
            (RtmpMessage(8, 1, EXTENDED * 3 + 5, payload(other, index + 7)), 2),
        ]
    return plan


@pytest.mark.parametrize("repeat_extended", [True, False], ids=["ext-repeated", "ext-omitted"])
@pytest.mark.parametrize("size", CHUNK_SIZES)
def test_writer_to_reader_round_trip_at_every_chunk_size(size: int, repeat_extended: bool) -> None:
    writer = ChunkWriter(repeat_extended_timestamp=repeat_extended)
    data = [writer.write(2, set_chunk_size(size))]
    writer.chunk_size = size
    plan = every_header_form(size)
    for message, header_type in plan:
        data.append(writer.write(6, message, header_type))
    stream = b"".join(data)
    expected = [set_chunk_size(size)] + [message for message, _ in plan]
    assert read_all(stream) == expected
    assert read_all(stream, pieces=50, seed=size) == expected


def test_automatic_header_choice_round_trips_interleaved_streams() -> None:
    writer = ChunkWriter(128)
    rng = random.Random(3)
    messages = []
    data = []
    timestamps = {4: 0, 6: 0}
    for index in range(300):
        csid = rng.choice([4, 6])
        timestamps[csid] += rng.choice([0, 21, 21, 33, EXTENDED])
        message = RtmpMessage(
            8 if csid == 4 else 9, 1, timestamps[csid], payload(rng.choice([5, 300]), index)
        )
        messages.append(message)
        data.append(writer.write(csid, message))
    assert read_all(b"".join(data), pieces=40) == messages


def test_chunks_of_two_messages_interleaved_one_by_one() -> None:
    first = ChunkWriter(4).write(4, RtmpMessage(8, 1, 10, b"aaaabbbbcc"))
    second = ChunkWriter(4).write(6, RtmpMessage(9, 1, 20, b"xxxxyyyyzz"))
    # Each message is [12-byte header + 4][1 + 4][1 + 2]; interleave them chunk by chunk.
    split_first = [first[:16], first[16:21], first[21:]]
    split_second = [second[:16], second[16:21], second[21:]]
    data = b"".join(a + b for a, b in zip(split_first, split_second, strict=True))
    reader = ChunkReader()
    reader.receive_data(set_chunk_size_bytes(4) + data)
    messages = [reader.next_message() for _ in range(3)]
    assert messages[1:] == [RtmpMessage(8, 1, 10, b"aaaabbbbcc"), RtmpMessage(9, 1, 20, b"xxxxyyyyzz")]


def set_chunk_size_bytes(size: int) -> bytes:
    return ChunkWriter().write(2, set_chunk_size(size))


@pytest.mark.parametrize(
    ("csid", "basic_header"),
    [
        (2, b"\x02"),
        (63, b"\x3f"),
        (64, b"\x00\x00"),
        (319, b"\x00\xff"),
        (320, b"\x01\x00\x01"),
        (65599, b"\x01\xff\xff"),
    ],
)
def test_basic_header_forms(csid: int, basic_header: bytes) -> None:
    message = RtmpMessage(9, 1, 5, payload(300, csid))
    data = ChunkWriter(128).write(csid, message)
    assert data.startswith(basic_header)
    continuation = bytes([basic_header[0] | 0xC0]) + basic_header[1:]
    assert data[len(basic_header) + 11 + 128 :].startswith(continuation)
    assert read_all(data, pieces=30) == [message]


def test_golden_type0_header_and_continuation() -> None:
    message = RtmpMessage(8, 1, 0x10, b"a" * 130)
    data = ChunkWriter(128).write(4, message)
    assert data == (
        b"\x04"
        + b"\x00\x00\x10"
        + b"\x00\x00\x82"
        + b"\x08"
        + b"\x01\x00\x00\x00"
        + b"a" * 128
        + b"\xc4"
        + b"aa"
    )


def test_golden_extended_timestamp_repeated_on_continuation() -> None:
    message = RtmpMessage(9, 1, 0x12345678, b"v" * 5)
    data = ChunkWriter(3).write(6, message)
    ext = struct.pack(">I", 0x12345678)
    assert data == b"\x06\xff\xff\xff\x00\x00\x05\x09\x01\x00\x00\x00" + ext + b"vvv" + b"\xc6" + ext + b"vv"
    reader = ChunkReader()
    reader.chunk_size = 3
    reader.receive_data(data)
    assert reader.next_message() == message
    # The same message from a client that leaves the extended timestamp off type-3 chunks.
    omitted = data.replace(b"\xc6" + ext, b"\xc6")
    reader = ChunkReader()
    reader.chunk_size = 3
    reader.receive_data(omitted)
    assert reader.next_message() == message


def test_type3_after_type0_reuses_the_timestamp_as_delta() -> None:
    # RTMP spec 5.3.1.2.4: a type-3 chunk following a type-0 chunk has the type-0 timestamp as delta.
    data = b"\x04\x00\x00\x64\x00\x00\x01\x08\x01\x00\x00\x00" + b"a" + b"\xc4" + b"b"
    messages = read_all(data)
    assert [(m.timestamp, m.payload) for m in messages] == [(100, b"a"), (200, b"b")]


def test_timestamps_wrap_around_32_bits() -> None:
    writer = ChunkWriter()
    first = RtmpMessage(8, 1, 0xFFFFFFF0, b"a")
    data = writer.write(4, first) + writer.write(4, RtmpMessage(8, 1, 0x10, b"b"), header_type=2)
    assert [m.timestamp for m in read_all(data)] == [0xFFFFFFF0, 0x10]


def test_type1_header_may_start_a_chunk_stream() -> None:
    data = b"\x44\x00\x00\x05\x00\x00\x01\x08" + b"z"
    assert read_all(data) == [RtmpMessage(8, 0, 5, b"z")]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\xc4" + b"x", "starts with a type-3 header"),
        (b"\x84\x00\x00\x05" + b"x", "starts with a type-2 header"),
        (
            b"\x04\x00\x00\x00\x00\x01\x00\x08\x01\x00\x00\x00" + b"a" * 128 + b"\x04" + bytes(11),
            "inside an unfinished message",
        ),
    ],
)
def test_broken_chunk_sequences_are_protocol_errors(data: bytes, message: str) -> None:
    with pytest.raises(RtmpProtocolError, match=message):
        read_all(data)


@pytest.mark.parametrize("size", [0, 0x80000000, 0xFFFFFFFF])
def test_invalid_chunk_sizes_are_rejected(size: int) -> None:
    with pytest.raises(RtmpProtocolError, match="invalid chunk size"):
        read_all(ChunkWriter().write(2, set_chunk_size(size)))


def test_largest_chunk_size_is_accepted() -> None:
    reader = ChunkReader()
    read_all(set_chunk_size_bytes(0x7FFFFFFF), reader=reader)
    assert reader.chunk_size == 0x7FFFFFFF


def test_short_set_chunk_size_is_rejected() -> None:
    with pytest.raises(RtmpProtocolError, match="shorter than 4"):
        read_all(ChunkWriter().write(2, RtmpMessage(MessageType.SET_CHUNK_SIZE, 0, 0, b"\x00")))


def test_abort_drops_the_partial_message() -> None:
    writer = ChunkWriter(128)
    whole = writer.write(6, RtmpMessage(9, 1, 0, payload(300, 1)))
    partial = whole[: 12 + 128]
    control = ChunkWriter().write(2, abort(6))
    fresh = RtmpMessage(9, 1, 40, b"fresh")
    after = ChunkWriter(128).write(6, fresh)
    messages = read_all(partial + control + after)
    assert messages == [abort(6), fresh]


def test_message_size_limit() -> None:
    data = ChunkWriter(128).write(6, RtmpMessage(9, 1, 0, bytes(2000)))
    with pytest.raises(RtmpProtocolError, match="exceeds the 1000 limit"):
        read_all(data, reader=ChunkReader(max_message_size=1000))


def test_unfinished_messages_are_bounded_together() -> None:
    writer = ChunkWriter(128)
    data = b"".join(writer.write(csid, RtmpMessage(9, 1, 0, bytes(1000)))[:200] for csid in range(4, 10))
    with pytest.raises(RtmpProtocolError, match="unfinished messages exceed 3000"):
        read_all(data, reader=ChunkReader(max_pending_bytes=3000))


def test_number_of_chunk_streams_is_bounded() -> None:
    writer = ChunkWriter(128)
    data = b"".join(writer.write(csid, RtmpMessage(9, 1, 0, b"x")) for csid in range(2, 20))
    with pytest.raises(RtmpProtocolError, match="more than 10 chunk streams"):
        read_all(data, reader=ChunkReader(max_chunk_streams=10))


def test_nothing_is_consumed_until_a_whole_chunk_is_there() -> None:
    data = ChunkWriter(128).write(6, RtmpMessage(9, 1, 0, payload(1000, 9)))
    reader = ChunkReader()
    for index in range(len(data) - 1):
        reader.receive_data(data[index : index + 1])
        assert reader.next_message() is None
    reader.receive_data(data[-1:])
    assert reader.next_message() == RtmpMessage(9, 1, 0, payload(1000, 9))
    assert reader.bytes_received == len(data)
    assert reader.buffered == 0


def test_writer_refuses_impossible_forced_headers() -> None:
    writer = ChunkWriter()
    with pytest.raises(ValueError, match="needs an earlier message"):
        writer.write(4, RtmpMessage(8, 1, 0, b"a"), header_type=3)
    writer.write(4, RtmpMessage(8, 1, 0, b"a"))
    with pytest.raises(ValueError, match="type, stream and length"):
        writer.write(4, RtmpMessage(8, 1, 0, b"ab"), header_type=3)
    with pytest.raises(ValueError, match="stream id"):
        writer.write(4, RtmpMessage(8, 2, 0, b"a"), header_type=1)
    with pytest.raises(ValueError, match="outside"):
        writer.write(1, RtmpMessage(8, 1, 0, b"a"))
