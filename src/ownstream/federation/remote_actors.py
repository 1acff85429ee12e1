"""Remote actors and their keys: fetched with a signed GET (servers in "authorized fetch" mode, and
GoToSocial always, refuse unsigned ones), cached, and fetched again at most once a while when a
signature does not verify with the cached key (the sender rotated it).

A `keyId` may name the actor itself (`…/users/alice#main-key`: the actor document comes back) or a key
document (`…/users/alice/main-key`: `publicKeyPem` and `owner`), in which case the owner is fetched too and
must claim that key. Every fetch goes through the shared outbound client with the federation's address
rule: private and loopback addresses are refused unless `--allow-private-addresses`.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from yarl import URL

from ownstream.clock import Clock
from ownstream.federation.activities import ACTOR_TYPES, as_list, id_of, type_of
from ownstream.federation.signatures import signed_headers
from ownstream.outbound.http import OutboundFailure, OutboundHttp

log = logging.getLogger(__name__)

ACCEPT = 'application/activity+json, application/ld+json; profile="https://www.w3.org/ns/activitystreams"'
MAX_DOCUMENT_BYTES = 1024 * 1024
CACHE_SIZE = 10_000
CACHE_LIFETIME = 24 * 3600.0
REFETCH_INTERVAL = 60.0
"""A key that failed to verify is fetched again at most this often (seconds)."""


class ActorUnavailable(Exception):
    """The actor or key could not be fetched or read; the text says why (safe to log)."""


@dataclass(frozen=True)
class RemoteActor:
    iri: str
    inbox: str
    shared_inbox: str | None
    preferred_username: str
    name: str | None
    image: str | None
    key_id: str
    public_key: rsa.RSAPublicKey

    @property
    def host(self) -> str:
        return URL(self.iri).host or ""

    @property
    def account(self) -> str:
        """`user@host` (with the port when it is not the default), as followers are listed."""
        url = URL(self.iri)
        where = url.host or ""
        if url.port is not None and not url.is_default_port():
            where = f"{where}:{url.port}"
        return f"{self.preferred_username}@{where}"

    @property
    def display_name(self) -> str:
        return self.name.strip() if self.name and self.name.strip() else self.preferred_username


def without_fragment(iri: str) -> str:
    return iri.split("#", 1)[0]


def _http_url(value: Any) -> str | None:
    text = id_of(value)
    if text is None:
        return None
    try:
        url = URL(text)
    except ValueError:
        return None
    return text if url.scheme in ("http", "https") and url.host else None


def _image_url(value: Any) -> str | None:
    for item in as_list(value):
        if isinstance(item, str):
            return _http_url(item)
        if isinstance(item, dict):
            found = _http_url(item.get("url")) or _http_url(item.get("href"))
            if found:
                return found
    return None


def load_public_key(pem: Any) -> rsa.RSAPublicKey:
    if not isinstance(pem, str):
        raise ActorUnavailable("the key has no publicKeyPem")
    try:
        key = serialization.load_pem_public_key(pem.encode("ascii"))
    except (ValueError, UnicodeEncodeError):
        raise ActorUnavailable("the publicKeyPem is not a PEM public key") from None
    if not isinstance(key, rsa.RSAPublicKey):
        raise ActorUnavailable("the key is not an RSA key")
    return key


def _keys_of(document: dict[str, Any]) -> list[dict[str, Any]]:
    return [key for key in as_list(document.get("publicKey")) if isinstance(key, dict)]


def actor_from_document(document: Any, fetched: str, key_id: str | None = None) -> RemoteActor:
    """An actor document fetched from `fetched`; its key is `key_id` (or its first key)."""
    if not isinstance(document, dict):
        raise ActorUnavailable("the actor is not a JSON object")
    iri = id_of(document)
    if iri is None or without_fragment(iri) != without_fragment(fetched):
        raise ActorUnavailable("the actor's id is not the address it was fetched from")
    if type_of(document) not in ACTOR_TYPES:
        raise ActorUnavailable(f"{type_of(document) or 'an untyped object'} is not an actor")
    inbox = _http_url(document.get("inbox"))
    username = document.get("preferredUsername")
    if inbox is None or not isinstance(username, str) or not username:
        raise ActorUnavailable("the actor has no inbox or preferredUsername")
    keys = _keys_of(document)
    chosen = next((key for key in keys if key_id is None or key.get("id") == key_id), None)
    if chosen is None:
        raise ActorUnavailable("the actor does not hold that key")
    owner = id_of(chosen.get("owner"))
    if owner is not None and owner != iri:
        raise ActorUnavailable("the key belongs to another actor")
    endpoints = document.get("endpoints")
    shared = _http_url(endpoints.get("sharedInbox")) if isinstance(endpoints, dict) else None
    name = document.get("name")
    return RemoteActor(
        iri=iri,
        inbox=inbox,
        shared_inbox=shared or _http_url(document.get("sharedInbox")),
        preferred_username=username,
        name=name if isinstance(name, str) else None,
        image=_image_url(document.get("icon")),
        key_id=str(chosen.get("id") or key_id or iri + "#main-key"),
        public_key=load_public_key(chosen.get("publicKeyPem")),
    )


@dataclass(frozen=True)
class LocalSigner:
    """How our GETs are signed: our key and its id (None while federation has no server URL)."""

    private_key: rsa.RSAPrivateKey
    key_id: str


@dataclass
class _Cached:
    actor: RemoteActor
    fetched_at: float
    refetched: bool = False
    """Fetched again because a signature failed with the key held before."""


class RemoteActors:
    def __init__(
        self,
        http: OutboundHttp,
        signer: Callable[[], LocalSigner | None],
        clock: Clock,
        *,
        allow_private: bool,
        timeout: float,
        cache_size: int = CACHE_SIZE,
        refetch_interval: float = REFETCH_INTERVAL,
    ) -> None:
        self._http = http
        self._signer = signer
        self._clock = clock
        self._allow_private = allow_private
        self._timeout = timeout
        self._cache_size = cache_size
        self._refetch_interval = refetch_interval
        self._by_key: OrderedDict[str, _Cached] = OrderedDict()
        self._in_flight: dict[str, asyncio.Future[RemoteActor]] = {}
        self.fetches = 0

    def cached(self, key_id: str) -> RemoteActor | None:
        entry = self._by_key.get(key_id)
        if entry is None or self._clock.monotonic() - entry.fetched_at > CACHE_LIFETIME:
            return None
        self._by_key.move_to_end(key_id)
        return entry.actor

    def may_refetch(self, key_id: str) -> bool:
        """A key that failed to verify may be fetched again, unless it was fetched again for that
        reason less than `refetch_interval` ago (a sender cannot make us fetch in a loop)."""
        entry = self._by_key.get(key_id)
        if entry is None or not entry.refetched:
            return True
        return self._clock.monotonic() - entry.fetched_at >= self._refetch_interval

    def forget(self, actor_iri: str) -> None:
        for key_id in [key for key, entry in self._by_key.items() if entry.actor.iri == actor_iri]:
            del self._by_key[key_id]

    def remember(self, actor: RemoteActor, *, refetched: bool = False) -> None:
        self._by_key[actor.key_id] = _Cached(actor, self._clock.monotonic(), refetched)
        self._by_key.move_to_end(actor.key_id)
        while len(self._by_key) > self._cache_size:
            self._by_key.popitem(last=False)

    async def by_key(self, key_id: str, *, fresh: bool = False) -> RemoteActor:
        """The actor holding `key_id`, from the cache unless `fresh`; `ActorUnavailable` otherwise."""
        if not fresh and (actor := self.cached(key_id)) is not None:
            return actor
        pending = self._in_flight.get(key_id)
        if pending is not None:
            return await asyncio.shield(pending)
        future: asyncio.Future[RemoteActor] = asyncio.get_running_loop().create_future()
        self._in_flight[key_id] = future
        try:
            actor = await self._fetch_key(key_id)
        except ActorUnavailable as error:
            future.set_exception(error)
            future.exception()  # marked as seen: nobody else may be waiting for it
            raise
        except BaseException:
            future.cancel()
            raise
        finally:
            self._in_flight.pop(key_id, None)
        future.set_result(actor)
        self.remember(actor, refetched=fresh)
        return actor

    async def _fetch_key(self, key_id: str) -> RemoteActor:
        document_url = without_fragment(key_id)
        document = await self.fetch_document(document_url)
        if isinstance(document, dict) and type_of(document) in ACTOR_TYPES:
            return actor_from_document(document, document_url, key_id)
        if not isinstance(document, dict) or id_of(document) != key_id:
            raise ActorUnavailable("the key document's id is not its keyId")
        owner = _http_url(document.get("owner"))
        if owner is None:
            raise ActorUnavailable("the key document has no owner")
        return actor_from_document(await self.fetch_document(owner), owner, key_id)

    async def by_iri(self, iri: str) -> RemoteActor:
        """An actor fetched by its IRI (not cached by key: the caller asked for this one)."""
        return actor_from_document(await self.fetch_document(iri), iri)

    async def fetch_document(self, url: str) -> Any:
        signer = self._signer()
        headers = {"Accept": ACCEPT}
        if signer is not None:
            headers.update(
                signed_headers(
                    method="GET",
                    url=url,
                    body=None,
                    private_key=signer.private_key,
                    key_id=signer.key_id,
                    now=self._clock.now(),
                )
            )
        self.fetches += 1
        try:
            reply = await self._http.request(
                "GET",
                url,
                headers=headers,
                timeout=self._timeout,
                allow_private=self._allow_private,
                max_reply_bytes=MAX_DOCUMENT_BYTES + 1,
                follow_redirects=False,
            )
        except OutboundFailure as failure:
            raise ActorUnavailable(f"fetching the document failed: {failure.reason}") from None
        except ValueError:
            raise ActorUnavailable("the address is not a URL") from None
        if reply.status != 200:
            raise ActorUnavailable(f"fetching it answered HTTP {reply.status}")
        if len(reply.body) > MAX_DOCUMENT_BYTES:
            raise ActorUnavailable("the document is larger than 1 MiB")
        try:
            return json.loads(reply.body)
        except (ValueError, RecursionError):
            raise ActorUnavailable("the document is not JSON") from None
