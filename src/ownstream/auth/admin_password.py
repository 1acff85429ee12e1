"""The admin password (issue 15's rule, reference newer §3).

Until one is set, the admin password is the 0.0.11 stream key (`config/key`, `--streamkey`), exactly as in
Owncast 0.0.11. It becomes a password of its own through `config/adminpass`, `--adminpassword`, or the
first `config/streamkeys` (which stores the key of that moment as the password, as Owncast 0.1's upgrade
does), and from then on no stream key change touches it.

A set password is stored as a bcrypt hash, cost 10, as Owncast 0.2 stores it; a password longer than
bcrypt's 72 bytes is first reduced to its SHA-512 digest (Owncast 0.2.4's rule), so no byte is ignored.
Checking a bcrypt hash costs tens of milliseconds of CPU: it runs in a thread, and the password that last
matched is remembered as an HMAC under a key of this process only, so a script sending Basic credentials
with every request pays for bcrypt once, not on every call.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import secrets

import bcrypt

from ownstream.auth.stream_key import stream_key_matches
from ownstream.config.service import ConfigService

BCRYPT_COST = 10
BCRYPT_MAX_BYTES = 72


def bcrypt_input(password: bytes) -> bytes:
    return hashlib.sha512(password).digest() if len(password) > BCRYPT_MAX_BYTES else password


def hash_password(password: str) -> str:
    """The bcrypt hash stored for `password` (slow: call it in a thread)."""
    return bcrypt.hashpw(bcrypt_input(password.encode("utf-8")), bcrypt.gensalt(BCRYPT_COST)).decode()


def hash_matches(offered: bytes, hashed: str) -> bool:
    """Whether `offered` is the password of `hashed` (slow: call it in a thread). A stored value that is
    not a bcrypt hash matches nothing."""
    try:
        return bcrypt.checkpw(bcrypt_input(offered), hashed.encode("ascii"))
    except (ValueError, UnicodeEncodeError):
        return False


class AdminPassword:
    def __init__(self, config: ConfigService) -> None:
        self._config = config
        self._memo_key = secrets.token_bytes(32)
        self._remembered: tuple[str, bytes] | None = None
        """(the hash, an HMAC of the password that last matched it)."""

    @property
    def fingerprint(self) -> str:
        """What admin sessions are signed for: it changes whenever the admin password changes."""
        current = self._config.current
        return current.admin_password_hash or current.stream_key

    async def matches(self, offered: str | bytes) -> bool:
        if isinstance(offered, str):
            offered = offered.encode("utf-8", "surrogateescape")
        current = self._config.current
        hashed = current.admin_password_hash
        if not hashed:
            return stream_key_matches(offered, current.stream_key)
        memo = hmac.new(self._memo_key, offered, hashlib.sha256).digest()
        remembered = self._remembered
        if remembered is not None and remembered[0] == hashed and hmac.compare_digest(remembered[1], memo):
            return True
        if not await asyncio.to_thread(hash_matches, offered, hashed):
            return False
        self._remembered = (hashed, memo)
        return True


async def store_admin_password(config: ConfigService, password: str) -> None:
    """Make `password` the admin password (`config/adminpass`, `--adminpassword`)."""
    await config.update(admin_password_hash=await asyncio.to_thread(hash_password, password))


async def store_stream_keys(config: ConfigService, changes: dict[str, object]) -> None:
    """Store a new key list; the first time, the admin password stays what it was: the current key."""
    current = config.current
    if not current.admin_password_hash:
        changes = {
            **changes,
            "admin_password_hash": await asyncio.to_thread(hash_password, current.stream_key),
        }
    await config.update(**changes)
