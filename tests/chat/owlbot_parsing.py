"""How the owlbot chat bot (PyPI `owlbot` 1.2) reads a user object, restated for tests.

owlbot builds its user with `frozenset(data.get("scopes", ()))` and checks moderators with
`"MODERATOR" in scopes`; a `"scopes": null` raises TypeError there, and the bot answers its webhook with
500 and ignores the event. owlbot needs Python ≥ 3.12, so its parsing is restated here rather than
imported.
"""

from __future__ import annotations

from typing import Any


def owlbot_scopes(user: dict[str, Any]) -> frozenset[str]:
    """The scopes as owlbot reads them; fails (as owlbot does) on anything but a list of strings."""
    scopes = user.get("scopes", ())
    assert isinstance(scopes, list), f"scopes must be a list, got {scopes!r}"
    parsed = frozenset(scopes)
    assert all(isinstance(scope, str) for scope in parsed)
    return parsed


def owlbot_is_moderator(user: dict[str, Any]) -> bool:
    return "MODERATOR" in owlbot_scopes(user)
