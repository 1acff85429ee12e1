"""A Web Push service stand-in on 127.0.0.1: does what a browser vendor's push service checks and what
the browser then does, with real crypto and independently of Ownstream's code. It verifies the VAPID
authorization (RFC 8292: ES256 signature, `aud`, `exp`, the server's public key), then decrypts the
`aes128gcm` body with the subscription's private key using the `http_ece` package (RFC 8188/8291).

Each subscription it hands out is a browser-side key pair and auth secret, as `pushManager.subscribe`
would make; `gone` subscriptions answer 410 as an expired one does."""

from __future__ import annotations

import asyncio
import base64
import json
import os
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import http_ece
from aiohttp import web
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class BrowserSubscription:
    name: str
    endpoint: str
    private_key: ec.EllipticCurvePrivateKey
    auth: bytes

    def to_json(self) -> str:
        point = self.private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return json.dumps(
            {
                "endpoint": self.endpoint,
                "expirationTime": None,
                "keys": {"p256dh": b64url(point), "auth": b64url(self.auth)},
            }
        )


@dataclass
class Delivered:
    subscription: str
    headers: dict[str, str]
    claims: dict[str, Any]
    sender_key: str
    payload: Any


def verify_vapid(authorization: str, origin: str) -> tuple[dict[str, Any], str]:
    scheme, _, rest = authorization.partition(" ")
    assert scheme == "vapid", authorization
    parts = dict(item.strip().split("=", 1) for item in rest.split(","))
    header, body, signature = parts["t"].split(".")
    key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64url(parts["k"]))
    raw = unb64url(signature)
    der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
    key.verify(der, f"{header}.{body}".encode(), ec.ECDSA(hashes.SHA256()))  # raises InvalidSignature
    assert json.loads(unb64url(header)) == {"typ": "JWT", "alg": "ES256"}
    claims = json.loads(unb64url(body))
    assert claims["aud"] == origin, claims
    assert time.time() < claims["exp"] <= time.time() + 24 * 3600, claims
    assert claims["sub"].startswith(("mailto:", "https://")), claims
    return claims, parts["k"]


@dataclass
class PushService:
    port: int = 0
    subscriptions: dict[str, BrowserSubscription] = field(default_factory=dict)
    gone: set[str] = field(default_factory=set)
    delivered: list[Delivered] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    _arrived: asyncio.Condition = field(default_factory=asyncio.Condition)

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def subscribe(self, name: str, *, gone: bool = False) -> BrowserSubscription:
        subscription = BrowserSubscription(
            name, f"{self.origin}/push/{name}", ec.generate_private_key(ec.SECP256R1()), os.urandom(16)
        )
        self.subscriptions[name] = subscription
        if gone:
            self.gone.add(name)
        return subscription

    async def wait_for(self, count: int, timeout: float = 30.0) -> list[Delivered]:
        async def enough() -> None:
            async with self._arrived:
                await self._arrived.wait_for(lambda: len(self.delivered) >= count)

        await asyncio.wait_for(enough(), timeout)
        return self.delivered

    async def _handle(self, request: web.Request) -> web.Response:
        name = request.match_info["name"]
        subscription = self.subscriptions.get(name)
        if subscription is None or name in self.gone:
            return web.Response(status=410)
        try:
            claims, sender_key = verify_vapid(request.headers.get("Authorization", ""), self.origin)
        except (AssertionError, InvalidSignature, KeyError, ValueError) as error:
            self.refused.append(f"{name}: {error!r}")
            return web.Response(status=401)
        if request.headers.get("Content-Encoding") != "aes128gcm":
            self.refused.append(f"{name}: content encoding")
            return web.Response(status=415)
        plain = http_ece.decrypt(
            await request.read(),
            private_key=subscription.private_key,
            auth_secret=subscription.auth,
            version="aes128gcm",
        )
        async with self._arrived:
            self.delivered.append(
                Delivered(name, dict(request.headers), claims, sender_key, json.loads(plain))
            )
            self._arrived.notify_all()
        return web.Response(status=201)


@asynccontextmanager
async def push_service() -> AsyncIterator[PushService]:
    service = PushService()
    app = web.Application()
    app.router.add_post("/push/{name}", service._handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    server = site._server
    assert server is not None
    service.port = server.sockets[0].getsockname()[1]  # type: ignore[attr-defined]
    try:
        yield service
    finally:
        await runner.cleanup()
