"""Follower lists, approvals, federated actions, posts and remote follows on a running server
(reference §2.2, §2.3). Rows are put in through the store's repositories."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from ownstream.database.repos.activities import FOLLOW, REPOST, AcceptedActivity
from ownstream.database.repos.followers import Follower
from ownstream.federation.service import FederationService
from ownstream.settings import Remotes
from tests.federation.webfinger_stub import WebfingerStub
from tests.harness import RunningServer, admin_auth, make_settings, running_server

ADMIN = admin_auth()
T0 = datetime(2026, 2, 3, 4, 5, 6, 789000, tzinfo=UTC)


def store_of(server: RunningServer) -> FederationService:
    assert server.server.services is not None
    return server.server.services.federation


def follower(name: str, minutes: int, *, approved: bool = True, blocked: bool = False) -> Follower:
    created = T0 + timedelta(minutes=minutes)
    return Follower(
        iri=f"https://social.example/users/{name}",
        inbox=f"https://social.example/users/{name}/inbox",
        username=f"{name}@social.example",
        request=f"https://social.example/follows/{name}",
        created_at=created,
        name=name.title(),
        image=f"https://social.example/avatars/{name}.png" if name != "plain" else None,
        approved_at=created if approved else None,
        disabled_at=created + timedelta(hours=1) if blocked else None,
    )


async def seed(server: RunningServer) -> None:
    rows = (
        follower("early", 1),
        follower("late", 9),
        follower("plain", 5),
        follower("asking", 3, approved=False),
        follower("spammer", 2, approved=False, blocked=True),
    )
    for row in rows:
        await store_of(server).followers.add(row)


async def get(http: aiohttp.ClientSession, url: str, **kwargs: Any) -> Any:
    async with http.get(url, **kwargs) as response:
        assert response.status == 200
        return await response.json()


async def post(http: aiohttp.ClientSession, url: str, body: Any, **kwargs: Any) -> tuple[int, Any]:
    async with http.post(url, json=body, **kwargs) as response:
        return response.status, await response.json()


async def test_public_and_admin_lists(server: RunningServer, http: aiohttp.ClientSession) -> None:
    await seed(server)
    public = await get(http, server.base_url + "/api/followers")
    assert [entry["username"] for entry in public] == [
        "late@social.example",
        "plain@social.example",
        "early@social.example",
    ]
    assert public[0] == {
        "link": "https://social.example/users/late",
        "name": "Late",
        "username": "late@social.example",
        "image": "https://social.example/avatars/late.png",
        "timestamp": (T0 + timedelta(minutes=9)).astimezone().replace(microsecond=0).isoformat(),
        "disabledAt": None,
    }
    assert public[1]["image"] == ""
    assert await get(http, server.base_url + "/api/admin/followers", headers=ADMIN) == public
    pending = await get(http, server.base_url + "/api/admin/followers/pending", headers=ADMIN)
    assert [entry["link"] for entry in pending] == ["https://social.example/users/asking"]
    assert pending[0]["disabledAt"] is None
    blocked = await get(http, server.base_url + "/api/admin/followers/blocked", headers=ADMIN)
    assert [entry["link"] for entry in blocked] == ["https://social.example/users/spammer"]
    assert datetime.fromisoformat(blocked[0]["disabledAt"]) == T0.replace(microsecond=0) + timedelta(
        minutes=2, hours=1
    )


@pytest.mark.parametrize(
    "path",
    [
        "/api/admin/followers",
        "/api/admin/followers/pending",
        "/api/admin/followers/blocked",
        "/api/admin/federation/actions",
        "/api/admin/followers/approve",
        "/api/admin/federation/send",
    ],
)
async def test_admin_endpoints_need_the_admin(
    server: RunningServer, http: aiohttp.ClientSession, path: str
) -> None:
    async with http.post(server.base_url + path, json={}) as response:
        assert response.status == 401


async def test_approve_and_reject(server: RunningServer, http: aiohttp.ClientSession) -> None:
    await seed(server)
    url = server.base_url + "/api/admin/followers/approve"
    asking = "https://social.example/users/asking"
    assert await post(http, url, {"actorIRI": asking, "approved": True}, headers=ADMIN) == (
        200,
        {"success": True, "message": "follower updated"},
    )
    public = await get(http, server.base_url + "/api/followers")
    assert asking in [entry["link"] for entry in public]
    assert await get(http, server.base_url + "/api/admin/followers/pending", headers=ADMIN) == []

    status, _ = await post(http, url, {"actorIRI": asking, "approved": False}, headers=ADMIN)
    assert status == 200
    blocked = await get(http, server.base_url + "/api/admin/followers/blocked", headers=ADMIN)
    assert asking in [entry["link"] for entry in blocked]
    stored = await store_of(server).followers.get(asking)
    assert stored is not None and stored.approved_at is None and stored.disabled_at is not None


@pytest.mark.parametrize(
    "body",
    [
        {"actorIRI": "https://nowhere.example/users/ghost", "approved": True},
        {"actorIRI": "https://nowhere.example/users/ghost", "approved": False},
        {"actorIRI": 5, "approved": True},
        {"actorIRI": "https://social.example/users/asking", "approved": "yes"},
        {"actorIRI": "https://social.example/users/asking"},
        ["not", "an", "object"],
    ],
)
async def test_approve_refuses_unknown_or_mistyped(
    server: RunningServer, http: aiohttp.ClientSession, body: Any
) -> None:
    await seed(server)
    status, answer = await post(http, server.base_url + "/api/admin/followers/approve", body, headers=ADMIN)
    assert status == 400
    assert answer["success"] is False and answer["message"]
    assert len(await store_of(server).followers.pending()) == 1


async def test_approve_refuses_bad_json_and_other_methods(
    server: RunningServer, http: aiohttp.ClientSession
) -> None:
    url = server.base_url + "/api/admin/followers/approve"
    async with http.post(url, data=b"{nope", headers=ADMIN) as response:
        assert response.status == 400
        assert await response.json() == {
            "success": False,
            "message": "unable to handle follower state with provided values",
        }
    async with http.get(url, headers=ADMIN) as response:
        assert response.status == 400
        assert await response.json() == {"success": False, "message": "GET not supported"}


async def test_federated_actions(server: RunningServer, http: aiohttp.ClientSession) -> None:
    activities = store_of(server).activities
    await activities.add(
        AcceptedActivity("https://social.example/follows/1", "https://social.example/users/a", FOLLOW, T0)
    )
    await activities.add(
        AcceptedActivity(
            "https://stream.example/federation/x",
            "https://social.example/users/b",
            REPOST,
            T0 + timedelta(seconds=1),
        )
    )
    actions = await get(http, server.base_url + "/api/admin/federation/actions", headers=ADMIN)
    assert [action["type"] for action in actions] == [REPOST, FOLLOW]
    assert actions[0] == {
        "iri": "https://stream.example/federation/x",
        "actorIRI": "https://social.example/users/b",
        "type": "FEDIVERSE_ENGAGEMENT_REPOST",
        "timestamp": (T0 + timedelta(seconds=1)).astimezone().isoformat(),
    }


async def test_send_while_federation_is_off(server: RunningServer, http: aiohttp.ClientSession) -> None:
    url = server.base_url + "/api/admin/federation/send"
    assert await post(http, url, {"value": "hello"}, headers=ADMIN) == (
        400,
        {"success": False, "message": "federation is not enabled"},
    )
    assert await store_of(server).outbox.count() == 0


async def test_send_stores_a_note(server: RunningServer, http: aiohttp.ClientSession) -> None:
    services = server.server.services
    assert services is not None
    await services.config.update(federation_enabled=True, server_url="https://stream.example")
    url = server.base_url + "/api/admin/federation/send"
    assert await post(http, url, {"value": "Back **soon** #music"}, headers=ADMIN) == (
        200,
        {"success": True, "message": "sent"},
    )
    outbox = store_of(server).outbox
    [note] = await outbox.newest(5)
    assert note.iri.startswith("https://stream.example/federation/")
    assert note.type == "Note" and note.live_notification is False
    assert note.value["content"].startswith('<p>Back <strong>soon</strong> <a class="hashtag"')
    for body in ({"value": 5}, {"text": "x"}):
        status, answer = await post(http, url, body, headers=ADMIN)
        assert (status, answer["success"]) == (400, False)
    async with http.post(url, data=b"oops", headers=ADMIN) as response:
        assert await response.json() == {"success": False, "message": "unable to parse new value"}
    assert await outbox.count() == 1


@pytest.fixture
async def webfinger() -> AsyncIterator[WebfingerStub]:
    stub = WebfingerStub()
    await stub.start()
    yield stub
    await stub.stop()


@pytest.fixture
async def follow_server(tmp_path: Path) -> AsyncIterator[RunningServer]:
    # The WebFinger stub listens on loopback, which only --allow-private-addresses lets lookups reach.
    settings = replace(
        make_settings(tmp_path / "data", webfinger_timeout=0.5),
        remotes=Remotes(webfinger_scheme="http"),
        allow_private_addresses=True,
    )
    async with running_server(tmp_path / "data", settings) as running:
        assert running.server.services is not None
        await running.server.services.config.update(server_url="https://stream.example")
        yield running


async def test_remote_follow(
    follow_server: RunningServer, http: aiohttp.ClientSession, webfinger: WebfingerStub
) -> None:
    url = follow_server.base_url + "/api/remotefollow"
    status, answer = await post(http, url, {"account": f"@fan@{webfinger.host}"})
    assert status == 200
    assert answer == {
        "redirectUrl": f"{webfinger.url}/authorize_interaction?uri=https://stream.example/federation/user/streamer"
    }
    assert webfinger.resources == [f"acct:fan@{webfinger.host}"]


async def test_remote_follow_errors(
    follow_server: RunningServer, http: aiohttp.ClientSession, webfinger: WebfingerStub
) -> None:
    url = follow_server.base_url + "/api/remotefollow"
    required = {"success": False, "message": "Remote Fediverse account is required to follow."}
    for body in ({"account": "fan"}, {"account": ""}, {}):
        assert await post(http, url, body) == (400, required)
    unparsable = {"success": False, "message": "unable to parse request"}
    assert await post(http, url, {"account": 7}) == (400, unparsable)
    async with http.post(url, data=b"{") as response:
        assert (response.status, await response.json()) == (400, unparsable)
    webfinger.delay = 0.7
    status, answer = await post(http, url, {"account": f"fan@{webfinger.host}"})
    assert (status, answer) == (
        400,
        {
            "success": False,
            "message": f"unable to determine remote follow information for fan@{webfinger.host}",
        },
    )


async def test_remote_follow_failures_all_read_the_same(
    follow_server: RunningServer, http: aiohttp.ClientSession, webfinger: WebfingerStub, tmp_path: Path
) -> None:
    """A port scanner learns nothing from the text: closed port, open port that is not HTTP, HTTP that is
    not WebFinger, a redirect, a timeout all answer alike (they differed before)."""
    url = follow_server.base_url + "/api/remotefollow"

    async def failure_text(host: str) -> str:
        status, answer = await post(http, url, {"account": f"fan@{host}"})
        assert status == 400 and answer["success"] is False
        return str(answer["message"]).replace(host, "HOST")

    closed = WebfingerStub()
    await closed.start()
    closed_host = closed.host
    await closed.stop()
    texts = {"closed port": await failure_text(closed_host)}

    async def not_http(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(b"SSH-2.0-OpenSSH_9.2\r\n")
        await writer.drain()
        writer.close()

    raw = await asyncio.start_server(not_http, "127.0.0.1", 0)
    async with raw:
        texts["open port, not HTTP"] = await failure_text(f"127.0.0.1:{raw.sockets[0].getsockname()[1]}")

    webfinger.reply = web.Response(status=404, text="not found")
    texts["HTTP 404"] = await failure_text(webfinger.host)
    webfinger.reply = web.Response(text="<html>", content_type="text/html")
    texts["not JSON"] = await failure_text(webfinger.host)
    webfinger.reply = web.json_response({"links": []})
    texts["no subscribe link"] = await failure_text(webfinger.host)
    redirect_target = f"{webfinger.url}/.well-known/webfinger?resource=acct:fan@{webfinger.host}"
    webfinger.reply = web.Response(status=302, headers={"Location": redirect_target})
    asked = len(webfinger.resources)
    texts["redirect"] = await failure_text(webfinger.host)
    assert len(webfinger.resources) == asked + 1, "the redirect was followed"
    webfinger.reply = None
    webfinger.delay = 0.7
    texts["timeout"] = await failure_text(webfinger.host)

    assert set(texts.values()) == {"unable to determine remote follow information for fan@HOST"}, texts


async def test_remote_follow_refuses_private_targets_by_default(
    tmp_path: Path, http: aiohttp.ClientSession, webfinger: WebfingerStub
) -> None:
    settings = replace(
        make_settings(tmp_path / "data", webfinger_timeout=2.0), remotes=Remotes(webfinger_scheme="http")
    )
    assert settings.allow_private_addresses is False
    async with running_server(tmp_path / "data", settings) as running:
        assert running.server.services is not None
        await running.server.services.config.update(server_url="https://stream.example")
        url = running.base_url + "/api/remotefollow"
        port = webfinger.host.rsplit(":", 1)[1]
        for host in (webfinger.host, f"localhost:{port}", f"[::ffff:127.0.0.1]:{port}"):
            status, answer = await post(http, url, {"account": f"fan@{host}"})
            assert (status, answer["message"]) == (
                400,
                f"unable to determine remote follow information for fan@{host}",
            )
        assert webfinger.resources == [], "a private address was reached"


async def test_remote_follow_needs_the_server_url(server: RunningServer, http: aiohttp.ClientSession) -> None:
    status, answer = await post(
        http, server.base_url + "/api/remotefollow", {"account": "fan@social.example"}
    )
    assert status == 400 and answer["success"] is False
    assert "server's URL" in answer["message"]
