"""The inboxes against hostile and odd input (issue 10): every refusal has its status and leaves nothing
behind (no follower, no handled activity, no chat line, no delivery), and the odd-but-valid forms real
servers send are accepted. Requests are signed with keys published by a small server on loopback
(tests/federation/remote_stub.py)."""

from __future__ import annotations

import base64
import io
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from ownstream.domain.event_types import FEDIVERSE_ENGAGEMENT_LIKE, FEDIVERSE_ENGAGEMENT_REPOST
from ownstream.federation.remote_actors import load_public_key
from ownstream.federation.signatures import SignedRequest, check_request, verify
from tests.e2e.waiting import wait_until
from tests.federation.conftest import enable_federation, federation_settings
from tests.federation.remote_stub import RemoteStub, StubActor, new_key, signed_post
from tests.harness import RunningServer, make_settings, running_server

ONE_MIB = 1024 * 1024


@pytest.fixture
async def stub() -> AsyncIterator[RemoteStub]:
    remote = RemoteStub()
    await remote.start()
    yield remote
    await remote.stop()


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[RunningServer]:
    async with running_server(tmp_path / "data", federation_settings(tmp_path / "data")) as running:
        await enable_federation(running)
        yield running


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


def our_actor(server: RunningServer) -> str:
    return f"{server.base_url}/federation/user/streamer"


def inbox(server: RunningServer) -> str:
    return our_actor(server) + "/inbox"


def follow(actor: StubActor, server: RunningServer) -> dict[str, Any]:
    return {
        "@context": "https://www.w3.org/ns/activitystreams",
        "id": actor.iri + "/follows/1",
        "type": "Follow",
        "actor": actor.iri,
        "object": our_actor(server),
    }


async def post(
    http: aiohttp.ClientSession, url: str, headers: dict[str, str], body: bytes
) -> tuple[int, Any]:
    async with http.post(url, data=body, headers=headers) as response:
        text = await response.text()
        return response.status, (json.loads(text) if text.startswith("{") else text)


async def nothing_happened(server: RunningServer, stub: RemoteStub) -> None:
    services = server.server.services
    assert services is not None
    federation = services.federation
    assert await federation.followers.approved() == [] and await federation.followers.pending() == []
    assert await federation.activities.latest() == []
    assert await services.chat.history() == []
    assert stub.delivered == []


async def test_a_signed_follow_is_accepted_and_answered_with_a_signed_accept(
    server: RunningServer, stub: RemoteStub, http: aiohttp.ClientSession
) -> None:
    actor = stub.add_actor("alice")
    headers, body = signed_post(actor, inbox(server), follow(actor, server))
    assert await post(http, inbox(server), headers, body) == (202, "")
    assert stub.fetches == [("/users/alice", True)]  # our key fetch is a signed GET

    async def accepted() -> bool:
        return len(stub.delivered) == 1

    await wait_until(accepted, 10, "the Accept")
    path, delivered_headers, delivered_body = stub.delivered[0]
    assert path == "/users/alice/inbox"  # an Accept goes to the follower's own inbox
    assert delivered_headers["Content-Type"] == "application/activity+json"
    activity = json.loads(delivered_body)
    assert activity["type"] == "Accept" and activity["object"]["id"] == actor.iri + "/follows/1"
    # The Accept's signature verifies against the key our actor document publishes.
    async with http.get(our_actor(server), headers={"Accept": "application/activity+json"}) as response:
        document = await response.json()
    key_id = f"{our_actor(server)}#main-key"
    assert delivered_headers["Signature"].startswith(f'keyId="{key_id}",algorithm="rsa-sha256"')
    signed = SignedRequest("POST", path, "", delivered_headers, delivered_body)
    parameters, candidates = check_request(signed, datetime.now(UTC))
    assert parameters.headers == ("(request-target)", "host", "date", "digest")
    assert verify(load_public_key(document["publicKey"]["publicKeyPem"]), parameters, candidates)


async def test_the_shared_inbox_and_a_key_document(
    server: RunningServer, stub: RemoteStub, http: aiohttp.ClientSession
) -> None:
    actor = stub.add_actor("bob", key_document=True)
    url = server.base_url + "/federation/inbox"
    headers, body = signed_post(actor, url, follow(actor, server))
    assert (await post(http, url, headers, body))[0] == 202
    assert [path for path, _ in stub.fetches] == ["/users/bob/main-key", "/users/bob"]
    services = server.server.services
    assert services is not None
    assert [f.iri for f in await services.federation.followers.approved()] == [actor.iri]


async def test_hs2019_and_a_request_target_signed_without_the_query(
    server: RunningServer, stub: RemoteStub, http: aiohttp.ClientSession
) -> None:
    actor = stub.add_actor("carol")
    headers, body = signed_post(actor, inbox(server), follow(actor, server))
    headers["Signature"] = headers["Signature"].replace('algorithm="rsa-sha256"', 'algorithm="hs2019"')
    # Older servers signed the path without the query: the query is tried, then left out.
    assert (await post(http, inbox(server) + "?from=old", headers, body))[0] == 202


async def test_a_rotated_key_is_fetched_again_once(
    server: RunningServer, stub: RemoteStub, http: aiohttp.ClientSession
) -> None:
    actor = stub.add_actor("dave")
    headers, body = signed_post(actor, inbox(server), follow(actor, server))
    assert (await post(http, inbox(server), headers, body))[0] == 202
    actor.private_key = actor.published_key = new_key()  # the actor's server rotated its key
    like = {"id": actor.iri + "/likes/1", "type": "Like", "actor": actor.iri, "object": our_actor(server)}
    headers, body = signed_post(actor, inbox(server), like)
    assert (await post(http, inbox(server), headers, body))[0] == 202
    assert len(stub.fetches) == 2
    # A signature that fails with the fresh key does not make us fetch again at once.
    actor.private_key = new_key()
    headers, body = signed_post(actor, inbox(server), like)
    status, answer = await post(http, inbox(server), headers, body)
    assert (status, answer) == (401, {"error": "the signature does not verify"})
    assert len(stub.fetches) == 2


async def test_an_undone_like_or_share_counts_again(
    server: RunningServer, stub: RemoteStub, http: aiohttp.ClientSession
) -> None:
    """A repeated Like is shown once; after its Undo (the Like embedded, as Mastodon sends it) a new one
    is shown again. The same for Announce."""
    services = server.server.services
    assert services is not None
    note = await services.federation.publish_post("a post to like")
    actor = stub.add_actor("frank")

    async def send(activity: dict[str, Any]) -> None:
        headers, body = signed_post(actor, inbox(server), activity)
        assert (await post(http, inbox(server), headers, body))[0] == 202

    async def shown() -> list[str]:
        return [event["type"] for event in await services.chat.history()]

    for kind, event in (("Like", FEDIVERSE_ENGAGEMENT_LIKE), ("Announce", FEDIVERSE_ENGAGEMENT_REPOST)):
        engagement = {"id": f"{actor.iri}/{kind}/1", "type": kind, "actor": actor.iri, "object": note.iri}
        await send(engagement)
        await send({**engagement, "id": f"{actor.iri}/{kind}/2"})  # a repeat is not shown twice
        assert (await shown()).count(event) == 1
        undo = {"id": f"{actor.iri}/undo/{kind}", "type": "Undo", "actor": actor.iri, "object": engagement}
        await send(undo)
        assert not await services.federation.activities.seen(note.iri, actor.iri, event)
        await send({**engagement, "id": f"{actor.iri}/{kind}/3"})
        assert (await shown()).count(event) == 2


async def test_engagement_stays_out_of_chat_when_it_is_not_to_be_shown(
    server: RunningServer, stub: RemoteStub, http: aiohttp.ClientSession
) -> None:
    services = server.server.services
    assert services is not None
    await services.config.update(federation_show_engagement=False)
    note = await services.federation.publish_post("a quiet post")
    actor = stub.add_actor("grace")
    for activity in (
        follow(actor, server),
        {"id": actor.iri + "/likes/1", "type": "Like", "actor": actor.iri, "object": note.iri},
    ):
        headers, body = signed_post(actor, inbox(server), activity)
        assert (await post(http, inbox(server), headers, body))[0] == 202
    assert [f.iri for f in await services.federation.followers.approved()] == [actor.iri]
    assert await services.federation.activities.seen(note.iri, actor.iri, FEDIVERSE_ENGAGEMENT_LIKE)
    assert await services.chat.history() == []


# --- hostile input: each refused, and nothing stored, shown or sent ---------------------------------------
def rfc9421_only(headers: dict[str, str]) -> dict[str, str]:
    changed = {name: value for name, value in headers.items() if name not in ("Signature",)}
    changed["Signature-Input"] = (
        'sig1=("@method" "@target-uri" "content-digest");alg="rsa-v1_5-sha256";keyid="k"'
    )
    changed["Signature"] = "sig1=:" + base64.b64encode(b"x" * 256).decode() + ":"
    return changed


@pytest.mark.parametrize(
    ("case", "status"),
    [
        ("unsigned", 401),
        ("wrong key", 401),
        ("body changed after signing", 401),
        ("date two hours old", 401),
        ("date two hours ahead", 401),
        ("rfc 9421 only", 401),
        ("digest not signed", 401),
        ("signer is not the actor", 401),
        ("unknown key", 401),
        ("garbage json", 400),
        ("not an activity", 400),
    ],
)
async def test_hostile_requests_are_refused_without_side_effects(
    server: RunningServer, stub: RemoteStub, http: aiohttp.ClientSession, case: str, status: int
) -> None:
    actor = stub.add_actor("mallory")
    other = stub.add_actor("victim")
    activity = follow(actor, server)
    now = datetime.now(UTC)
    headers, body = signed_post(actor, inbox(server), activity)
    if case == "unsigned":
        headers = {"Content-Type": "application/activity+json"}
    elif case == "wrong key":
        actor.private_key = new_key()
        headers, body = signed_post(actor, inbox(server), activity)
    elif case == "body changed after signing":
        body = body.replace(b"follows/1", b"follows/2")
    elif case == "date two hours old":
        headers, body = signed_post(actor, inbox(server), activity, now=now - timedelta(hours=2))
    elif case == "date two hours ahead":
        headers, body = signed_post(actor, inbox(server), activity, now=now + timedelta(hours=2))
    elif case == "rfc 9421 only":
        headers = rfc9421_only(headers)
    elif case == "digest not signed":
        headers["Signature"] = headers["Signature"].replace(" digest", "")
    elif case == "signer is not the actor":
        headers, body = signed_post(actor, inbox(server), follow(other, server))
    elif case == "unknown key":
        headers = {**headers, "Signature": headers["Signature"].replace("/mallory#", "/nobody#")}
    elif case == "garbage json":
        headers, body = signed_post(actor, inbox(server), b"{not json")
    elif case == "not an activity":
        headers, body = signed_post(actor, inbox(server), b'["a list"]')
    answered, answer = await post(http, inbox(server), headers, body)
    assert answered == status, answer
    assert isinstance(answer, dict) and answer["error"]
    await nothing_happened(server, stub)


@pytest.mark.parametrize("blocked", ["127.0.0.1", "27.0.0.1"])
async def test_blocked_domains_match_the_host_or_its_subdomains(
    server: RunningServer, stub: RemoteStub, http: aiohttp.ClientSession, blocked: str
) -> None:
    """`127.0.0.1` blocks the stub's host; `27.0.0.1` is only a substring of it (0.0.11 blocked it too)."""
    services = server.server.services
    assert services is not None
    await services.config.update(federation_blocked_domains=(blocked,))
    actor = stub.add_actor("eve")
    headers, body = signed_post(actor, inbox(server), follow(actor, server))
    status, answer = await post(http, inbox(server), headers, body)
    if blocked == "27.0.0.1":
        assert status == 202
        return
    assert (status, answer) == (403, {"error": "this server does not accept activities from your domain"})
    assert stub.fetches == []  # nothing was fetched from a blocked server
    await nothing_happened(server, stub)


async def test_a_body_over_one_mebibyte_is_refused_unread(
    server: RunningServer, stub: RemoteStub, http: aiohttp.ClientSession
) -> None:
    actor = stub.add_actor("big")
    huge = b'{"type":"Follow","pad":"' + b"x" * (10 * ONE_MIB) + b'"}'
    headers, body = signed_post(actor, inbox(server), huge)
    async with http.post(inbox(server), data=io.BytesIO(body), headers=headers) as response:
        status, answer = response.status, await response.json()
    assert status == 413 and "1048576" in answer["error"]
    assert stub.fetches == []
    await nothing_happened(server, stub)


async def test_a_chunked_body_over_one_mebibyte_is_refused(
    server: RunningServer, stub: RemoteStub, http: aiohttp.ClientSession
) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(20):
            yield b"y" * 100_000

    actor = stub.add_actor("chunky")
    headers, _body = signed_post(actor, inbox(server), b"{}")
    async with http.post(inbox(server), data=chunks(), headers=headers) as response:
        assert response.status == 413
    await nothing_happened(server, stub)


async def test_a_key_on_a_private_address_is_not_fetched_unless_allowed(
    tmp_path: Path, stub: RemoteStub, http: aiohttp.ClientSession
) -> None:
    """Without --allow-private-addresses the stub on 127.0.0.1 cannot be asked for its key."""
    async with running_server(tmp_path / "data", make_settings(tmp_path / "data")) as running:
        await enable_federation(running)
        actor = stub.add_actor("local")
        headers, body = signed_post(actor, inbox(running), follow(actor, running))
        status, answer = await post(http, inbox(running), headers, body)
        assert status == 401
        assert "the address is not public" in answer["error"]
        assert stub.fetches == []
        await nothing_happened(running, stub)


async def test_inbox_answers_for_its_routes(server: RunningServer, http: aiohttp.ClientSession) -> None:
    async with http.get(inbox(server)) as response:
        assert response.status == 405
    async with http.post(server.base_url + "/federation/user/someone/inbox", data=b"{}") as response:
        assert response.status == 401  # signatures are checked before anything else
    services = server.server.services
    assert services is not None
    await services.config.update(federation_enabled=False)
    for url in (inbox(server), server.base_url + "/federation/inbox"):
        async with http.post(url, data=b"{}") as response:
            assert response.status == 405
