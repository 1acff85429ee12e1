"""The server's VAPID key pair for Web Push: generated at the first start and kept in the config table
under its own key (outside `RuntimeConfig`, so it never reaches the admin API, an audit line or a log).

Browsers tie each subscription to the public key they were given; a new key would silently orphan them
all, so it is never replaced. A stored key that cannot be read is a start-up error, not a quiet new key.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Protocol

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from ownstream.notifications.webpush import b64url, public_point

log = logging.getLogger(__name__)

PRIVATE_KEY_SETTING = "browser_push_private_key"


class KeyStore(Protocol):
    async def get(self, key: str) -> object: ...

    async def save(self, values: dict[str, object]) -> None: ...


class UnreadableVapidKey(Exception):
    """The stored key is not a PEM P-256 private key."""


@dataclass(frozen=True)
class VapidKey:
    private_key: ec.EllipticCurvePrivateKey

    @property
    def public_key(self) -> str:
        """base64url of the uncompressed point: `applicationServerKey` for `pushManager.subscribe`."""
        return b64url(public_point(self.private_key.public_key()))

    @classmethod
    def generate(cls) -> VapidKey:
        return cls(ec.generate_private_key(ec.SECP256R1()))

    @classmethod
    def from_pem(cls, pem: str) -> VapidKey:
        try:
            key = serialization.load_pem_private_key(pem.encode("ascii"), password=None)
        except (ValueError, TypeError, UnicodeEncodeError) as error:
            raise UnreadableVapidKey(f"the stored Web Push key cannot be read: {error}") from None
        if not isinstance(key, ec.EllipticCurvePrivateKey) or key.curve.name != "secp256r1":
            raise UnreadableVapidKey("the stored Web Push key is not a P-256 key")
        return cls(key)

    def private_pem(self) -> str:
        return self.private_key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ).decode("ascii")


async def load_vapid_key(store: KeyStore) -> VapidKey:
    """The stored key, or a new one (stored at once) at the first start."""
    stored = await store.get(PRIVATE_KEY_SETTING)
    if isinstance(stored, str) and stored:
        return await asyncio.to_thread(VapidKey.from_pem, stored)
    key = await asyncio.to_thread(VapidKey.generate)
    await store.save({PRIVATE_KEY_SETTING: key.private_pem()})
    log.info("created the Web Push (VAPID) key pair")
    return key
