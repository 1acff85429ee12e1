"""Admin dashboard sessions: a signed cookie, CSRF tokens bound to it, and the secret that signs both.

The cookie's value is `<id>.<expires>.<mac>`: a random id, the expiry in Unix seconds and an HMAC-SHA256
over both and a fingerprint of the admin password (0.0.11: the stream key). Nothing per session is
stored, so sessions survive a restart until they expire. Because the password takes part in the MAC,
changing it ends every session signed under the old one (other browsers, a stolen cookie); the admin
gate gives the request that changed it a fresh cookie, so the dashboard that made the change stays
logged in. Logging out revokes the id: revoked ids are kept, until their expiry, in the config table,
and, with several processes serving the site, announced on the bus (`AdminSessionRevoked`: the id and
its expiry, never the cookie or its MAC) so that every other process refuses the cookie at once.

The secret is 32 random bytes generated at first start and kept in the config table under its own key,
outside `RuntimeConfig`: it never appears in `/api/admin/serverconfig`, in a `ConfigChanged` event or
in a log line. It is created with an insert that does nothing when the key exists, then read back, so
two processes starting together on a fresh database end up with the one secret the first stored. A
CSRF token is an HMAC of the session id under the same secret, so it needs no storage and dies with its
session.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Final, Protocol

from ownstream.clock import Clock
from ownstream.events import AdminSessionRevoked, EventBus

log = logging.getLogger(__name__)

COOKIE_NAME: Final = "ownstream_admin"
SESSION_LIFETIME: Final = timedelta(days=7)
SECRET_KEY: Final = "admin_session_secret"
REVOKED_KEY: Final = "admin_sessions_revoked"
MAX_REVOKED: Final = 1000
"""Revoked ids kept at most; the oldest go first (each is only needed until its expiry anyway)."""

_SECRET_BYTES = 32
_ID_BYTES = 16


class KeyValueStore(Protocol):
    """What sessions need from the config table (`ConfigRepository`)."""

    async def get(self, key: str) -> Any: ...

    async def save(self, values: dict[str, Any]) -> None: ...

    async def insert_if_absent(self, key: str, value: Any) -> bool:
        """Store `value` under `key` unless the key exists; whether this call stored it."""


@dataclass(frozen=True)
class Session:
    id: str
    expires: int
    """Unix seconds."""


@dataclass(frozen=True)
class IssuedSession:
    session: Session
    cookie_value: str
    max_age: int
    """Seconds, for the cookie's `Max-Age`."""


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


class AdminSessions:
    def __init__(
        self,
        store: KeyValueStore,
        clock: Clock,
        *,
        bus: EventBus | None = None,
        lifetime: timedelta = SESSION_LIFETIME,
    ) -> None:
        """`bus`: where a logout is announced, and where the other processes' logouts arrive."""
        self._store = store
        self._clock = clock
        self._bus = bus
        self._lifetime = lifetime
        self._secret = b""
        self._revoked: dict[str, int] = {}
        if bus is not None:  # from now on: a logout elsewhere while this process loads counts too
            bus.subscribe_elsewhere(AdminSessionRevoked, self._revoked_elsewhere)

    async def load(self) -> None:
        """Reads the signing secret (creating it on first start) and the revoked session ids."""
        secret = _secret_of(await self._store.get(SECRET_KEY))
        if secret is None:
            if await self._store.insert_if_absent(SECRET_KEY, secrets.token_bytes(_SECRET_BYTES).hex()):
                log.info("created the admin session signing secret")
            secret = _secret_of(await self._store.get(SECRET_KEY))
        if secret is None:  # a hand-edited value: replaced, and read back as above
            log.warning("the stored admin session signing secret is unusable; creating a new one")
            await self._store.save({SECRET_KEY: secrets.token_bytes(_SECRET_BYTES).hex()})
            secret = _secret_of(await self._store.get(SECRET_KEY))
        if secret is None:
            raise RuntimeError("the admin session signing secret cannot be stored")
        self._secret = secret
        self._revoked.update(_revocations(await self._store.get(REVOKED_KEY)))
        self._prune()

    def _now(self) -> int:
        return int(self._clock.now().timestamp())

    def _mac(self, session_id: str, expires: int, password: str) -> str:
        fingerprint = hashlib.sha256(b"ownstream-admin-password\x00" + password.encode("utf-8")).hexdigest()
        message = f"session\x00{session_id}\x00{expires}\x00{fingerprint}".encode()
        return _b64(hmac.new(self._secret, message, hashlib.sha256).digest())

    def issue(self, password: str) -> IssuedSession:
        """A new session, signed for the current password."""
        self._require_loaded()
        lifetime = int(self._lifetime.total_seconds())
        session = Session(id=_b64(secrets.token_bytes(_ID_BYTES)), expires=self._now() + lifetime)
        value = f"{session.id}.{session.expires}.{self._mac(session.id, session.expires, password)}"
        return IssuedSession(session=session, cookie_value=value, max_age=lifetime)

    def renew_for(self, session: Session, password: str) -> IssuedSession:
        """The same session (id and expiry) signed for a new password: after the admin changed it."""
        self._require_loaded()
        value = f"{session.id}.{session.expires}.{self._mac(session.id, session.expires, password)}"
        return IssuedSession(
            session=session, cookie_value=value, max_age=max(0, session.expires - self._now())
        )

    def verify(self, cookie_value: str | None, password: str) -> Session | None:
        """The session a cookie value carries, if it is well-formed, signed for `password`, unexpired
        and not revoked."""
        if not cookie_value or not password or not self._secret:
            return None
        parts = cookie_value.split(".")
        if len(parts) != 3 or not parts[1].isdigit() or len(parts[1]) > 12:
            return None
        session_id, expires_text, mac = parts
        expires = int(expires_text)
        if not hmac.compare_digest(mac.encode(), self._mac(session_id, expires, password).encode()):
            return None
        if expires <= self._now() or session_id in self._revoked:
            return None
        return Session(id=session_id, expires=expires)

    def csrf_token(self, session: Session) -> str:
        self._require_loaded()
        return _b64(hmac.new(self._secret, f"csrf\x00{session.id}".encode(), hashlib.sha256).digest())

    def csrf_valid(self, session: Session, token: str | None) -> bool:
        if not token:
            return False
        return hmac.compare_digest(token.encode(), self.csrf_token(session).encode())

    async def revoke(self, session: Session) -> None:
        """Logs a session out for good (its cookie stays invalid even if it was copied), here at once,
        in every other process as soon as the bus carries it there, and in the store for later starts
        (merged with what the others stored meanwhile)."""
        self._revoked[session.id] = session.expires
        self._prune()
        if self._bus is not None:
            self._bus.publish(AdminSessionRevoked(session_id=session.id, expires=session.expires))
        self._revoked.update(_revocations(await self._store.get(REVOKED_KEY)))
        self._prune()
        await self._store.save({REVOKED_KEY: dict(self._revoked)})

    def _revoked_elsewhere(self, event: AdminSessionRevoked) -> None:
        """Another process logged a session out (and stored it): refused here from now on."""
        self._revoked[event.session_id] = event.expires
        self._prune()

    def _prune(self) -> None:
        now = self._now()
        live = sorted(((expires, key) for key, expires in self._revoked.items() if expires > now))
        self._revoked = {key: expires for expires, key in live[-MAX_REVOKED:]}

    def _require_loaded(self) -> None:
        if not self._secret:
            raise RuntimeError("AdminSessions.load() was not awaited")


def _secret_of(stored: object) -> bytes | None:
    """The signing secret a stored value holds, or None when it holds none usable."""
    if not isinstance(stored, str):
        return None
    try:
        secret = bytes.fromhex(stored)
    except ValueError:
        return None
    return secret if len(secret) >= _SECRET_BYTES else None


def _revocations(stored: object) -> dict[str, int]:
    if not isinstance(stored, dict):
        return {}
    return {str(key): value for key, value in stored.items() if isinstance(value, int)}
