"""The chat wire protocol, sans I/O (reference §3.2–§3.7, §5): inbound frames in, typed events out;
outbound events and webhook `eventData` as dicts in Owncast's exact shapes.

Nothing here touches a socket, the clock or randomness: ids and timestamps are passed in.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ownstream.chat.text import well_formed
from ownstream.clock import rfc3339
from ownstream.store.repos.messages import MessageWithAuthor
from ownstream.store.repos.users import User

MAX_MESSAGE_BYTES = 2048
"""Bigger frames are dropped with a notice."""
MAX_FRAME_BYTES = 4096
"""Bigger frames close the socket (1009)."""

CHAT = "CHAT"
NAME_CHANGE = "NAME_CHANGE"
SYSTEM = "SYSTEM"
CHAT_ACTION = "CHAT_ACTION"
CONNECTED_USER_INFO = "CONNECTED_USER_INFO"
USER_JOINED = "USER_JOINED"
VISIBILITY_UPDATE = "VISIBILITY-UPDATE"
ERROR_USER_DISABLED = "ERROR_USER_DISABLED"
ERROR_NEEDS_REGISTRATION = "ERROR_NEEDS_REGISTRATION"
FEDIVERSE_TYPES = frozenset(
    {"FEDIVERSE_ENGAGEMENT_FOLLOW", "FEDIVERSE_ENGAGEMENT_LIKE", "FEDIVERSE_ENGAGEMENT_REPOST"}
)

ZERO_TIME = "0001-01-01T00:00:00Z"
"""Go's zero `time.Time`, which the NAME_CHANGE webhook carries because Owncast never fills it in."""

Event = dict[str, Any]


# --- inbound ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ChatSent:
    body: str


@dataclass(frozen=True)
class NameChangeRequested:
    new_name: str


@dataclass(frozen=True)
class Ignored:
    """A well-formed event of a type clients may not send; dropped without a reply."""

    event_type: str


@dataclass(frozen=True)
class Malformed:
    """Not JSON, not an object, or a field of the wrong type; dropped without a reply."""

    reason: str


Inbound = ChatSent | NameChangeRequested | Ignored | Malformed


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
    return Ignored(event_type)


# --- shared pieces ------------------------------------------------------------------------------------
def encode(event: Event) -> bytes:
    """Compact JSON, encoded once per event however many sockets receive it."""
    return json.dumps(event, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def user_json(user: User) -> dict[str, Any]:
    """Owncast's User object: `disabledAt`/`nameChangedAt` only when set.

    `scopes` is always a list: 0.0.11 sent null for a user without scopes, which bots that iterate it
    (owlbot) crash on.
    """
    document: dict[str, Any] = {
        "id": user.id,
        "displayName": user.display_name,
        "displayColor": user.display_color,
        "createdAt": rfc3339(user.created_at),
    }
    if user.disabled_at is not None:
        document["disabledAt"] = rfc3339(user.disabled_at)
    document["previousNames"] = list(user.previous_names)
    if user.name_changed_at is not None:
        document["nameChangedAt"] = rfc3339(user.name_changed_at)
    document["scopes"] = list(user.scopes)
    return document


def integration_user_json(user: User) -> dict[str, Any]:
    """How an API user appears on the CHAT messages it sends: its token scopes are not shown."""
    return {
        "id": user.id,
        "displayName": user.display_name,
        "displayColor": user.display_color,
        "createdAt": rfc3339(user.created_at),
        "previousNames": None,
        "scopes": [],
    }


def _base(event_type: str, event_id: str, at: datetime) -> Event:
    return {"type": event_type, "id": event_id, "timestamp": rfc3339(at)}


# --- server → client events ---------------------------------------------------------------------------
def connected_user_info(event_id: str, at: datetime, user: User) -> Event:
    return {**_base(CONNECTED_USER_INFO, event_id, at), "user": user_json(user)}


def chat_message(event_id: str, at: datetime, body: str, user: dict[str, Any]) -> Event:
    """`user` is already in JSON form (a chat user's, or an integration's)."""
    return {**_base(CHAT, event_id, at), "body": body, "user": user, "visible": True}


def system_message(event_id: str, at: datetime, body: str, server_name: str) -> Event:
    return {**_base(SYSTEM, event_id, at), "body": body, "user": {"displayName": server_name}}


def chat_action(event_id: str, at: datetime, body: str) -> Event:
    return {**_base(CHAT_ACTION, event_id, at), "body": body}


def user_joined(event_id: str, at: datetime, user: User) -> Event:
    return {**_base(USER_JOINED, event_id, at), "user": user_json(user)}


def name_changed(event_id: str, at: datetime, user: User, old_name: str) -> Event:
    return {**_base(NAME_CHANGE, event_id, at), "user": user_json(user), "oldName": old_name}


def visibility_update(event_id: str, at: datetime, ids: Sequence[str], visible: bool) -> Event:
    return {**_base(VISIBILITY_UPDATE, event_id, at), "ids": list(ids), "visible": visible}


def user_disabled(event_id: str, at: datetime) -> Event:
    """Sent to a banned user's open sockets just before they are closed."""
    return {**_base(ERROR_USER_DISABLED, event_id, at), "user": None}


USER_DISABLED_AT_CONNECT: Event = {"type": ERROR_USER_DISABLED}
NEEDS_REGISTRATION: Event = {"type": ERROR_NEEDS_REGISTRATION}


# --- history (the stored struct forms, §3.7) ----------------------------------------------------------
def stored_message_json(item: MessageWithAuthor) -> Event:
    message = item.message
    document: Event = {
        "type": message.event_type,
        "id": message.id,
        "timestamp": rfc3339(message.timestamp),
    }
    if item.author is not None:
        document["user"] = user_json(item.author)
    document["body"] = message.body
    if message.event_type in FEDIVERSE_TYPES:
        document.update(image=message.image, link=message.link, title=message.title)
    if message.hidden_at is not None:
        document["hiddenAt"] = rfc3339(message.hidden_at)
    return document


# --- webhook eventData (§5) ---------------------------------------------------------------------------
def _with_client_id(document: dict[str, Any], client_id: int) -> dict[str, Any]:
    """Owncast leaves `clientId` out when it is 0 (Go's omitempty)."""
    if client_id:
        document["clientId"] = client_id
    return document


def chat_webhook_data(
    event_id: str, at: datetime, user: User, client_id: int, body: str, raw_body: str
) -> dict[str, Any]:
    document: dict[str, Any] = {"user": user_json(user)}
    _with_client_id(document, client_id)
    document.update(body=body, rawBody=raw_body, id=event_id, visible=True, timestamp=rfc3339(at))
    return document


def user_joined_webhook_data(event_id: str, at: datetime, user: User, client_id: int) -> dict[str, Any]:
    return _with_client_id({"id": event_id, "timestamp": rfc3339(at), "user": user_json(user)}, client_id)


def name_change_webhook_data(user: User, client_id: int, new_name: str) -> dict[str, Any]:
    document: dict[str, Any] = {
        "type": NAME_CHANGE,
        "id": "",
        "timestamp": ZERO_TIME,
        "user": user_json(user),
    }
    _with_client_id(document, client_id)
    document["newName"] = new_name
    return document


def visibility_webhook_data(event_id: str, at: datetime, ids: Sequence[str], visible: bool) -> dict[str, Any]:
    return visibility_update(event_id, at, ids, visible)
