"""Identifiers and credentials for chat: short ids for users and messages, and access tokens."""

from __future__ import annotations

import base64
import hashlib
import secrets

SHORT_ID_LENGTH = 9


def short_id() -> str:
    """A ~9-character URL-safe id, like the ones Owncast gives users and messages."""
    return secrets.token_urlsafe(7)[:SHORT_ID_LENGTH]


def new_access_token() -> str:
    """32 random bytes, URL-safe base64 with padding: 44 characters ending in `=`."""
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode("ascii")


def token_hash(token: str) -> str:
    """What the database stores and looks up instead of the token itself."""
    return hashlib.sha256(token.encode("utf-8", "surrogateescape")).hexdigest()
