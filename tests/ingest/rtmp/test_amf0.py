from __future__ import annotations

import contextlib
import math
import struct
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ownstream.ingest.rtmp import amf0
from ownstream.ingest.rtmp.amf0 import UNDEFINED, Amf0Date, EcmaArray, TypedObject, XmlDocument
from ownstream.ingest.rtmp.errors import Amf0DecodeError, RtmpProtocolError


@pytest.mark.parametrize(
    ("value", "encoded"),
    [
        (1.5, b"\x00" + struct.pack(">d", 1.5)),
        (True, b"\x01\x01"),
        (False, b"\x01\x00"),
        ("ab", b"\x02\x00\x02ab"),
        ({"a": 1.0}, b"\x03\x00\x01a\x00" + struct.pack(">d", 1.0) + b"\x00\x00\x09"),
        (None, b"\x05"),
        (UNDEFINED, b"\x06"),
        (EcmaArray(a=True), b"\x08\x00\x00\x00\x01\x00\x01a\x01\x01\x00\x00\x09"),
        ([None, "x"], b"\x0a\x00\x00\x00\x02\x05\x02\x00\x01x"),
        (Amf0Date(1000.0, 0), b"\x0b" + struct.pack(">d", 1000.0) + b"\x00\x00"),
        ("é" * 40000, b"\x0c" + struct.pack(">I", 80000) + "é".encode() * 40000),
        (XmlDocument("<a/>"), b"\x0f\x00\x00\x00\x04<a/>"),
        (TypedObject("Cls", {"k": None}), b"\x10\x00\x03Cls\x00\x01k\x05\x00\x00\x09"),
    ],
    ids=lambda item: type(item).__name__,
)
def test_every_type_encodes_to_the_spec_bytes_and_back(value: Any, encoded: bytes) -> None:
    assert amf0.encode(value) == encoded
    decoded = amf0.decode(encoded)
    assert decoded == value
    assert type(decoded) is type(value)


def test_integers_encode_as_numbers() -> None:
    assert amf0.decode(amf0.encode(7)) == 7.0


def test_reference_decodes_to_the_object_it_points_at() -> None:
    inner = b"\x03\x00\x01k\x02\x00\x01v\x00\x00\x09"
    data = b"\x0a\x00\x00\x00\x02" + inner + b"\x07\x00\x01"  # [{"k": "v"}, ref 1]
    value = amf0.decode(data)
    assert value == [{"k": "v"}, {"k": "v"}]
    assert value[0] is value[1]


def test_decode_all_reads_a_command_body() -> None:
    body = amf0.encode("connect", 1.0, {"app": "live"}, None)
    assert amf0.decode_all(body) == ["connect", 1.0, {"app": "live"}, None]


def test_ecma_array_count_is_only_a_hint() -> None:
    data = b"\x08\x00\x00\x00\x09\x00\x01a\x05\x00\x00\x09"
    assert amf0.decode(data) == {"a": None}


def test_ecma_array_at_the_end_may_lack_its_end_marker() -> None:
    assert amf0.decode_all(b"\x02\x00\x01m\x08\x00\x00\x00\x01\x00\x01a\x05") == ["m", {"a": None}]


def test_invalid_utf8_is_replaced_not_fatal() -> None:
    assert amf0.decode(b"\x02\x00\x02\xff\xfe") == "\ufffd\ufffd"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "truncated"),
        (b"\x00\x00\x00", "truncated"),
        (b"\x02\x00\x05ab", "truncated"),
        (b"\x03\x00\x01a", "truncated"),
        (b"\x03\x00\x01a\x05", "truncated"),
        (b"\x04", "unsupported AMF0 marker 0x04"),
        (b"\x0d", "unsupported AMF0 marker 0x0d"),
        (b"\x11\x01", "AMF3"),
        (b"\x09", "object end marker"),
        (b"\x07\x00\x00", "reference 0 points past"),
        (b"\x03\x00\x01a\x07\x00\x00\x00\x00\x09", "cycle"),
        (b"\x05\x05", "1 bytes left"),
        (b"\x0a\x00\x00\x00\x01" * 70 + b"\x05", "nested deeper"),
    ],
)
def test_malformed_input_raises_a_decode_error(data: bytes, message: str) -> None:
    with pytest.raises(Amf0DecodeError, match=message) as caught:
        amf0.decode(data)
    assert isinstance(caught.value, RtmpProtocolError)


def test_references_cannot_multiply_into_a_huge_tree() -> None:
    # Array k holds two references to array k-1: 2**40 leaves if it were expanded.
    data = bytearray(b"\x0a\x00\x00\x00\x01\x05")
    for level in range(1, 41):
        data += b"\x0a\x00\x00\x00\x02" + (b"\x07" + struct.pack(">H", level - 1)) * 2
    with pytest.raises(Amf0DecodeError, match="more than"):
        amf0.decode_all(bytes(data))


def test_encoding_unknown_types_is_a_local_error() -> None:
    with pytest.raises(TypeError):
        amf0.encode(object())
    with pytest.raises(TypeError):
        amf0.encode({1: 2})


_scalars = (
    st.none()
    | st.just(UNDEFINED)
    | st.booleans()
    | st.floats(allow_nan=False)
    | st.text(st.characters(codec="utf-8"), max_size=20)
    | st.builds(XmlDocument, st.text(st.characters(codec="utf-8"), max_size=20))
    | st.builds(Amf0Date, st.floats(allow_nan=False), st.integers(-32768, 32767))
)
_keys = st.text(st.characters(codec="utf-8"), min_size=1, max_size=8)
_values = st.recursive(
    _scalars,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(_keys, children, max_size=4)
        | st.dictionaries(_keys, children, max_size=4).map(EcmaArray)
        | st.builds(TypedObject, _keys, st.dictionaries(_keys, children, max_size=3))
    ),
    max_leaves=20,
)


@settings(max_examples=200, deadline=None)
@given(st.lists(_values, max_size=4))
def test_any_value_round_trips(values: list[Any]) -> None:
    assert amf0.decode_all(amf0.encode(*values)) == values


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=200))
def test_random_bytes_only_ever_raise_decode_errors(data: bytes) -> None:
    with contextlib.suppress(Amf0DecodeError):
        amf0.decode_all(data)


def test_nan_survives() -> None:
    assert math.isnan(amf0.decode(amf0.encode(math.nan)))
