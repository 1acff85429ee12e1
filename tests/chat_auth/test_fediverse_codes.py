"""Fediverse one-time codes (newer Owncast §7.3) on a real federating server: the code goes by a signed,
direct ActivityPub message to the named account's inbox on a local fediverse stand-in
(tests/federation/remote_stub.py), and typing it in authenticates the chat user; wrong, reused and
expired codes are 403 with an empty body; bad input is a simple 400 with Owncast's texts."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from ownstream.settings import Remotes
from tests.chat.client import ChatSocket, Registered, register
from tests.e2e.waiting import wait_until
from tests.federation.conftest import enable_federation, federation_settings
from tests.federation.remote_stub import RemoteStub
from tests.harness import RunningServer, admin_auth, running_server

SEND = "/api/auth/fediverse"
VERIFY = "/api/auth/fediverse/verify"


@pytest.fixture
async def stub() -> AsyncIterator[RemoteStub]:
    remote = RemoteStub()
    await remote.start()
    yield remote
    await remote.stop()


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[RunningServer]:
    data = tmp_path / "data"
    settings = replace(federation_settings(data), remotes=Remotes(webfinger_scheme="http"))
    async with running_server(data, settings) as running:
        await enable_federation(running)
        yield running


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


async def post(
    http: aiohttp.ClientSession, server: RunningServer, path: str, token: str, body: Any
) -> tuple[int, str]:
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    async with http.post(server.base_url + path, params={"accessToken": token}, data=data) as response:
        return response.status, await response.text()


def simple(success: bool, message: str) -> str:
    return json.dumps({"success": success, "message": message}, separators=(",", ":")) + "\n"


def account(stub: RemoteStub, name: str) -> str:
    return f"{name}@127.0.0.1:{stub.port}"


async def delivered_code(stub: RemoteStub, count: int = 1) -> tuple[dict[str, Any], str]:
    async def arrived() -> bool:
        return len(stub.delivered) >= count

    await wait_until(arrived, 10, "the direct message")
    activity = stub.delivered_activities()[count - 1]
    found = re.search(r"One-time code from [^:]+: (\d{6})\. ", activity["object"]["content"])
    assert found is not None, activity
    return activity, found.group(1)


async def test_the_code_arrives_by_direct_message_and_authenticates(
    http: aiohttp.ClientSession, server: RunningServer, stub: RemoteStub
) -> None:
    actor = stub.add_actor("alice")
    user = await register(http, server.base_url, "alice")
    socket = await ChatSocket.open(http, server.base_url, user.token)
    assert (await socket.expect("CONNECTED_USER_INFO"))["user"]["authenticated"] is False

    typed = "@" + account(stub, "Alice")  # case and a leading @ do not matter
    assert await post(http, server, SEND, user.token, {"account": typed}) == (200, simple(True, ""))
    activity, code = await delivered_code(stub)
    path, headers, _body = stub.delivered[0]
    assert path == "/users/alice/inbox" and "Signature" in headers, "signed, to the actor's own inbox"
    assert activity["type"] == "Create" and activity["to"] == [actor.iri] and activity["cc"] == []
    note = activity["object"]
    assert note["type"] == "Note" and note["to"] == [actor.iri], "direct: nobody else is addressed"
    assert "https://www.w3.org/ns/activitystreams#Public" not in json.dumps(activity)
    assert note["tag"] == [{"type": "Mention", "href": actor.iri, "name": "@" + account(stub, "alice")}]
    assert f"One-time code from Ownstream: {code}. If you did not request this message" in note["content"]

    assert await post(http, server, VERIFY, user.token, {"code": code}) == (200, simple(True, ""))
    info = await socket.expect("CONNECTED_USER_INFO")
    assert info["user"]["id"] == user.id and info["user"]["authenticated"] is True
    await socket.chat("verified")
    assert (await socket.expect("CHAT"))["user"]["authenticated"] is True
    assert await post(http, server, VERIFY, user.token, {"code": code}) == (403, ""), "one use"
    await socket.close()

    async with http.get(server.base_url + "/api/admin/users", headers=admin_auth()) as response:
        [listed] = [entry for entry in (await response.json())["results"] if entry["id"] == user.id]
    assert listed["authenticated"] is True and listed["authProviders"] == ["Fediverse"]


async def test_wrong_codes_are_403_and_five_end_the_request(
    http: aiohttp.ClientSession, server: RunningServer, stub: RemoteStub
) -> None:
    stub.add_actor("bob")
    user = await register(http, server.base_url, "bob")
    assert (await post(http, server, SEND, user.token, {"account": account(stub, "bob")}))[0] == 200
    _, code = await delivered_code(stub)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _ in range(4):
        assert await post(http, server, VERIFY, user.token, {"code": wrong}) == (403, "")
    assert await post(http, server, VERIFY, user.token, {"code": code}) == (200, simple(True, ""))

    other = await register(http, server.base_url, "carol")
    assert (await post(http, server, SEND, other.token, {"account": account(stub, "bob")}))[0] == 200
    _, code = await delivered_code(stub, 2)
    for _ in range(5):
        assert await post(http, server, VERIFY, other.token, {"code": wrong}) == (403, "")
    assert await post(http, server, VERIFY, other.token, {"code": code}) == (403, ""), "the request is gone"


async def test_one_pending_code_per_token(
    http: aiohttp.ClientSession, server: RunningServer, stub: RemoteStub
) -> None:
    stub.add_actor("dave")
    user = await register(http, server.base_url)
    assert (await post(http, server, SEND, user.token, {"account": account(stub, "dave")}))[0] == 200
    assert await post(http, server, SEND, user.token, {"account": account(stub, "dave")}) == (
        400,
        simple(False, "Could not register auth request. One may already be pending. Try again later."),
    )


async def test_a_code_for_another_token_does_not_count(
    http: aiohttp.ClientSession, server: RunningServer, stub: RemoteStub
) -> None:
    stub.add_actor("erin")
    user = await register(http, server.base_url)
    stranger = await register(http, server.base_url)
    assert (await post(http, server, SEND, user.token, {"account": account(stub, "erin")}))[0] == 200
    _, code = await delivered_code(stub)
    assert await post(http, server, VERIFY, stranger.token, {"code": code}) == (403, "")
    assert await post(http, server, VERIFY, "no-such-token", {"code": code}) == (403, "")
    assert await post(http, server, VERIFY, user.token, {"code": code}) == (200, simple(True, ""))


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"account": "nobody"}, "Could not send code to fediverse: an account looks like user@host"),
        ({}, "Could not send code to fediverse: an account looks like user@host"),
        (
            {"account": "ghost@127.0.0.1:1"},
            "Could not send code to fediverse: unable to look up ghost@127.0.0.1:1",
        ),
    ],
)
async def test_unusable_accounts(
    http: aiohttp.ClientSession, server: RunningServer, body: dict[str, str], message: str
) -> None:
    user = await register(http, server.base_url)
    assert await post(http, server, SEND, user.token, body) == (400, simple(False, message))


async def test_an_unknown_account_on_a_real_server(
    http: aiohttp.ClientSession, server: RunningServer, stub: RemoteStub
) -> None:
    user = await register(http, server.base_url)
    missing = account(stub, "missing")
    assert await post(http, server, SEND, user.token, {"account": missing}) == (
        400,
        simple(False, f"Could not send code to fediverse: unable to look up {missing}"),
    )


async def test_bad_bodies(http: aiohttp.ClientSession, server: RunningServer) -> None:
    user = await register(http, server.base_url)
    status, text = await post(http, server, SEND, user.token, b"{nope")
    assert status == 400 and json.loads(text)["message"].startswith("Could not decode request: ")
    status, text = await post(http, server, VERIFY, user.token, b"[")
    assert status == 400 and json.loads(text)["message"].startswith("Could not decode request: ")
    for body in ({}, {"code": ""}, {"code": 123456}):
        assert await post(http, server, VERIFY, user.token, body) == (
            400,
            simple(False, "Could not decode request: code is required"),
        )
    async with http.post(server.base_url + SEND, json={"account": "a@b.c"}) as response:
        assert (response.status, await response.text()) == (401, "unauthorized\n")


async def test_without_federation(tmp_path: Path, http: aiohttp.ClientSession) -> None:
    async with running_server(tmp_path / "plain") as running:
        user: Registered = await register(http, running.base_url)
        assert await post(http, running, SEND, user.token, {"account": "a@mastodon.example"}) == (
            400,
            simple(False, "Could not send code to fediverse: this server does not federate"),
        )
