"""The one place where the typed vocabulary becomes Owncast's JSON: key order, which keys are left out
when empty (Go's `omitempty`), the timestamp form. Chat frames, webhook bodies, the history and the
admin's lists all come from here.

`encode` gives the compact UTF-8 bytes that go on a socket or into a webhook POST; a broadcast encodes
its event once, however many sockets receive it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from ownstream.clock import rfc3339
from ownstream.domain.chat_events import (
    ChatAction,
    ChatMessage,
    ChatWebhookData,
    ConnectedClient,
    ConnectedUserInfo,
    ConnectionRefused,
    FediverseEngagement,
    NameChanged,
    NameChangeWebhookData,
    StreamWebhookData,
    SystemMessage,
    UserDisabled,
    UserJoined,
    UserJoinedWebhookData,
    UserParted,
    UserPartedWebhookData,
    VisibilityUpdate,
    WebhookBody,
)
from ownstream.domain.event_types import FEDIVERSE_TYPES, NAME_CHANGE
from ownstream.domain.messages import MessageWithAuthor
from ownstream.domain.users import User

Document = dict[str, Any]

ZERO_TIME = "0001-01-01T00:00:00Z"
"""Go's zero `time.Time`, which the NAME_CHANGE webhook carries because Owncast never fills it in."""

OwncastObject = (
    ConnectedUserInfo
    | ChatMessage
    | SystemMessage
    | ChatAction
    | FediverseEngagement
    | UserJoined
    | UserParted
    | NameChanged
    | VisibilityUpdate
    | UserDisabled
    | ConnectionRefused
    | ChatWebhookData
    | UserJoinedWebhookData
    | UserPartedWebhookData
    | NameChangeWebhookData
    | StreamWebhookData
    | WebhookBody
    | ConnectedClient
    | MessageWithAuthor
)


def encode(value: OwncastObject) -> bytes:
    """Compact JSON, UTF-8, non-ASCII kept as is."""
    return encode_document(to_json(value))


def encode_document(document: Mapping[str, Any]) -> bytes:
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


# --- users --------------------------------------------------------------------------------------------
def user_json(user: User) -> Document:
    """Owncast's User object: `disabledAt`/`nameChangedAt` only when set.

    `scopes` is always a list: 0.0.11 sent null for a user without scopes, which bots that iterate it
    (owlbot) crash on. `isBot` and `authenticated` are newer Owncast's (0.0.12), after 0.0.11's fields.
    """
    document: Document = {
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
    document["isBot"] = user.is_bot
    document["authenticated"] = user.authenticated
    return document


def integration_user_json(user: User) -> Document:
    """How an API user appears on the CHAT messages it sends: its token scopes are not shown."""
    return {
        "id": user.id,
        "displayName": user.display_name,
        "displayColor": user.display_color,
        "createdAt": rfc3339(user.created_at),
        "previousNames": None,
        "scopes": [],
        "isBot": True,
        "authenticated": False,
    }


# --- everything ---------------------------------------------------------------------------------------
def to_json(value: OwncastObject) -> Document:
    """The JSON document of `value`, keys in Owncast's order."""
    match value:
        case ConnectedUserInfo() | UserJoined() | UserParted():
            return {**_head(value.type, value.id, value.timestamp), "user": user_json(value.user)}
        case ChatMessage():
            author = integration_user_json(value.user) if value.by_integration else user_json(value.user)
            return {
                **_head(value.type, value.id, value.timestamp),
                "body": value.body,
                "user": author,
                "visible": True,
            }
        case SystemMessage():
            return {
                **_head(value.type, value.id, value.timestamp),
                "body": value.body,
                "user": {"displayName": value.server_name},
            }
        case ChatAction():
            return {**_head(value.type, value.id, value.timestamp), "body": value.body}
        case FediverseEngagement():
            return {
                **_head(value.type, value.id, value.timestamp),
                "body": value.body,
                "image": value.image,
                "title": value.title,
                "link": value.link,
                "user": {"displayName": value.server_name},
            }
        case NameChanged():
            return {
                **_head(value.type, value.id, value.timestamp),
                "user": user_json(value.user),
                "oldName": value.old_name,
            }
        case VisibilityUpdate():
            return {
                **_head(value.type, value.id, value.timestamp),
                "ids": list(value.ids),
                "visible": value.visible,
            }
        case UserDisabled():
            return {**_head(value.type, value.id, value.timestamp), "user": None}
        case ConnectionRefused():
            return {"type": value.type}
        case ChatWebhookData():
            document: Document = {"user": user_json(value.user)}
            _client_id(document, value.client_id)
            document.update(
                body=value.body,
                rawBody=value.raw_body,
                id=value.id,
                visible=True,
                timestamp=rfc3339(value.timestamp),
            )
            return document
        case UserJoinedWebhookData():
            document = {"id": value.id, "timestamp": rfc3339(value.timestamp), "user": user_json(value.user)}
            return _client_id(document, value.client_id)
        case UserPartedWebhookData():
            # Owncast 0.1.2's field order for USER_PARTED.
            document = {"timestamp": rfc3339(value.timestamp), "id": value.id, "user": user_json(value.user)}
            return _client_id(document, value.client_id)
        case NameChangeWebhookData():
            document = {"type": NAME_CHANGE, "id": "", "timestamp": ZERO_TIME, "user": user_json(value.user)}
            _client_id(document, value.client_id)
            document["newName"] = value.new_name
            return document
        case StreamWebhookData():
            return {
                "id": value.id,
                "name": value.name,
                "streamTitle": value.stream_title,
                "summary": value.summary,
                "timestamp": rfc3339(value.timestamp),
            }
        case WebhookBody():
            data = value.event_data
            return {"type": value.type, "eventData": data if isinstance(data, Mapping) else to_json(data)}
        case ConnectedClient():
            return {
                "clientId": value.client_id,
                "user": user_json(value.user),
                "geo": None,
                "messageCount": value.message_count,
                "userAgent": value.user_agent,
                "ipAddress": value.ip_address,
                "connectedAt": rfc3339(value.connected_at),
            }
        case MessageWithAuthor():
            return _history_item(value)
    raise TypeError(f"no Owncast JSON form for {type(value).__name__}")


def _head(event_type: str, event_id: str, timestamp: datetime) -> Document:
    return {"type": event_type, "id": event_id, "timestamp": rfc3339(timestamp)}


def _client_id(document: Document, client_id: int) -> Document:
    """Owncast leaves `clientId` out when it is 0 (Go's omitempty)."""
    if client_id:
        document["clientId"] = client_id
    return document


def _history_item(item: MessageWithAuthor) -> Document:
    """The stored struct form of a message (reference §3.7)."""
    message = item.message
    document: Document = {
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
