"""What the server sends, as typed objects: chat socket events, webhook `eventData` and bodies, and the
admin's view of a connected socket. `owncast_json` turns each into Owncast's exact JSON (reference §3,
§5); nothing else builds those documents.

Ids and timestamps are passed in: nothing here reads the clock or draws random numbers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar

from ownstream.domain import event_types
from ownstream.domain.users import User


# --- chat socket events (server → client) -------------------------------------------------------------
@dataclass(frozen=True)
class ConnectedUserInfo:
    """Who the socket is: sent first on every socket, and again when the user changes."""

    type: ClassVar[str] = event_types.CONNECTED_USER_INFO
    id: str
    timestamp: datetime
    user: User


@dataclass(frozen=True)
class ChatMessage:
    """A CHAT message. `by_integration`: sent through the integrations API, so the author appears
    without its token scopes or previous names (as Owncast shows API users)."""

    type: ClassVar[str] = event_types.CHAT
    id: str
    timestamp: datetime
    body: str
    user: User
    by_integration: bool = False


@dataclass(frozen=True)
class SystemMessage:
    type: ClassVar[str] = event_types.SYSTEM
    id: str
    timestamp: datetime
    body: str
    server_name: str


@dataclass(frozen=True)
class ChatAction:
    type: ClassVar[str] = event_types.CHAT_ACTION
    id: str
    timestamp: datetime
    body: str


@dataclass(frozen=True)
class FediverseEngagement:
    """A follow, like or share on the fediverse, shown in chat (reference §8.7): `type` is one of the
    `FEDIVERSE_ENGAGEMENT_*` names, `title` the actor's `user@host`, `link` their IRI, `image` their
    avatar."""

    type: str
    id: str
    timestamp: datetime
    body: str
    image: str | None
    title: str
    link: str
    server_name: str


@dataclass(frozen=True)
class UserJoined:
    type: ClassVar[str] = event_types.USER_JOINED
    id: str
    timestamp: datetime
    user: User


@dataclass(frozen=True)
class UserParted:
    """Newer Owncast (0.1.2): a user's last socket closed and they did not come back."""

    type: ClassVar[str] = event_types.USER_PARTED
    id: str
    timestamp: datetime
    user: User


@dataclass(frozen=True)
class NameChanged:
    type: ClassVar[str] = event_types.NAME_CHANGE
    id: str
    timestamp: datetime
    user: User
    old_name: str


@dataclass(frozen=True)
class VisibilityUpdate:
    """Sent to sockets, and (the same document) as a webhook's `eventData`."""

    type: ClassVar[str] = event_types.VISIBILITY_UPDATE
    id: str
    timestamp: datetime
    ids: tuple[str, ...]
    visible: bool


@dataclass(frozen=True)
class UserDisabled:
    """Sent to a banned user's open sockets just before they are closed."""

    type: ClassVar[str] = event_types.ERROR_USER_DISABLED
    id: str
    timestamp: datetime


@dataclass(frozen=True)
class ConnectionRefused:
    """The only event a refused socket hears: `{"type": …}` and nothing else."""

    type: str


ChatEvent = (
    ConnectedUserInfo
    | ChatMessage
    | SystemMessage
    | ChatAction
    | FediverseEngagement
    | UserJoined
    | NameChanged
    | VisibilityUpdate
    | UserDisabled
    | ConnectionRefused
)
StoredChatEvent = ChatMessage | SystemMessage | ChatAction | FediverseEngagement
"""The events that are stored and come back in the history."""


# --- webhook eventData (reference §5) -----------------------------------------------------------------
@dataclass(frozen=True)
class ChatWebhookData:
    type: ClassVar[str] = event_types.CHAT
    id: str
    timestamp: datetime
    user: User
    client_id: int
    body: str
    raw_body: str


@dataclass(frozen=True)
class UserJoinedWebhookData:
    type: ClassVar[str] = event_types.USER_JOINED
    id: str
    timestamp: datetime
    user: User
    client_id: int


@dataclass(frozen=True)
class UserPartedWebhookData:
    type: ClassVar[str] = event_types.USER_PARTED
    id: str
    timestamp: datetime
    user: User
    client_id: int


@dataclass(frozen=True)
class NameChangeWebhookData:
    """Owncast never fills in this event's id and timestamp: they go out empty and as Go's zero time."""

    type: ClassVar[str] = event_types.NAME_CHANGE
    user: User
    client_id: int
    new_name: str


ChatWebhookPayload = (
    ChatWebhookData | UserJoinedWebhookData | UserPartedWebhookData | NameChangeWebhookData | VisibilityUpdate
)


@dataclass(frozen=True)
class StreamWebhookData:
    """STREAM_STARTED, STREAM_STOPPED and STREAM_TITLE_UPDATED share one shape: the server as configured
    at that moment (the summary raw, as stored)."""

    type: str
    id: str
    name: str
    stream_title: str
    summary: str
    timestamp: datetime


@dataclass(frozen=True)
class WebhookBody:
    """`{"type", "eventData"}`. Chat events reach the webhooks already serialised (the bus carries
    `eventData` in its wire form), and pass through untouched."""

    type: str
    event_data: StreamWebhookData | ChatWebhookPayload | Mapping[str, Any]


# --- the admin's view of a socket ---------------------------------------------------------------------
@dataclass(frozen=True)
class ConnectedClient:
    client_id: int
    user: User
    message_count: int
    user_agent: str
    ip_address: str
    connected_at: datetime
