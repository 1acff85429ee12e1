"""A stored chat message (reference §4 `messages`) and the author it is shown with in the history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ownstream.domain.users import User


@dataclass(frozen=True)
class StoredMessage:
    """Bodies are stored already rendered and sanitized; `user_id` is None for system, action and
    fediverse messages."""

    id: str
    event_type: str
    body: str
    timestamp: datetime
    user_id: str | None = None
    hidden_at: datetime | None = None
    title: str | None = None
    subtitle: str | None = None
    image: str | None = None
    link: str | None = None


@dataclass(frozen=True)
class MessageWithAuthor:
    message: StoredMessage
    author: User | None
