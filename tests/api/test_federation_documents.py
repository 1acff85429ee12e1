"""The federation documents over HTTP (issue 10, reference §8.1–8.5, newer §13): 405 everywhere while off
(host-meta 404), WebFinger's answers, NodeInfo valid against its schema, content negotiation, the
collections (the outbox lists Create activities wrapping the stored Notes), and the objects."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import jsonschema
import pytest

from ownstream.database.repos.followers import Follower
from tests.federation.conftest import enable_federation, federation_of, federation_settings
from tests.harness import RunningServer, admin_auth, running_server

AS2 = {"Accept": "application/activity+json"}
SCHEMA_FILE = Path(__file__).parents[1] / "federation" / "data" / "nodeinfo-2.0.schema.json"
SCHEMA = json.loads(SCHEMA_FILE.read_text())
FEDERATION_GETS = [
    "/.well-known/webfinger?resource=acct:streamer@x",
    "/.well-known/nodeinfo",
    "/nodeinfo/2.0",
    "/.well-known/x-nodeinfo2",
    "/api/v1/instance",
    "/federation/user/streamer",
    "/federation/user/streamer/followers",
    "/federation/user/streamer/outbox",
    "/federation/user/streamer/following",
    "/federation/someobject",
]


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[RunningServer]:
    async with running_server(tmp_path / "data", federation_settings(tmp_path / "data")) as running:
        yield running


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


async def get(
    http: aiohttp.ClientSession, url: str, headers: dict[str, str] | None = None
) -> tuple[int, str, Any]:
    async with http.get(url, headers=headers, allow_redirects=False) as response:
        text = await response.text()
        try:
            body: Any = json.loads(text)
        except ValueError:
            body = text
        return response.status, response.headers.get("Content-Type", ""), body


async def test_everything_answers_405_while_federation_is_off(
    server: RunningServer, http: aiohttp.ClientSession
) -> None:
    services = server.server.services
    assert services is not None
    await services.config.update(server_url=server.base_url)  # a server URL alone does not switch it on
    for path in FEDERATION_GETS:
        status, _type, body = await get(http, server.base_url + path, AS2)
        assert (status, body) == (405, ""), path
    for path in ("/federation/inbox", "/federation/user/streamer/inbox"):
        async with http.post(server.base_url + path, data=b"{}") as response:
            assert response.status == 405, path
    assert (await get(http, server.base_url + "/.well-known/host-meta"))[0] == 404


async def test_webfinger(server: RunningServer, http: aiohttp.ClientSession) -> None:
    await enable_federation(server)
    host = server.base_url.removeprefix("http://")
    url = server.base_url + "/.well-known/webfinger?resource="
    status, content_type, body = await get(http, url + f"acct:streamer@{host}")
    assert status == 200 and content_type.startswith("application/jrd+json")
    actor = server.base_url + "/federation/user/streamer"
    assert body["subject"] == f"acct:streamer@{host}"
    assert body["aliases"] == [actor]
    links = {link["rel"]: link for link in body["links"]}
    assert links["self"] == {"rel": "self", "type": "application/activity+json", "href": actor}
    assert links["http://webfinger.net/rel/avatar"]["href"] == server.base_url + "/logo/external"
    assert links["alternate"]["href"] == server.base_url + "/hls/stream.m3u8"
    # Case-insensitive names and hosts, and the acct: scheme may be left out (0.0.11 allowed it).
    for resource in (f"acct:STREAMER@{host.upper()}", f"streamer@{host}"):
        assert (await get(http, url + resource))[2]["subject"] == f"acct:streamer@{host}"
    for resource, status in (
        ("", 400),
        (f"https://{host}/federation/user/streamer", 400),
        (f"mailto:streamer@{host}", 400),
        ("acct:streamer", 400),
        (f"acct:someone@{host}", 404),
        ("acct:streamer@elsewhere.example", 404),
    ):
        assert (await get(http, url + resource))[0] == status, resource
    assert (await get(http, server.base_url + "/.well-known/webfinger"))[0] == 400


async def test_host_meta_and_nodeinfo(server: RunningServer, http: aiohttp.ClientSession) -> None:
    await enable_federation(server)
    status, content_type, body = await get(http, server.base_url + "/.well-known/host-meta")
    assert status == 200 and content_type.startswith("application/xrd+xml")
    assert f'template="{server.base_url}/.well-known/webfinger?resource={{uri}}"' in body
    status, _type, links = await get(http, server.base_url + "/.well-known/nodeinfo")
    schema_rel = "http://nodeinfo.diaspora.software/ns/schema/2.0"
    assert links == {"links": [{"rel": schema_rel, "href": server.base_url + "/nodeinfo/2.0"}]}
    await federation_of(server).publish_post("one post")
    status, _type, document = await get(http, server.base_url + "/nodeinfo/2.0")
    jsonschema.validate(document, SCHEMA)
    assert document["software"]["name"] == "owncast"
    assert document["usage"]["localPosts"] == 1
    assert document["metadata"] == {"chat_enabled": True}
    status, _type, x = await get(http, server.base_url + "/.well-known/x-nodeinfo2")
    assert x["server"]["baseUrl"] == server.base_url and x["usage"]["localPosts"] == 1
    assert x["services"] == {"inbound": ["activitypub"], "outbound": ["activitypub"]}
    status, _type, instance = await get(http, server.base_url + "/api/v1/instance")
    assert instance["uri"] == server.base_url and instance["title"] == "Ownstream"
    assert instance["stats"] == {"user_count": 1, "status_count": 1, "domain_count": 0}
    assert instance["thumbnail"] == server.base_url + "/logo/external"


@pytest.mark.parametrize(
    "accept",
    [
        "application/activity+json",
        'application/ld+json; profile="https://www.w3.org/ns/activitystreams"',
        "application/json",
        "text/html, application/activity+json;q=0.9",
    ],
)
async def test_the_actor_to_activitypub_clients(
    server: RunningServer, http: aiohttp.ClientSession, accept: str
) -> None:
    await enable_federation(server)
    actor = server.base_url + "/federation/user/streamer"
    status, content_type, document = await get(http, actor, {"Accept": accept})
    assert status == 200 and content_type.startswith("application/activity+json")
    assert document["id"] == actor and document["type"] == "Service"
    assert "https://www.w3.org/ns/activitystreams" in document["@context"]
    assert document["publicKey"]["publicKeyPem"].startswith("-----BEGIN PUBLIC KEY-----")
    assert document["followers"] == actor + "/followers" and document["outbox"] == actor + "/outbox"
    assert document["endpoints"] == {"sharedInbox": server.base_url + "/federation/inbox"}
    assert document["icon"]["url"] == server.base_url + "/logo/external"
    assert document["manuallyApprovesFollowers"] is False
    names = [field["name"] for field in document["attachment"]]
    assert names == ["Stream", "GitHub", "Owncast"]
    assert {tag["name"] for tag in document["tag"]} == {"#owncast", "#streaming"}


async def test_browsers_are_sent_to_the_page(server: RunningServer, http: aiohttp.ClientSession) -> None:
    await enable_federation(server)
    for path in ("/federation/user/streamer", "/federation/user/streamer/outbox"):
        for accept in ("text/html", "application/ld+json-ish", ""):
            status, _type, _body = await get(http, server.base_url + path, {"Accept": accept})
            assert status == 307, (path, accept)
    async with http.get(server.base_url + "/federation/user/streamer", allow_redirects=False) as response:
        assert response.headers["Location"] == "/"
    assert (await get(http, server.base_url + "/federation/user/nobody", AS2))[0] == 404
    assert (await get(http, server.base_url + "/federation/user/streamer/following", AS2))[0] == 404


async def test_the_key_is_made_once_and_kept(tmp_path: Path, http: aiohttp.ClientSession) -> None:
    pems = []
    for _ in range(2):
        async with running_server(tmp_path / "data", federation_settings(tmp_path / "data")) as running:
            await enable_federation(running)
            document = (await get(http, running.base_url + "/federation/user/streamer", AS2))[2]
            pems.append(document["publicKey"]["publicKeyPem"])
    assert pems[0] == pems[1]


def follower(number: int) -> Follower:
    created = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=number)
    return Follower(
        iri=f"https://social.example/users/u{number:03d}",
        inbox=f"https://social.example/users/u{number:03d}/inbox",
        username=f"u{number:03d}@social.example",
        request=f"https://social.example/follows/{number}",
        created_at=created,
        approved_at=created,
    )


async def test_collections(server: RunningServer, http: aiohttp.ClientSession) -> None:
    await enable_federation(server)
    federation = federation_of(server)
    for number in range(55):
        await federation.followers.add(follower(number))
    actor = server.base_url + "/federation/user/streamer"
    status, _type, collection = await get(http, actor + "/followers", AS2)
    assert collection["type"] == "OrderedCollection" and collection["totalItems"] == 55
    page = (await get(http, collection["first"], AS2))[2]
    assert page["type"] == "OrderedCollectionPage" and len(page["orderedItems"]) == 50
    assert page["partOf"] == actor + "/followers" and page["next"] == actor + "/followers?page=2"
    second = (await get(http, page["next"], AS2))[2]
    assert len(second["orderedItems"]) == 5 and "next" not in second
    assert (await get(http, actor + "/followers?page=0", AS2))[0] == 400
    assert (await get(http, actor + "/followers?page=x", AS2))[0] == 400

    post = await federation.publish_post("hello #there")
    outbox = (await get(http, actor + "/outbox", AS2))[2]
    assert outbox["totalItems"] == 1
    [item] = (await get(http, outbox["first"], AS2))[2]["orderedItems"]
    assert item["type"] == "Create" and item["actor"] == actor
    assert item["object"]["id"] == post.iri and item["object"]["type"] == "Note"

    status, content_type, note = await get(http, post.iri, AS2)
    assert status == 200 and content_type.startswith("application/activity+json")
    assert note["id"] == post.iri and note["content"] == post.value["content"]
    assert (await get(http, server.base_url + "/federation/unknown1", AS2))[0] == 404

    services = server.server.services
    assert services is not None
    await services.config.update(federation_private=True)
    assert (await get(http, post.iri, AS2))[0] == 404
    assert (await get(http, actor + "/outbox", AS2))[2]["totalItems"] == 0


async def test_federation_needs_a_server_url_to_turn_on(
    server: RunningServer, http: aiohttp.ClientSession, caplog: pytest.LogCaptureFixture
) -> None:
    url = server.base_url + "/api/admin/config/federation/enable"
    async with http.post(url, json={"value": True}, headers=admin_auth()) as response:
        assert response.status == 400
        answer = await response.json()
    assert answer["success"] is False and "server URL" in answer["message"]
    services = server.server.services
    assert services is not None
    assert services.config.current.federation_enabled is False
    await services.config.update(server_url="http://127.0.0.1:9")
    async with http.post(url, json={"value": True}, headers=admin_auth()) as response:
        assert (await response.json())["success"] is True
    assert services.config.current.federation_enabled is True
    assert any("only speak to https://" in record.getMessage() for record in caplog.records)
