"""The chat wire protocol, sans I/O (reference §3.2–§3.8): inbound frames in, typed requests out.

What the server sends are the typed events of `ownstream.domain.chat_events`, turned into Owncast's JSON
by `ownstream.domain.owncast_json` (the one place that knows key order and omitempty rules).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from ownstream.chat.text import well_formed
from ownstream.domain.chat_events import ConnectionRefused
from ownstream.domain.event_types import (
    CHAT,
    COLOR_CHANGE,
    ERROR_NEEDS_REGISTRATION,
    ERROR_USER_DISABLED,
    NAME_CHANGE,
)

MAX_MESSAGE_BYTES = 2048
"""Bigger frames are dropped with a notice."""
MAX_FRAME_BYTES = 4096
"""Bigger frames close the socket (1009)."""

USER_DISABLED_AT_CONNECT = ConnectionRefused(ERROR_USER_DISABLED)
NEEDS_REGISTRATION = ConnectionRefused(ERROR_NEEDS_REGISTRATION)


# --- inbound ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ChatSent:
    body: str


@dataclass(frozen=True)
class NameChangeRequested:
    new_name: str


@dataclass(frozen=True)
class ColorChangeRequested:
    """Newer Owncast (0.1.0): `{"type": "COLOR_CHANGE", "newColor": int}`."""

    new_color: int


@dataclass(frozen=True)
class Ignored:
    """A well-formed event of a type clients may not send; dropped without a reply."""

    event_type: str


@dataclass(frozen=True)
class Malformed:
    """Not JSON, not an object, or a field of the wrong type; dropped without a reply."""

    reason: str


Inbound = ChatSent | NameChangeRequested | ColorChangeRequested | Ignored | Malformed


def parse_inbound(frame: str) -> Inbound:
    """One text frame from a client. Never raises."""
    cleaned = frame.replace("\r", " ").replace("\n", " ").strip()
    try:
        document = json.loads(cleaned)
    except (ValueError, RecursionError):
        return Malformed("not JSON")
    if not isinstance(document, dict):
        return Malformed("not a JSON object")
    event_type = document.get("type")
    if not isinstance(event_type, str):
        return Malformed("no type")
    if event_type == CHAT:
        body = document.get("body", "")
        if not isinstance(body, str):
            return Malformed("body is not a string")
        return ChatSent(well_formed(body))
    if event_type == NAME_CHANGE:
        new_name = document.get("newName", "")
        if not isinstance(new_name, str):
            return Malformed("newName is not a string")
        return NameChangeRequested(well_formed(new_name))
    if event_type == COLOR_CHANGE:
        new_color = document.get("newColor")
        if not isinstance(new_color, int) or isinstance(new_color, bool):
            return Malformed("newColor is not an integer")
        return ColorChangeRequested(new_color)
    return Ignored(event_type)
