"""The local actor's RSA key: generated once, at the first start, and kept in the config table under its
own key (outside `RuntimeConfig`, so it never reaches the admin API, an audit line or a log).

Followers cache the public key; a new one would make them refuse our deliveries until they refetch it,
so it is never replaced. A stored key that cannot be read is a start-up error, not a quiet new key.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Protocol

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

log = logging.getLogger(__name__)

PRIVATE_KEY_SETTING = "federation_private_key"
KEY_BITS = 2048


class KeyStore(Protocol):
    async def get(self, key: str) -> object: ...

    async def save(self, values: dict[str, object]) -> None: ...


class UnreadableKey(Exception):
    """The stored private key is not a PEM RSA key."""


@dataclass(frozen=True)
class ActorKey:
    private_key: rsa.RSAPrivateKey
    public_pem: str
    """SubjectPublicKeyInfo PEM, as `publicKeyPem` carries it."""

    @classmethod
    def from_pem(cls, pem: str) -> ActorKey:
        try:
            key = serialization.load_pem_private_key(pem.encode("ascii"), password=None)
        except (ValueError, TypeError, UnicodeEncodeError) as error:
            raise UnreadableKey(f"the stored federation key cannot be read: {error}") from None
        if not isinstance(key, rsa.RSAPrivateKey):
            raise UnreadableKey("the stored federation key is not an RSA key")
        return cls(key, public_pem(key.public_key()))

    @classmethod
    def generate(cls) -> ActorKey:
        key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)
        return cls(key, public_pem(key.public_key()))

    def private_pem(self) -> str:
        return self.private_key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ).decode("ascii")


def public_pem(key: rsa.RSAPublicKey) -> str:
    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode("ascii")


async def load_actor_key(store: KeyStore) -> ActorKey:
    """The stored key, or a new one (generated in a thread, then stored) at the first start."""
    stored = await store.get(PRIVATE_KEY_SETTING)
    if isinstance(stored, str) and stored:
        return await asyncio.to_thread(ActorKey.from_pem, stored)
    key = await asyncio.to_thread(ActorKey.generate)
    await store.save({PRIVATE_KEY_SETTING: key.private_pem()})
    log.info("created the federation actor's signing key")
    return key
