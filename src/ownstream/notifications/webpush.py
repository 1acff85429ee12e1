"""Web Push, sans-IO: the subscription a browser hands out, the payload encryption of RFC 8291
(`aes128gcm`, RFC 8188) and the VAPID authorization of RFC 8292 (an ES256 JWT and the server's key).

Nothing here touches the network; `notifications/service.py` sends what this builds.
"""

from __future__ import annotations

import base64
import json
import os
import time
from dataclasses import dataclass

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from yarl import URL

RECORD_SIZE = 4096
MAX_PAYLOAD = RECORD_SIZE - 16 - 1 - 86
"""What fits one record: the record minus the tag, the delimiter and the header (RFC 8291 §4)."""
JWT_LIFETIME = 12 * 3600
MAX_SUBSCRIPTION_LENGTH = 4096


class BadSubscription(ValueError):
    """The text is not a usable PushSubscription."""


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def public_point(key: ec.EllipticCurvePublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)


@dataclass(frozen=True)
class PushSubscription:
    endpoint: str
    p256dh: bytes
    """The browser's P-256 public key, 65 bytes uncompressed."""
    auth: bytes
    """The 16-byte authentication secret."""

    @classmethod
    def parse(cls, text: str) -> PushSubscription:
        """`PushSubscription.toJSON()` as a string (what Owncast's `destination` holds)."""
        if len(text) > MAX_SUBSCRIPTION_LENGTH:
            raise BadSubscription("the subscription is too long")
        try:
            data = json.loads(text)
        except ValueError:
            raise BadSubscription("the subscription is not JSON") from None
        if not isinstance(data, dict):
            raise BadSubscription("the subscription is not a JSON object")
        endpoint, keys = data.get("endpoint"), data.get("keys")
        if not isinstance(endpoint, str) or not isinstance(keys, dict):
            raise BadSubscription("the subscription needs an endpoint and keys")
        url = URL(endpoint)
        if url.scheme not in ("https", "http") or not url.host:
            raise BadSubscription("the endpoint must be an http(s) URL")
        try:
            p256dh = unb64url(str(keys.get("p256dh", "")))
            auth = unb64url(str(keys.get("auth", "")))
            ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), p256dh)
        except ValueError:
            raise BadSubscription("the subscription's keys are not base64url P-256 keys") from None
        if len(auth) != 16:
            raise BadSubscription("the subscription's auth secret must be 16 bytes")
        return cls(endpoint, p256dh, auth)


def _hkdf(secret: bytes, salt: bytes, info: bytes, length: int) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=salt, info=info).derive(secret)


def encrypt(
    payload: bytes,
    subscription: PushSubscription,
    *,
    sender: ec.EllipticCurvePrivateKey | None = None,
    salt: bytes | None = None,
) -> bytes:
    """The request body for one push message: one `aes128gcm` record keyed for this subscription.
    A fresh sender key and salt per message unless given (tests)."""
    if len(payload) > MAX_PAYLOAD:
        raise ValueError(f"a push payload is at most {MAX_PAYLOAD} bytes")
    sender = sender or ec.generate_private_key(ec.SECP256R1())
    salt = salt or os.urandom(16)
    receiver = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), subscription.p256dh)
    sender_public = public_point(sender.public_key())
    shared = sender.exchange(ec.ECDH(), receiver)
    key_info = b"WebPush: info\x00" + subscription.p256dh + sender_public
    ikm = _hkdf(shared, subscription.auth, key_info, 32)
    content_key = _hkdf(ikm, salt, b"Content-Encoding: aes128gcm\x00", 16)
    nonce = _hkdf(ikm, salt, b"Content-Encoding: nonce\x00", 12)
    record = AESGCM(content_key).encrypt(nonce, payload + b"\x02", None)
    header = salt + RECORD_SIZE.to_bytes(4, "big") + bytes([len(sender_public)]) + sender_public
    return header + record


def audience(endpoint: str) -> str:
    """The push service's origin, the JWT's `aud`."""
    url = URL(endpoint)
    return str(url.origin())


def vapid_jwt(key: ec.EllipticCurvePrivateKey, aud: str, subject: str, now: float | None = None) -> str:
    """An ES256 JWT with `aud`, `exp` (12 h ahead) and `sub`, signed with the server's VAPID key."""
    issued = int(time.time() if now is None else now)
    header = b64url(json.dumps({"typ": "JWT", "alg": "ES256"}, separators=(",", ":")).encode())
    claims = {"aud": aud, "exp": issued + JWT_LIFETIME, "sub": subject}
    body = b64url(json.dumps(claims, separators=(",", ":")).encode())
    signing_input = f"{header}.{body}".encode("ascii")
    r, s = decode_dss_signature(key.sign(signing_input, ec.ECDSA(hashes.SHA256())))
    signature = r.to_bytes(32, "big") + s.to_bytes(32, "big")
    return f"{header}.{body}.{b64url(signature)}"


def vapid_authorization(jwt: str, key: ec.EllipticCurvePrivateKey) -> str:
    return f"vapid t={jwt}, k={b64url(public_point(key.public_key()))}"
