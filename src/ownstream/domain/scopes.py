"""The scopes a user row can hold (reference §2.4, §10): MODERATOR for chat users, and the scopes of
integration access tokens."""

from __future__ import annotations

from collections.abc import Iterable

MODERATOR = "MODERATOR"

CAN_SEND_MESSAGES = "CAN_SEND_MESSAGES"
CAN_SEND_SYSTEM_MESSAGES = "CAN_SEND_SYSTEM_MESSAGES"
HAS_ADMIN_ACCESS = "HAS_ADMIN_ACCESS"

INTEGRATION_SCOPES = frozenset({CAN_SEND_MESSAGES, CAN_SEND_SYSTEM_MESSAGES, HAS_ADMIN_ACCESS})


def valid_integration_scopes(scopes: Iterable[str]) -> bool:
    """True for a non-empty collection made only of known integration scopes."""
    given = list(scopes)
    return bool(given) and all(scope in INTEGRATION_SCOPES for scope in given)
