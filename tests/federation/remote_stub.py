"""A small fediverse server on loopback for the inbox's hostile-input tests: it publishes actors (with
their keys, as actor documents or separate key documents) and receives what we deliver. The tests sign
their requests with these actors' keys, correctly or in the broken ways the tests are about; the
well-behaved path is also covered against the real Fedify peer (test_with_fedify.py)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiohttp import web
from cryptography.hazmat.primitives.asymmetric import rsa

from ownstream.federation.keys import public_pem
from ownstream.federation.signatures import signed_headers


@dataclass
class StubActor:
    iri: str
    key_id: str
    private_key: rsa.RSAPrivateKey
    published_key: rsa.RSAPrivateKey
    """The key the actor document publishes (another one to test a rotation or a wrong key)."""
    name: str = "Stub Actor"
    key_document: bool = False
    """The keyId names a separate key document (`…/main-key`) instead of the actor (`…#main-key`)."""

    @property
    def inbox(self) -> str:
        return self.iri + "/inbox"


def new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@dataclass
class RemoteStub:
    actors: dict[str, StubActor] = field(default_factory=dict)
    fetches: list[tuple[str, bool]] = field(default_factory=list)
    """(path, signed) of every GET."""
    delivered: list[tuple[str, dict[str, str], bytes]] = field(default_factory=list)
    """(path, headers, body) of every POST to an inbox."""
    inbox_status: int = 202
    inbox_statuses: list[int] = field(default_factory=list)
    """Answers for the next POSTs, in order, before `inbox_status` again."""
    _runner: web.AppRunner | None = None
    port: int = 0

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/users/{name}", self._actor)
        app.router.add_get("/users/{name}/main-key", self._key)
        app.router.add_post("/users/{name}/inbox", self._inbox)
        app.router.add_post("/inbox", self._inbox)
        app.router.add_get("/.well-known/webfinger", self._webfinger)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def add_actor(self, name: str, *, key_document: bool = False) -> StubActor:
        key = new_key()
        iri = f"{self.origin}/users/{name}"
        key_id = f"{iri}/main-key" if key_document else f"{iri}#main-key"
        actor = StubActor(iri, key_id, key, key, key_document=key_document)
        self.actors[name] = actor
        return actor

    def document(self, actor: StubActor) -> dict[str, Any]:
        return {
            "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/v1"],
            "id": actor.iri,
            "type": "Person",
            "preferredUsername": actor.iri.rsplit("/", 1)[1],
            "name": actor.name,
            "inbox": actor.inbox,
            "endpoints": {"sharedInbox": f"{self.origin}/inbox"},
            "icon": {"type": "Image", "url": f"{self.origin}/avatar.png"},
            "publicKey": {
                "id": actor.key_id,
                "owner": actor.iri,
                "publicKeyPem": public_pem(actor.published_key.public_key()),
            },
        }

    async def _actor(self, request: web.Request) -> web.Response:
        self.fetches.append((request.path, "Signature" in request.headers))
        actor = self.actors.get(request.match_info["name"])
        if actor is None:
            raise web.HTTPNotFound()
        return web.json_response(self.document(actor), content_type="application/activity+json")

    async def _key(self, request: web.Request) -> web.Response:
        self.fetches.append((request.path, "Signature" in request.headers))
        actor = self.actors.get(request.match_info["name"])
        if actor is None or not actor.key_document:
            raise web.HTTPNotFound()
        document = {
            "@context": "https://w3id.org/security/v1",
            "id": actor.key_id,
            "type": "Key",
            "owner": actor.iri,
            "publicKeyPem": public_pem(actor.published_key.public_key()),
        }
        return web.json_response(document, content_type="application/activity+json")

    async def _webfinger(self, request: web.Request) -> web.Response:
        """`acct:<name>@127.0.0.1:<port>` of a known actor → its actor link (for the one-time codes)."""
        resource = request.query.get("resource", "")
        name = resource.removeprefix("acct:").split("@", 1)[0]
        actor = self.actors.get(name)
        if actor is None:
            raise web.HTTPNotFound()
        document = {
            "subject": resource,
            "links": [{"rel": "self", "type": "application/activity+json", "href": actor.iri}],
        }
        return web.json_response(document, content_type="application/jrd+json")

    async def _inbox(self, request: web.Request) -> web.Response:
        self.delivered.append((request.path, dict(request.headers), await request.read()))
        status = self.inbox_statuses.pop(0) if self.inbox_statuses else self.inbox_status
        return web.Response(status=status)

    def delivered_activities(self) -> list[dict[str, Any]]:
        return [json.loads(body) for _path, _headers, body in self.delivered]


def signed_post(
    actor: StubActor, url: str, activity: dict[str, Any] | bytes, *, now: datetime | None = None
) -> tuple[dict[str, str], bytes]:
    """Headers and body of a POST signed by `actor`, dated `now` (the present by default)."""
    body = activity if isinstance(activity, bytes) else json.dumps(activity).encode()
    headers = signed_headers(
        method="POST",
        url=url,
        body=body,
        private_key=actor.private_key,
        key_id=actor.key_id,
        now=now or datetime.now(UTC),
    )
    headers["Content-Type"] = "application/activity+json"
    return headers, body
