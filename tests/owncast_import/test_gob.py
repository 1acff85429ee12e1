"""The gob decoder (owncast_import/gob.py) against Go's documented example, the test writer's output and
damaged input."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ownstream.owncast_import.gob import GobError, Opaque, decode_gob, go_time
from tests.owncast_import.gob_writer import TIME, GoMap, GoSlice, GoStruct, encode

# `type Point struct {X, Y int}` and `Point{22, 33}`, byte for byte as the `encoding/gob` package
# documentation spells out its worked example.
GO_DOC_POINT = bytes.fromhex(
    "1f ff 81 03 01 01 05 50 6f 69 6e 74 01 ff 82 00 01 02 01 01 58 01 04 00 01 01 59 01 04 00 00 00"
    " 07 ff 82 01 2c 01 42 00"
)
POINT = GoStruct("Point", (("X", "int"), ("Y", "int")))

SOCIAL = GoStruct("SocialHandle", (("Platform", "string"), ("URL", "string")))
NULL_TIME = GoStruct("NullTime", (("Time", TIME), ("Valid", "bool")))


def test_go_documentation_example_decodes() -> None:
    assert decode_gob(GO_DOC_POINT) == {"X": 22, "Y": 33}


def test_the_test_writer_matches_go_byte_for_byte() -> None:
    assert encode(POINT, {"X": 22, "Y": 33}) == GO_DOC_POINT


@pytest.mark.parametrize(
    ("spec", "value"),
    [
        ("string", "abc123"),
        ("string", ""),
        ("bool", True),
        ("bool", False),
        ("float", 8080.0),
        ("float", 0.5),
        ("int", -7),
        (GoSlice("string", "[]string"), ["owncast", "streaming"]),
        (GoSlice(SOCIAL, "[]models.SocialHandle"), [{"Platform": "github", "URL": "https://x.example"}]),
        (GoMap("string", "string", "map[string]string"), {"theme-color-1": "#fff"}),
    ],
)
def test_values_round_trip(spec: object, value: object) -> None:
    assert decode_gob(encode(spec, value)) == value


def test_a_string_goes_as_a_singleton() -> None:
    # length 6, type id 6 (string) as a signed int, field 0, then the string
    assert encode("string", "abc") == bytes.fromhex("06 0c 00 03 61 62 63")
    assert decode_gob(bytes.fromhex("06 0c 00 03 61 62 63")) == "abc"


def test_zero_fields_are_left_out_and_come_back_absent() -> None:
    assert decode_gob(encode(SOCIAL, {"Platform": "", "URL": "u"})) == {"URL": "u"}


def test_go_time_reads_marshal_binary() -> None:
    moment = datetime(2022, 3, 4, 5, 6, 7, 123456, tzinfo=UTC)
    decoded = decode_gob(encode(NULL_TIME, {"Time": moment, "Valid": True}))
    assert isinstance(decoded["Time"], Opaque) and decoded["Time"].type_name == "Time"
    assert go_time(decoded["Time"]) == moment
    assert decoded["Valid"] is True


@given(st.text(), st.floats(allow_nan=False), st.integers(-(2**63), 2**63 - 1))
def test_any_scalar_round_trips(text: str, number: float, integer: int) -> None:
    assert decode_gob(encode("string", text)) == text
    assert decode_gob(encode("float", number)) == number
    assert decode_gob(encode("int", integer)) == integer


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\x05\x0c\x00\x03ab",  # message shorter than it says
        bytes.fromhex("06 0c 00 7f 61 62 63"),  # string longer than the message
        bytes.fromhex("03 ff 82 00"),  # value of a type never defined
        bytes.fromhex("05 0c 00 01 61 00"),  # bytes left over after the value
        bytes.fromhex("04 10 00 f7 00"),  # a nine-byte integer
        bytes.fromhex("03 11 00 00"),  # an interface value
        GO_DOC_POINT[:-3] + bytes.fromhex("05 01 00"),  # field 5 of a two-field struct
        bytes.fromhex("04 ff 80 01 00"),  # defining a reserved type id
    ],
)
def test_damaged_data_raises_gob_error(data: bytes) -> None:
    with pytest.raises(GobError):
        decode_gob(data)


@given(st.binary(max_size=64))
def test_arbitrary_bytes_never_raise_anything_but_gob_error(data: bytes) -> None:
    with contextlib.suppress(GobError):
        decode_gob(data)


def test_go_time_rejects_other_bytes() -> None:
    with pytest.raises(GobError):
        go_time(Opaque("Time", b"\x09"))
    assert go_time(Opaque("Time", bytes([1]) + bytes(12) + b"\xff\xff")) is None
