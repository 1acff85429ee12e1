"""WebFinger, client side, against a stub server on loopback (reference §2.2)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiohttp import web

from ownstream.errors import Invalid
from ownstream.federation.webfinger import (
    ACCOUNT_REQUIRED,
    SUBSCRIBE_REL,
    WebfingerClient,
    fill_template,
    split_account,
    subscribe_template,
    webfinger_url,
)
from tests.federation.webfinger_stub import WebfingerStub

ACTOR = "https://stream.example/federation/user/streamer"


@pytest.mark.parametrize(
    ("account", "expected"),
    [
        ("fan@social.example", ("fan@social.example", "social.example")),
        ("@fan@social.example", ("fan@social.example", "social.example")),
        ("fan@127.0.0.1:8080", ("fan@127.0.0.1:8080", "127.0.0.1:8080")),
    ],
)
def test_split_account(account: str, expected: tuple[str, str]) -> None:
    assert split_account(account) == expected


@pytest.mark.parametrize("account", ["", "fan", "@fan", "fan@", "@social.example", "@"])
def test_accounts_without_user_and_host_are_refused(account: str) -> None:
    with pytest.raises(Invalid) as raised:
        split_account(account)
    assert raised.value.message == ACCOUNT_REQUIRED


def test_webfinger_url() -> None:
    url = webfinger_url("https", "fan@social.example", "social.example")
    assert (url.scheme, url.host, url.path) == ("https", "social.example", "/.well-known/webfinger")
    assert url.query["resource"] == "acct:fan@social.example"
    assert webfinger_url("http", "a@127.0.0.1:81", "127.0.0.1:81").port == 81


@pytest.mark.parametrize("host", ["evil.example/path", "a b", "x?y=1", "user:pw@host"])
def test_webfinger_url_refuses_odd_hosts(host: str) -> None:
    with pytest.raises(Invalid):
        webfinger_url("https", f"fan@{host}", host)


def test_subscribe_template() -> None:
    document = {
        "links": [
            {"rel": "self", "href": "https://social.example/users/fan"},
            {"rel": SUBSCRIBE_REL},
            {"rel": SUBSCRIBE_REL, "template": "https://social.example/authorize_interaction?uri={uri}"},
        ]
    }
    assert subscribe_template(document) == "https://social.example/authorize_interaction?uri={uri}"
    assert subscribe_template({"links": [{"rel": "self"}]}) is None
    assert subscribe_template({"links": "nope"}) is None
    assert subscribe_template([]) is None
    assert fill_template("https://s/x?uri={uri}", ACTOR) == f"https://s/x?uri={ACTOR}"


@pytest.fixture
async def stub() -> AsyncIterator[WebfingerStub]:
    server = WebfingerStub()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def client() -> AsyncIterator[WebfingerClient]:
    # The stub listens on loopback, which only the operator's --allow-private-addresses lets us reach.
    webfinger = WebfingerClient(scheme="http", timeout=0.3, allow_private=True)
    await webfinger.start()
    yield webfinger
    await webfinger.stop()


async def test_remote_follow_url(stub: WebfingerStub, client: WebfingerClient) -> None:
    account = f"@fan@{stub.host}"
    assert await client.remote_follow_url(account, ACTOR) == f"{stub.url}/authorize_interaction?uri={ACTOR}"
    assert stub.resources == [f"acct:fan@{stub.host}"]


async def failure(client: WebfingerClient, account: str) -> str:
    with pytest.raises(Invalid) as raised:
        await client.remote_follow_url(account, ACTOR)
    return raised.value.message


async def test_lookup_failures_are_invalid_with_one_text(
    stub: WebfingerStub, client: WebfingerClient
) -> None:
    account = f"fan@{stub.host}"
    generic = f"unable to determine remote follow information for {account}"
    stub.reply = web.Response(status=404, text="no such user")
    assert await failure(client, account) == generic
    stub.reply = web.Response(text="<html>", content_type="text/html")
    assert await failure(client, account) == generic
    stub.reply = web.Response(text="[" * 100_000 + "]" * 100_000, content_type="application/json")
    assert await failure(client, account) == generic
    stub.reply = web.Response(body=b"{" + b" " * 300_000 + b"}", content_type="application/json")
    assert await failure(client, account) == generic
    stub.reply = web.json_response({"subject": f"acct:{account}", "links": []})
    assert await failure(client, account) == generic
    stub.reply = None
    stub.delay = 0.5
    assert await failure(client, account) == generic


async def test_unreachable_server(client: WebfingerClient) -> None:
    closed = WebfingerStub()
    await closed.start()
    host = closed.host
    await closed.stop()
    assert (
        await failure(client, f"fan@{host}")
        == f"unable to determine remote follow information for fan@{host}"
    )


async def test_private_addresses_are_not_reached_by_default(stub: WebfingerStub) -> None:
    webfinger = WebfingerClient(scheme="http", timeout=2.0)
    await webfinger.start()
    try:
        port = stub.host.rsplit(":", 1)[1]
        for host in (stub.host, f"localhost:{port}", f"[::1]:{port}", f"[::ffff:7f00:1]:{port}"):
            message = await failure(webfinger, f"fan@{host}")
            assert message == f"unable to determine remote follow information for fan@{host}"
    finally:
        await webfinger.stop()
    assert stub.resources == []


async def test_client_must_be_started() -> None:
    with pytest.raises(RuntimeError):
        await WebfingerClient(timeout=1).lookup("fan@social.example")
