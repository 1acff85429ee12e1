"""A decoder for Go's `encoding/gob` streams: what Owncast's `datastore` table keeps in each value.

Sans-IO: bytes in, plain Python values out. Owncast encodes every setting with a fresh `gob.Encoder`, so
one blob is a stream of type definitions followed by one value. Values come back as:

- bool, int (Go's signed and unsigned integers), float, str, bytes, complex;
- a Go struct as a `dict` keyed by its Go field names (fields equal to their zero value are absent, as
  gob sends only the others); a slice or array as a `list`; a map as a `dict`;
- a value of a type with its own binary encoding (`GobEncoder`, `BinaryMarshaler`, `TextMarshaler`,
  e.g. `time.Time`) as `Opaque(type name, bytes)`; `go_time` reads the `time.Time` one.

Interface-typed values are refused (`GobError`): no Owncast setting holds one. Every length is checked
against the bytes that remain, so a damaged blob raises `GobError` instead of allocating or looping.
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

MAX_DEPTH = 64

BOOL, INT, UINT, FLOAT, BYTES, STRING, COMPLEX, INTERFACE = 1, 2, 3, 4, 5, 6, 7, 8
WIRE_TYPE, ARRAY_TYPE, COMMON_TYPE, SLICE_TYPE, STRUCT_TYPE, FIELD_TYPE, FIELD_TYPE_SLICE, MAP_TYPE = (
    16,
    17,
    18,
    19,
    20,
    21,
    22,
    23,
)
FIRST_USER_TYPE = 65


class GobError(ValueError):
    """The bytes are not a gob stream this decoder can read."""


@dataclass(frozen=True)
class Opaque:
    """A value its Go type encoded itself (`GobEncode`/`MarshalBinary`/`MarshalText`)."""

    type_name: str
    data: bytes


@dataclass
class StructField:
    name: str = ""
    type_id: int = 0


@dataclass
class WireType:
    kind: str
    """"array", "slice", "struct", "map" or "opaque"."""
    name: str = ""
    elem: int = 0
    key: int = 0
    length: int = 0
    fields: list[StructField] = field(default_factory=list)


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    @property
    def remaining(self) -> int:
        return len(self.data) - self.pos

    def take(self, count: int) -> bytes:
        if count < 0 or count > self.remaining:
            raise GobError(f"length {count} runs past the end of the data")
        chunk = self.data[self.pos : self.pos + count]
        self.pos += count
        return chunk

    def uint(self) -> int:
        first = self.take(1)[0]
        if first < 0x80:
            return first
        size = 256 - first
        if size > 8:
            raise GobError(f"integer of {size} bytes")
        return int.from_bytes(self.take(size), "big")

    def signed(self) -> int:
        value = self.uint()
        return ~(value >> 1) if value & 1 else value >> 1

    def count(self) -> int:
        """An element count: each element takes at least one byte, so more than remain is damage."""
        value = self.uint()
        if value > self.remaining:
            raise GobError(f"count {value} exceeds the {self.remaining} bytes left")
        return value

    def double(self) -> float:
        bits = self.uint()
        return float(struct.unpack("<d", bits.to_bytes(8, "big"))[0])

    def blob(self) -> bytes:
        return self.take(self.uint())

    def string(self) -> str:
        return self.blob().decode("utf-8", errors="replace")


def _read_struct(reader: _Reader, fields: dict[int, Callable[[], None]]) -> None:
    """Field deltas until the terminating 0, calling the reader registered for each field number."""
    number = -1
    while True:
        delta = reader.uint()
        if delta == 0:
            return
        number += delta
        read = fields.get(number)
        if read is None:
            raise GobError(f"field {number} of a type description")
        read()


class GobDecoder:
    """Decodes one gob stream; keeps the types it defines."""

    def __init__(self) -> None:
        self.types: dict[int, WireType] = {}

    # --- type descriptions -------------------------------------------------------------------------

    def _common(self, reader: _Reader, target: WireType) -> None:
        def name() -> None:
            target.name = reader.string()

        def skip_id() -> None:
            reader.signed()

        _read_struct(reader, {0: name, 1: skip_id})

    def _wire_type(self, reader: _Reader) -> WireType:
        found: list[WireType] = []

        def typed(kind: str, extra: dict[int, Callable[[WireType], None]]) -> Callable[[], None]:
            def read() -> None:
                wire = WireType(kind)
                fields: dict[int, Callable[[], None]] = {0: lambda: self._common(reader, wire)}
                for number, setter in extra.items():
                    fields[number] = (lambda s: lambda: s(wire))(setter)
                _read_struct(reader, fields)
                found.append(wire)

            return read

        def set_elem(wire: WireType) -> None:
            wire.elem = reader.signed()

        def set_key(wire: WireType) -> None:
            wire.key = reader.signed()

        def set_length(wire: WireType) -> None:
            wire.length = reader.signed()

        def set_fields(wire: WireType) -> None:
            for _ in range(reader.count()):
                entry = StructField()

                def name(entry: StructField = entry) -> None:
                    entry.name = reader.string()

                def type_id(entry: StructField = entry) -> None:
                    entry.type_id = reader.signed()

                _read_struct(reader, {0: name, 1: type_id})
                wire.fields.append(entry)

        _read_struct(
            reader,
            {
                0: typed("array", {1: set_elem, 2: set_length}),
                1: typed("slice", {1: set_elem}),
                2: typed("struct", {1: set_fields}),
                3: typed("map", {1: set_key, 2: set_elem}),
                4: typed("opaque", {}),
                5: typed("opaque", {}),
                6: typed("opaque", {}),
            },
        )
        if len(found) != 1:
            raise GobError("a type description must describe exactly one type")
        return found[0]

    # --- values ------------------------------------------------------------------------------------

    def _value(self, reader: _Reader, type_id: int, depth: int) -> Any:
        if depth > MAX_DEPTH:
            raise GobError("values nested too deeply")
        if type_id == BOOL:
            return reader.uint() != 0
        if type_id == INT:
            return reader.signed()
        if type_id == UINT:
            return reader.uint()
        if type_id == FLOAT:
            return reader.double()
        if type_id == BYTES:
            return reader.blob()
        if type_id == STRING:
            return reader.string()
        if type_id == COMPLEX:
            return complex(reader.double(), reader.double())
        if type_id == INTERFACE:
            raise GobError("interface values are not supported")
        wire = self.types.get(type_id)
        if wire is None:
            raise GobError(f"type id {type_id} was never defined")
        if wire.kind == "struct":
            return self._struct(reader, wire, depth)
        if wire.kind in ("slice", "array"):
            return [self._value(reader, wire.elem, depth + 1) for _ in range(reader.count())]
        if wire.kind == "map":
            pairs = reader.count()
            out: dict[Any, Any] = {}
            for _ in range(pairs):
                key = self._value(reader, wire.key, depth + 1)
                out[key] = self._value(reader, wire.elem, depth + 1)
            return out
        return Opaque(wire.name, reader.blob())

    def _struct(self, reader: _Reader, wire: WireType, depth: int) -> dict[str, Any]:
        out: dict[str, Any] = {}
        number = -1
        while True:
            delta = reader.uint()
            if delta == 0:
                return out
            number += delta
            if number >= len(wire.fields):
                raise GobError(f"field {number} of struct {wire.name or '?'} with {len(wire.fields)} fields")
            described = wire.fields[number]
            out[described.name] = self._value(reader, described.type_id, depth + 1)

    def decode(self, data: bytes) -> Any:
        """The first value in `data` (type definitions before it are taken in)."""
        reader = _Reader(data)
        while reader.remaining:
            length = reader.uint()
            message = _Reader(reader.take(length))
            type_id = message.signed()
            if type_id < 0:
                defined = -type_id
                if defined < FIRST_USER_TYPE:
                    raise GobError(f"type id {defined} is reserved")
                self.types[defined] = self._wire_type(message)
                continue
            wire = self.types.get(type_id)
            if (wire is None or wire.kind != "struct") and message.uint() != 0:
                raise GobError("a single value must start with field 0")
            value = self._value(message, type_id, 0)
            if message.remaining:
                raise GobError(f"{message.remaining} bytes left after the value")
            return value
        raise GobError("no value in the data")


def decode_gob(data: bytes) -> Any:
    return GobDecoder().decode(data)


GO_EPOCH_OFFSET = 62_135_596_800
"""Seconds from 0001-01-01 (Go's time origin) to 1970-01-01."""


def go_time(value: Opaque) -> datetime | None:
    """A Go `time.Time` from its `MarshalBinary` form (versions 1 and 2), in UTC; None for the zero time."""
    data = value.data
    if len(data) not in (15, 16) or data[0] not in (1, 2):
        raise GobError("not a Go time value")
    seconds = int.from_bytes(data[1:9], "big", signed=True)
    nanos = int.from_bytes(data[9:13], "big")
    if seconds == 0 and nanos == 0:
        return None
    try:
        return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(
            seconds=seconds - GO_EPOCH_OFFSET, microseconds=nanos // 1000
        )
    except OverflowError:
        raise GobError("a Go time value out of range") from None
