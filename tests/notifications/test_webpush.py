"""Web Push building blocks (notifications/webpush.py, vapid_keys.py): the payload decrypts with an
independent RFC 8291 implementation (`http_ece`), the VAPID header verifies, bad subscriptions are refused."""

from __future__ import annotations

import json
import os

import http_ece
import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from ownstream.notifications.vapid_keys import UnreadableVapidKey, VapidKey, load_vapid_key
from ownstream.notifications.webpush import (
    MAX_PAYLOAD,
    BadSubscription,
    PushSubscription,
    audience,
    encrypt,
    vapid_authorization,
    vapid_jwt,
)
from tests.notifications.push_service import BrowserSubscription, verify_vapid


def browser(endpoint: str = "https://push.example.net/send/abc") -> BrowserSubscription:
    return BrowserSubscription("b", endpoint, ec.generate_private_key(ec.SECP256R1()), os.urandom(16))


def test_a_payload_decrypts_with_the_subscription_keys() -> None:
    subscriber = browser()
    subscription = PushSubscription.parse(subscriber.to_json())
    body = encrypt(b'{"title": "Live"}', subscription)
    plain = http_ece.decrypt(
        body, private_key=subscriber.private_key, auth_secret=subscriber.auth, version="aes128gcm"
    )
    assert plain == b'{"title": "Live"}'
    assert body[16:20] == (4096).to_bytes(4, "big") and body[20] == 65  # record size, key id length


def test_each_message_has_its_own_sender_key_and_salt() -> None:
    subscription = PushSubscription.parse(browser().to_json())
    first, second = encrypt(b"x", subscription), encrypt(b"x", subscription)
    assert first[:16] != second[:16] and first[21:86] != second[21:86]


def test_too_large_a_payload_is_refused() -> None:
    with pytest.raises(ValueError):
        encrypt(b"x" * (MAX_PAYLOAD + 1), PushSubscription.parse(browser().to_json()))


def test_the_vapid_header_verifies_for_the_push_services_origin() -> None:
    key = VapidKey.generate()
    endpoint = "http://127.0.0.1:8443/push/abc"
    jwt = vapid_jwt(key.private_key, audience(endpoint), "mailto:webpush@ownstream.invalid")
    claims, public = verify_vapid(vapid_authorization(jwt, key.private_key), "http://127.0.0.1:8443")
    assert public == key.public_key and claims["sub"] == "mailto:webpush@ownstream.invalid"


def test_a_tampered_jwt_does_not_verify() -> None:
    key = VapidKey.generate()
    jwt = vapid_jwt(key.private_key, "https://push.example.net", "mailto:a@b.example")
    header, body, signature = jwt.split(".")
    forged = body[:-2] + ("AA" if body[-2:] != "AA" else "BB")
    from cryptography.exceptions import InvalidSignature

    with pytest.raises((InvalidSignature, ValueError)):
        verify_vapid(
            vapid_authorization(f"{header}.{forged}.{signature}", key.private_key), "https://push.example.net"
        )


@pytest.mark.parametrize(
    "text",
    [
        "not json",
        "[]",
        json.dumps({"endpoint": "https://p.example/x"}),
        json.dumps({"endpoint": "ftp://p.example/x", "keys": {"p256dh": "", "auth": ""}}),
        json.dumps(
            {"endpoint": "https://p.example/x", "keys": {"p256dh": "AAAA", "auth": "AAAAAAAAAAAAAAAAAAAAAA"}}
        ),
        json.loads(json.dumps(None)) or json.dumps({"endpoint": 5, "keys": {}}),
        "x" * 5000,
    ],
)
def test_unusable_subscriptions_are_refused(text: str) -> None:
    with pytest.raises(BadSubscription):
        PushSubscription.parse(text)


def test_a_short_auth_secret_is_refused() -> None:
    data = json.loads(browser().to_json())
    data["keys"]["auth"] = "AAAA"
    with pytest.raises(BadSubscription):
        PushSubscription.parse(json.dumps(data))


class MemoryStore:
    def __init__(self) -> None:
        self.values: dict[str, object] = {}

    async def get(self, key: str) -> object:
        return self.values.get(key)

    async def save(self, values: dict[str, object]) -> None:
        self.values.update(values)


async def test_the_key_is_generated_once_and_kept() -> None:
    store = MemoryStore()
    first = await load_vapid_key(store)
    second = await load_vapid_key(store)
    assert first.public_key == second.public_key and len(first.public_key) == 87


async def test_an_unreadable_stored_key_is_an_error_not_a_new_key() -> None:
    store = MemoryStore()
    store.values["browser_push_private_key"] = (
        "-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----\n"
    )
    with pytest.raises(UnreadableVapidKey):
        await load_vapid_key(store)
