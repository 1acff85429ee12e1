"""AMF0 (Action Message Format 0) values: decoding from bytes and encoding back.

Python mapping: number ↔ float (ints encode as numbers), boolean ↔ bool, string/long string ↔ str,
object ↔ dict, null ↔ None, undefined ↔ `UNDEFINED`, ECMA array ↔ `EcmaArray` (a dict), strict array ↔
list, date ↔ `Amf0Date`, XML document ↔ `XmlDocument` (a str), typed object ↔ `TypedObject`.
References decode to the object they point at.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any, Final

from ownstream.ingest.rtmp.errors import Amf0DecodeError


class Marker(IntEnum):
    NUMBER = 0x00
    BOOLEAN = 0x01
    STRING = 0x02
    OBJECT = 0x03
    MOVIECLIP = 0x04
    NULL = 0x05
    UNDEFINED = 0x06
    REFERENCE = 0x07
    ECMA_ARRAY = 0x08
    OBJECT_END = 0x09
    STRICT_ARRAY = 0x0A
    DATE = 0x0B
    LONG_STRING = 0x0C
    UNSUPPORTED = 0x0D
    RECORDSET = 0x0E
    XML_DOCUMENT = 0x0F
    TYPED_OBJECT = 0x10
    AVMPLUS_OBJECT = 0x11


class _Undefined:
    """The AMF0 `undefined` value (distinct from `null`, which is None)."""

    _instance: _Undefined | None = None

    def __new__(cls) -> _Undefined:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNDEFINED"


UNDEFINED: Final = _Undefined()


class EcmaArray(dict[str, Any]):
    """An associative array; encodes with the ECMA array marker (ffmpeg's `onMetaData` uses one)."""


class XmlDocument(str):
    """A string that encodes with the XML document marker."""

    __slots__ = ()


@dataclass(frozen=True)
class Amf0Date:
    milliseconds: float
    """Milliseconds since the Unix epoch, UTC."""
    timezone: int = 0
    """Reserved by the spec; kept for round trips."""


@dataclass
class TypedObject:
    class_name: str
    properties: dict[str, Any] = field(default_factory=dict)


_U16 = struct.Struct(">H")
_U32 = struct.Struct(">I")
_DOUBLE = struct.Struct(">d")
_DATE = struct.Struct(">dh")

MAX_DEPTH: Final = 64
"""Nesting limit while decoding; deeper input is rejected rather than recursing without bound."""
MAX_NODES: Final = 100_000
"""Values one decode may produce, counting each reference as the size of what it points at.

It stops inputs that reference one object many times from growing into an exponentially large tree.
"""


class _Decoder:
    def __init__(self, data: bytes | bytearray | memoryview) -> None:
        self.data = memoryview(data)
        self.pos = 0
        self.nodes = 0
        # Complex values in the order they started, with their size once finished (None while open).
        self.references: list[tuple[Any, int | None]] = []

    def take(self, size: int) -> memoryview:
        end = self.pos + size
        if end > len(self.data):
            raise Amf0DecodeError(f"AMF0 value truncated at byte {self.pos} (needs {size} more)")
        chunk = self.data[self.pos : end]
        self.pos = end
        return chunk

    def text(self, size: int) -> str:
        return str(self.take(size), "utf-8", "replace")

    def short_string(self) -> str:
        (size,) = _U16.unpack(self.take(2))
        return self.text(size)

    def count(self, nodes: int) -> None:
        self.nodes += nodes
        if self.nodes > MAX_NODES:
            raise Amf0DecodeError(f"AMF0 value has more than {MAX_NODES} parts")

    def value(self, depth: int = 0) -> Any:
        if depth > MAX_DEPTH:
            raise Amf0DecodeError(f"AMF0 value nested deeper than {MAX_DEPTH}")
        self.count(1)
        marker = self.take(1)[0]
        if marker == Marker.NUMBER:
            return _DOUBLE.unpack(self.take(8))[0]
        if marker == Marker.BOOLEAN:
            return self.take(1)[0] != 0
        if marker == Marker.STRING:
            return self.short_string()
        if marker == Marker.NULL:
            return None
        if marker == Marker.UNDEFINED:
            return UNDEFINED
        if marker == Marker.LONG_STRING:
            return self.text(_U32.unpack(self.take(4))[0])
        if marker == Marker.XML_DOCUMENT:
            return XmlDocument(self.text(_U32.unpack(self.take(4))[0]))
        if marker == Marker.DATE:
            milliseconds, timezone = _DATE.unpack(self.take(10))
            return Amf0Date(milliseconds, timezone)
        if marker == Marker.REFERENCE:
            return self.reference()
        if marker in (Marker.OBJECT, Marker.ECMA_ARRAY, Marker.STRICT_ARRAY, Marker.TYPED_OBJECT):
            return self.complex(marker, depth)
        if marker == Marker.OBJECT_END:
            raise Amf0DecodeError("AMF0 object end marker outside an object")
        if marker == Marker.AVMPLUS_OBJECT:
            raise Amf0DecodeError("AMF3 values inside AMF0 are not supported")
        raise Amf0DecodeError(f"unsupported AMF0 marker 0x{marker:02x}")

    def reference(self) -> Any:
        (index,) = _U16.unpack(self.take(2))
        if index >= len(self.references):
            raise Amf0DecodeError(f"AMF0 reference {index} points past the {len(self.references)} objects")
        target, size = self.references[index]
        if size is None:
            raise Amf0DecodeError(f"AMF0 reference {index} points at an unfinished object (a cycle)")
        self.count(size)
        return target

    def complex(self, marker: int, depth: int) -> Any:
        nodes_before = self.nodes
        slot = len(self.references)
        result: Any
        if marker == Marker.STRICT_ARRAY:
            (length,) = _U32.unpack(self.take(4))
            result = []
            self.references.append((result, None))
            for _ in range(length):
                result.append(self.value(depth + 1))
        else:
            if marker == Marker.TYPED_OBJECT:
                result = TypedObject(self.short_string())
                properties = result.properties
            else:
                if marker == Marker.ECMA_ARRAY:
                    self.take(4)  # The count is only a hint; the end marker is what ends the array.
                    result = EcmaArray()
                else:
                    result = {}
                properties = result
            self.references.append((result, None))
            self.properties(properties, depth, may_end_unmarked=marker == Marker.ECMA_ARRAY)
        self.references[slot] = (result, self.nodes - nodes_before)
        return result

    def properties(self, target: dict[str, Any], depth: int, *, may_end_unmarked: bool = False) -> None:
        while True:
            if may_end_unmarked and self.pos == len(self.data):
                return  # Some encoders leave the end marker off an ECMA array that ends the message.
            key = self.short_string()
            if not key and self.pos < len(self.data) and self.data[self.pos] == Marker.OBJECT_END:
                self.pos += 1
                return
            target[key] = self.value(depth + 1)


def decode_all(data: bytes | bytearray | memoryview) -> list[Any]:
    """Decode a sequence of AMF0 values filling `data` exactly (a command or data message body)."""
    decoder = _Decoder(data)
    values = []
    while decoder.pos < len(decoder.data):
        values.append(decoder.value())
    return values


def decode(data: bytes | bytearray | memoryview) -> Any:
    """Decode exactly one AMF0 value."""
    decoder = _Decoder(data)
    value = decoder.value()
    if decoder.pos != len(decoder.data):
        raise Amf0DecodeError(f"{len(decoder.data) - decoder.pos} bytes left after the AMF0 value")
    return value


def _encode_short_string(text: str, out: bytearray) -> None:
    raw = text.encode("utf-8")
    if len(raw) > 0xFFFF:
        raise ValueError(f"AMF0 property name of {len(raw)} bytes is longer than 65535")
    out += _U16.pack(len(raw))
    out += raw


def _encode_properties(properties: dict[str, Any], out: bytearray) -> None:
    for key, item in properties.items():
        if not isinstance(key, str):
            raise TypeError(f"AMF0 property names must be str, not {type(key).__name__}")
        _encode_short_string(key, out)
        _encode_into(item, out)
    out += b"\x00\x00\x09"


def _encode_into(value: Any, out: bytearray) -> None:
    if value is None:
        out.append(Marker.NULL)
    elif value is UNDEFINED:
        out.append(Marker.UNDEFINED)
    elif isinstance(value, bool):
        out.append(Marker.BOOLEAN)
        out.append(1 if value else 0)
    elif isinstance(value, int | float):
        out.append(Marker.NUMBER)
        out += _DOUBLE.pack(float(value))
    elif isinstance(value, XmlDocument):
        raw = value.encode("utf-8")
        out.append(Marker.XML_DOCUMENT)
        out += _U32.pack(len(raw))
        out += raw
    elif isinstance(value, str):
        raw = value.encode("utf-8")
        if len(raw) <= 0xFFFF:
            out.append(Marker.STRING)
            out += _U16.pack(len(raw))
        else:
            out.append(Marker.LONG_STRING)
            out += _U32.pack(len(raw))
        out += raw
    elif isinstance(value, EcmaArray):
        out.append(Marker.ECMA_ARRAY)
        out += _U32.pack(len(value))
        _encode_properties(value, out)
    elif isinstance(value, dict):
        out.append(Marker.OBJECT)
        _encode_properties(value, out)
    elif isinstance(value, list | tuple):
        out.append(Marker.STRICT_ARRAY)
        out += _U32.pack(len(value))
        for item in value:
            _encode_into(item, out)
    elif isinstance(value, Amf0Date):
        out.append(Marker.DATE)
        out += _DATE.pack(value.milliseconds, value.timezone)
    elif isinstance(value, TypedObject):
        out.append(Marker.TYPED_OBJECT)
        _encode_short_string(value.class_name, out)
        _encode_properties(value.properties, out)
    else:
        raise TypeError(f"cannot encode {type(value).__name__} as AMF0")


def encode(*values: Any) -> bytes:
    """Encode values one after another (a command: name, transaction id, command object, arguments)."""
    out = bytearray()
    for value in values:
        _encode_into(value, out)
    return bytes(out)
