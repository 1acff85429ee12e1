"""A small gob encoder for the tests: writes Go values the way Go's `encoding/gob` does, so the tests can
build Owncast `datastore` rows. Checked against the worked example in Go's own documentation
(test_gob.py); covers the types Owncast stores: bool, int, float64, string, structs, slices, maps of
strings and `time.Time`."""

from __future__ import annotations

import struct
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from ownstream.owncast_import.gob import GO_EPOCH_OFFSET

BUILTIN = {"bool": 1, "int": 2, "uint": 3, "float": 4, "bytes": 5, "string": 6}


@dataclass(frozen=True)
class GoStruct:
    name: str
    fields: tuple[tuple[str, Any], ...]


@dataclass(frozen=True)
class GoSlice:
    elem: Any
    name: str = ""


@dataclass(frozen=True)
class GoMap:
    key: Any
    elem: Any
    name: str = ""


TIME = "time"


def uint(value: int) -> bytes:
    if value < 0x80:
        return bytes([value])
    raw = value.to_bytes((value.bit_length() + 7) // 8, "big")
    return bytes([256 - len(raw)]) + raw


def sint(value: int) -> bytes:
    return uint((~value << 1) | 1 if value < 0 else value << 1)


def string(value: str | bytes) -> bytes:
    raw = value.encode() if isinstance(value, str) else value
    return uint(len(raw)) + raw


def float_bits(value: float) -> int:
    return int.from_bytes(struct.pack("<d", value), "big")


def time_bytes(moment: datetime) -> bytes:
    utc = moment.astimezone(UTC)
    seconds = int((utc - datetime(1970, 1, 1, tzinfo=UTC)).total_seconds() // 1) + GO_EPOCH_OFFSET
    nanos = utc.microsecond * 1000
    return bytes([1]) + seconds.to_bytes(8, "big", signed=True) + nanos.to_bytes(4, "big") + b"\xff\xff"


def _struct(parts: list[tuple[int, bytes]]) -> bytes:
    """Field-delta encoding of (field number, encoded value) pairs, ending with 0."""
    out, last = b"", -1
    for number, encoded in parts:
        out += uint(number - last) + encoded
        last = number
    return out + b"\x00"


def _common(name: str, type_id: int) -> bytes:
    """Go leaves out an empty name, as any zero field."""
    return _struct(([(0, string(name))] if name else []) + [(1, sint(type_id))])


class GobWriter:
    """Numbers and sends types as Go does: depth first, a type before the types inside it."""

    def __init__(self) -> None:
        self.ids: dict[Any, int] = {}
        self.next_id = 65
        self.messages: list[bytes] = []

    def _number(self, spec: Any) -> None:
        if (isinstance(spec, str) and spec in BUILTIN) or spec in self.ids:
            return
        self.ids[spec] = self.next_id
        self.next_id += 1
        for inner in _inner(spec):
            self._number(inner)

    def type_id(self, spec: Any) -> int:
        return BUILTIN[spec] if isinstance(spec, str) and spec in BUILTIN else self.ids[spec]

    def define(self, spec: Any, sent: set[Any] | None = None) -> None:
        """Number `spec` and everything inside it, then send the descriptions not sent yet."""
        if sent is None:
            self._number(spec)
            sent = set()
        if (isinstance(spec, str) and spec in BUILTIN) or spec in sent:
            return
        sent.add(spec)
        own = self.ids[spec]
        if isinstance(spec, GoSlice):
            common = _common(spec.name, own)
            wire = _struct([(1, _struct([(0, common), (1, sint(self.type_id(spec.elem)))]))])
        elif isinstance(spec, GoMap):
            common = _common(spec.name, own)
            key, elem = self.type_id(spec.key), self.type_id(spec.elem)
            wire = _struct([(3, _struct([(0, common), (1, sint(key)), (2, sint(elem))]))])
        elif isinstance(spec, GoStruct):
            fields = uint(len(spec.fields)) + b"".join(
                _struct([(0, string(name)), (1, sint(self.type_id(kind)))]) for name, kind in spec.fields
            )
            wire = _struct([(2, _struct([(0, _common(spec.name, own)), (1, fields)]))])
        elif spec == TIME:
            wire = _struct([(4, _struct([(0, _common("Time", own))]))])
        else:
            raise TypeError(spec)
        body = sint(-own) + wire
        self.messages.append(uint(len(body)) + body)
        for inner in _inner(spec):
            self.define(inner, sent)

    def value(self, spec: Any, value: Any) -> bytes:
        if spec == "bool":
            return uint(1 if value else 0)
        if spec == "int":
            return sint(value)
        if spec == "uint":
            return uint(value)
        if spec == "float":
            return uint(float_bits(value))
        if spec in ("string", "bytes"):
            return string(value)
        if spec == TIME:
            return string(time_bytes(value))
        if isinstance(spec, GoSlice):
            return uint(len(value)) + b"".join(self.value(spec.elem, item) for item in value)
        if isinstance(spec, GoMap):
            return uint(len(value)) + b"".join(
                self.value(spec.key, k) + self.value(spec.elem, v) for k, v in value.items()
            )
        if isinstance(spec, GoStruct):
            parts = [
                (number, self.value(kind, value[name]))
                for number, (name, kind) in enumerate(spec.fields)
                if name in value and not _is_zero(kind, value[name])
            ]
            return _struct(parts)
        raise TypeError(spec)


def _inner(spec: Any) -> tuple[Any, ...]:
    if isinstance(spec, GoSlice):
        return (spec.elem,)
    if isinstance(spec, GoMap):
        return (spec.key, spec.elem)
    if isinstance(spec, GoStruct):
        return tuple(kind for _, kind in spec.fields)
    return ()


def _is_zero(kind: Any, value: Any) -> bool:
    if isinstance(kind, GoStruct):
        return False
    if kind == TIME:
        return value is None
    return not value


def encode(spec: Any, value: Any) -> bytes:
    """One gob stream holding `value` of Go type `spec`, as a fresh `gob.Encoder` writes it."""
    writer = GobWriter()
    writer.define(spec)
    body = sint(writer.type_id(spec))
    if not isinstance(spec, GoStruct):
        body += b"\x00"  # a value that is not a struct goes as field 0 of a one-field struct
    body += writer.value(spec, value)
    return b"".join(writer.messages) + uint(len(body)) + body
