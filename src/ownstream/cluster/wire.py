"""What crosses between processes, as JSON: bus events, users, chat sockets and viewers.

Only the event types in `RELAYED_EVENTS` travel; their fields are strings, numbers, datetimes and tuples
of strings, rebuilt from the dataclass's own annotations. An integration user's access token never
leaves the process (a socket needs the user's name, colour and scopes, not its token).
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from datetime import datetime
from typing import Any

from ownstream.domain.chat_events import ConnectedClient
from ownstream.domain.users import User
from ownstream.events import (
    AdminSessionRevoked,
    ConfigChanged,
    StreamDisconnectRequested,
    StreamEnding,
    StreamOnline,
    StreamStarted,
    StreamStopped,
    StreamTitleChanged,
)
from ownstream.stream.viewers import Viewer

RELAYED_EVENTS: tuple[type, ...] = (
    ConfigChanged,
    StreamStarted,
    StreamOnline,
    StreamEnding,
    StreamStopped,
    StreamTitleChanged,
    StreamDisconnectRequested,
    AdminSessionRevoked,
)
"""What every process must follow: the stored configuration changed, the stream's state and title, an
admin's disconnect asked of a process without the stream, and a dashboard session logged out."""
_RELAYED_BY_NAME = {cls.__name__: cls for cls in RELAYED_EVENTS}


class WireError(ValueError):
    """Something read from Redis is not what this version of Ownstream writes."""


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, tuple):
        return list(value)
    return value


def _fields_of(instance: Any) -> dict[str, Any]:
    return {field.name: _plain(getattr(instance, field.name)) for field in dataclasses.fields(instance)}


def _is_datetime(hint: Any) -> bool:
    if hint is datetime:
        return True
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
        return datetime in typing.get_args(hint)
    return False


def _rebuild(cls: type[Any], values: dict[str, Any]) -> Any:
    """An instance of the dataclass `cls` from `_fields_of`'s output."""
    hints = typing.get_type_hints(cls)
    arguments: dict[str, Any] = {}
    try:
        for field in dataclasses.fields(cls):
            value = values[field.name]
            hint = hints[field.name]
            if value is not None and _is_datetime(hint):
                value = datetime.fromisoformat(value)
            elif isinstance(value, list):
                value = tuple(value)
            arguments[field.name] = value
        return cls(**arguments)
    except (KeyError, TypeError, ValueError) as error:
        raise WireError(f"{cls.__name__}: {error!r}") from None


def encode_event(event: object) -> bytes:
    return json.dumps({"type": type(event).__name__, "fields": _fields_of(event)}).encode()


def decode_event(data: bytes | str) -> object:
    try:
        document = json.loads(data)
        cls = _RELAYED_BY_NAME[document["type"]]
        values = document["fields"]
    except (ValueError, KeyError, TypeError) as error:
        raise WireError(f"bus event: {error!r}") from None
    return _rebuild(cls, values)


def user_fields(user: User) -> dict[str, Any]:
    return _fields_of(dataclasses.replace(user, access_token=None))


def user_from_fields(values: dict[str, Any]) -> User:
    user: User = _rebuild(User, values)
    return user


def encode_user(user: User) -> bytes:
    return json.dumps(user_fields(user)).encode()


def decode_user(data: bytes | str) -> User:
    try:
        values = json.loads(data)
    except ValueError as error:
        raise WireError(f"user: {error!r}") from None
    return user_from_fields(values)


def encode_client(client: ConnectedClient) -> bytes:
    return json.dumps(
        {
            "client_id": client.client_id,
            "user": user_fields(client.user),
            "message_count": client.message_count,
            "user_agent": client.user_agent,
            "ip_address": client.ip_address,
            "connected_at": client.connected_at.isoformat(),
        }
    ).encode()


def decode_client(data: bytes | str) -> ConnectedClient:
    try:
        values = json.loads(data)
        return ConnectedClient(
            client_id=int(values["client_id"]),
            user=user_from_fields(values["user"]),
            message_count=int(values["message_count"]),
            user_agent=str(values["user_agent"]),
            ip_address=str(values["ip_address"]),
            connected_at=datetime.fromisoformat(values["connected_at"]),
        )
    except (ValueError, KeyError, TypeError) as error:
        raise WireError(f"chat client: {error!r}") from None


def encode_viewer(viewer: Viewer) -> bytes:
    return json.dumps(_fields_of(viewer)).encode()


def decode_viewer(data: bytes | str) -> Viewer:
    try:
        values = json.loads(data)
    except ValueError as error:
        raise WireError(f"viewer: {error!r}") from None
    viewer: Viewer = _rebuild(Viewer, values)
    return viewer
