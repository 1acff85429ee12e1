"""Values of the schedule's setters (reference newer §14.1), checked with Owncast's messages. Pure code."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ownstream.schedule.event_input import parse_rfc3339

CHAT_OPEN_CHOICES = (0, 5, 10, 30, 60)
REMINDER_CHOICES = (0, 15, 30, 60, 120, 1440)
MAX_REMINDER_CHARS = 16 * 1024
"""Our cap (Owncast has none), as on the other texts the admin writes."""


class WrongValue(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise WrongValue("value must be a boolean")
    return value


def _whole_minutes(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise WrongValue("value must be a whole number of minutes")
    if isinstance(value, float) and not value.is_integer():
        raise WrongValue("value must be a whole number of minutes")
    return int(value)


def chat_open_minutes(value: Any) -> int:
    minutes = _whole_minutes(value)
    if minutes not in CHAT_OPEN_CHOICES:
        raise WrongValue("value must be 0, 5, 10, 30, or 60 minutes")
    return minutes


def reminder_minutes(value: Any) -> int:
    minutes = _whole_minutes(value)
    if minutes not in REMINDER_CHOICES:
        raise WrongValue("value must be 0, 15, 30, 60, 120, or 1440 minutes")
    return minutes


def reminder_message(value: Any) -> str:
    if not isinstance(value, str):
        raise WrongValue("value must be a string")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise WrongValue("value must be a string") from None
    if len(value) > MAX_REMINDER_CHARS:
        raise WrongValue(f"value must be at most {MAX_REMINDER_CHARS} characters")
    return value


def rfc3339(text: str) -> datetime | None:
    """An RFC 3339 date-time (a query parameter), or None."""
    return parse_rfc3339(text)
