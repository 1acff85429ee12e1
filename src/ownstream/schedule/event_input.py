"""Request bodies of the schedule's admin routes, decoded as Owncast's Go handlers decode them.

Owncast decodes into Go structs, so a wrong type is the decoder's error text (`json: cannot unmarshal …`),
JSON `null` leaves a field as if absent, and a field's presence matters (an update keeps what is absent).
The texts follow Go's `encoding/json` and `time.Time` forms; clients show them, none compares them.
Pure code: bytes in, a typed input or `InputError` out.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
_RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})")


class InputError(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class EventInput:
    """`ScheduledEventInput`; None = absent (or null)."""

    id: str | None = None
    name: str | None = None
    description: str | None = None
    reminder_message: str | None = None
    start: datetime | None = None
    timezone: str | None = None
    duration_minutes: int | None = None
    recurrence: str | None = None


@dataclass(frozen=True)
class DeleteInput:
    id: str
    cancel: bool


def decode_object(raw: bytes, struct: str) -> dict[str, Any]:
    """The body as a JSON object, or the decoder's error."""
    text = raw.decode("utf-8", errors="replace")
    if not text.strip():
        raise InputError("EOF")
    try:
        value = json.loads(text, parse_constant=_refuse_constant)
    except RecursionError:
        raise InputError("exceeded max depth") from None
    except json.JSONDecodeError as error:
        if error.pos >= len(text.rstrip()):
            raise InputError("unexpected EOF") from None
        char = text[error.pos]
        raise InputError(f"invalid character {char!r} looking for beginning of value") from None
    except ValueError:
        raise InputError("invalid character 'N' looking for beginning of value") from None
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise InputError(f"json: cannot unmarshal {_json_kind(value)} into Go value of type {struct}")
    return value


def _refuse_constant(name: str) -> Any:
    raise ValueError(name)


def _json_kind(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


class _Fields:
    def __init__(self, body: dict[str, Any], struct: str) -> None:
        self._body = body
        self._struct = struct

    def _wrong(self, name: str, value: Any, go_type: str) -> InputError:
        shown = f"number {value}" if _json_kind(value) == "number" else _json_kind(value)
        return InputError(
            f"json: cannot unmarshal {shown} into Go struct field {self._struct}.{name} of type {go_type}"
        )

    def _value(self, name: str) -> Any:
        # Go matches field names case-insensitively; the exact name wins.
        if name in self._body:
            return self._body[name]
        for key, value in self._body.items():
            if key.lower() == name.lower():
                return value
        return None

    def string(self, name: str) -> str | None:
        value = self._value(name)
        if value is None:
            return None
        if not isinstance(value, str):
            raise self._wrong(name, value, "string")
        return _valid_text(value)

    def boolean(self, name: str) -> bool | None:
        value = self._value(name)
        if value is None:
            return None
        if not isinstance(value, bool):
            raise self._wrong(name, value, "bool")
        return value

    def integer(self, name: str) -> int | None:
        value = self._value(name)
        if value is None:
            return None
        number: int | None = None
        if isinstance(value, int) and not isinstance(value, bool):
            number = value
        elif isinstance(value, float) and value.is_integer() and abs(value) < 2**63:
            number = int(value)
        if number is None or not INT64_MIN <= number <= INT64_MAX:
            raise self._wrong(name, value, "int")
        return number

    def instant(self, name: str) -> datetime | None:
        value = self._value(name)
        if value is None:
            return None
        if not isinstance(value, str):
            raise self._wrong(name, value, "time.Time")
        parsed = parse_rfc3339(value)
        if parsed is None:
            raise InputError(f'parsing time "{value[:64]}" as "2006-01-02T15:04:05Z07:00": cannot parse')
        return parsed


def _valid_text(value: str) -> str:
    """Lone surrogates (JSON `\\ud800` escapes) become U+FFFD, as Go's decoder makes them."""
    if all(not 0xD800 <= ord(char) <= 0xDFFF for char in value):
        return value
    return "".join("\ufffd" if 0xD800 <= ord(char) <= 0xDFFF else char for char in value)


def parse_rfc3339(value: str) -> datetime | None:
    if _RFC3339.fullmatch(value) is None:
        return None
    text = value.replace("Z", "+00:00")
    seconds, dot, rest = text.partition(".")
    if dot:  # Python takes at most microseconds; the offset follows the fraction's digits
        digits = rest[: len(rest) - len(rest.lstrip("0123456789"))]
        text = f"{seconds}.{digits[:6].ljust(6, '0')}{rest[len(digits) :]}"
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def parse_event_input(raw: bytes) -> EventInput:
    fields = _Fields(decode_object(raw, "ScheduledEventInput"), "ScheduledEventInput")
    return EventInput(
        id=fields.string("id"),
        name=fields.string("name"),
        description=fields.string("description"),
        reminder_message=fields.string("reminderMessage"),
        start=fields.instant("start"),
        timezone=fields.string("timezone"),
        duration_minutes=fields.integer("durationMinutes"),
        recurrence=fields.string("recurrence"),
    )


def parse_delete_input(raw: bytes) -> DeleteInput:
    fields = _Fields(decode_object(raw, "deleteScheduledEventRequest"), "deleteScheduledEventRequest")
    return DeleteInput(id=fields.string("id") or "", cancel=bool(fields.boolean("cancel")))


def parse_preview_input(raw: bytes) -> str:
    fields = _Fields(decode_object(raw, "previewRecurrenceRequest"), "previewRecurrenceRequest")
    return fields.string("recurrence") or ""
