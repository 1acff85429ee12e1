"""The user model (reference §4 `users`): chat users and integration (API) users share one shape."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from ownstream.domain.scopes import MODERATOR

UserType = Literal["STANDARD", "API"]
MAX_DISPLAY_COLOR = 360
"""Display colours are hues, 0 … 360."""


@dataclass(frozen=True)
class User:
    id: str
    display_name: str
    display_color: int
    created_at: datetime
    disabled_at: datetime | None
    previous_names: tuple[str, ...]
    name_changed_at: datetime | None
    scopes: tuple[str, ...]
    type: UserType
    last_used: datetime | None
    access_token: str | None
    """Only for API users; chat users' tokens are stored as hashes only."""
    authenticated_at: datetime | None = None
    """When the user last proved an identity (IndieAuth or a fediverse code, newer Owncast §7)."""

    @property
    def is_moderator(self) -> bool:
        return MODERATOR in self.scopes

    @property
    def disabled(self) -> bool:
        return self.disabled_at is not None

    @property
    def authenticated(self) -> bool:
        return self.authenticated_at is not None

    @property
    def is_bot(self) -> bool:
        """Newer Owncast's `isBot`: integration (API) users."""
        return self.type == "API"
