"""IndieAuth sign-in for chat users (newer Owncast §7.1) on a real server against a stand-in provider over
HTTPS on loopback: the redirect the server builds, the provider's PKCE check, the badge on the user's
sockets and messages, the login to an identity another user proved first, and every refusal in Owncast's
shapes and texts."""

from __future__ import annotations

import ssl
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from yarl import URL

from tests.chat.client import ChatSocket, Registered, register
from tests.chat_auth.indieauth_provider import IndieAuthProvider
from tests.federation import tls
from tests.federation.tls import make_certificates
from tests.harness import RunningServer, make_settings, running_server

START = "/api/auth/indieauth"
CALLBACK = "/api/auth/indieauth/callback"


@pytest.fixture
def certificates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tls.TestCertificates:
    made = make_certificates(tmp_path / "tls")
    monkeypatch.setenv("SSL_CERT_FILE", str(made.ca))  # what the server's outbound client trusts
    return made


@pytest.fixture
async def provider(certificates: tls.TestCertificates) -> AsyncIterator[IndieAuthProvider]:
    stand_in = IndieAuthProvider(certificates)
    await stand_in.start()
    yield stand_in
    await stand_in.stop()


@pytest.fixture
async def server(tmp_path: Path, certificates: tls.TestCertificates) -> AsyncIterator[RunningServer]:
    settings = replace(make_settings(tmp_path / "data"), allow_private_addresses=True)
    async with running_server(tmp_path / "data", settings) as running:
        services = running.server.services
        assert services is not None
        await services.config.update(server_url=running.base_url)
        yield running


@pytest.fixture
async def browser(certificates: tls.TestCertificates) -> AsyncIterator[aiohttp.ClientSession]:
    context = ssl.create_default_context(cafile=str(certificates.ca))
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(ssl=context)) as session:
        yield session


async def start(http: aiohttp.ClientSession, server: RunningServer, token: str, body: Any) -> tuple[int, Any]:
    data = body if isinstance(body, bytes) else None
    async with http.post(
        server.base_url + START,
        params={"accessToken": token},
        json=None if data is not None else body,
        data=data,
    ) as response:
        return response.status, await response.json(content_type=None)


async def sign_in(
    browser: aiohttp.ClientSession, server: RunningServer, user: Registered, profile: str
) -> str:
    """The whole round trip as a browser makes it; the callback's Location."""
    status, answer = await start(browser, server, user.token, {"authHost": profile})
    assert status == 200, answer
    async with browser.get(answer["redirect"], allow_redirects=False) as at_provider:
        assert at_provider.status == 302
        back = at_provider.headers["Location"]
    assert back.startswith(server.base_url + CALLBACK)
    async with browser.get(back, allow_redirects=False) as callback:
        assert callback.status == 307, await callback.text()
        return callback.headers["Location"]


async def test_the_redirect_carries_owncasts_parameters(
    browser: aiohttp.ClientSession, server: RunningServer, provider: IndieAuthProvider
) -> None:
    user = await register(browser, server.base_url, "webby")
    status, answer = await start(browser, server, user.token, {"authHost": provider.profile()})
    assert status == 200 and set(answer) == {"redirect"}
    redirect = URL(answer["redirect"])
    assert str(redirect.with_query(None)) == provider.origin + "/auth", "the last endpoint link, resolved"
    query = dict(redirect.query)
    assert set(query) == {
        "response_type", "client_id", "redirect_uri", "state", "code_challenge_method", "code_challenge", "me"
    }  # fmt: skip
    assert query["response_type"] == "code" and query["code_challenge_method"] == "S256"
    assert query["client_id"] == server.base_url
    assert query["redirect_uri"] == server.base_url + CALLBACK
    assert query["me"] == provider.profile()
    assert len(query["state"]) == 20 and query["state"].isalnum()
    assert len(query["code_challenge"]) == 43 and "=" not in query["code_challenge"]


async def test_sign_in_gives_the_badge_on_sockets_and_messages(
    browser: aiohttp.ClientSession, server: RunningServer, provider: IndieAuthProvider
) -> None:
    user = await register(browser, server.base_url, "webby")
    socket = await ChatSocket.open(browser, server.base_url, user.token)
    info = await socket.expect("CONNECTED_USER_INFO")
    assert info["user"]["authenticated"] is False and info["user"]["isBot"] is False
    assert await sign_in(browser, server, user, provider.profile()) == "/"
    [verification] = provider.verifications
    assert verification["grant_type"] == "authorization_code"
    assert len(verification["code_verifier"]) == 50, "the provider checked it against the challenge"
    info = await socket.expect("CONNECTED_USER_INFO")
    assert info["user"]["id"] == user.id and info["user"]["authenticated"] is True
    await socket.chat("signed in")
    message = await socket.expect("CHAT")
    assert message["user"]["authenticated"] is True
    await socket.close()
    again = await ChatSocket.open(browser, server.base_url, user.token)
    assert (await again.expect("CONNECTED_USER_INFO"))["user"]["authenticated"] is True
    await again.close()


@pytest.mark.parametrize("page", ["by-header", "moved"])
async def test_endpoint_in_a_link_header_or_behind_a_redirect(
    browser: aiohttp.ClientSession, server: RunningServer, provider: IndieAuthProvider, page: str
) -> None:
    user = await register(browser, server.base_url, "webby")
    assert await sign_in(browser, server, user, provider.profile(page)) == "/"


async def test_a_second_user_proving_the_same_site_becomes_the_first(
    browser: aiohttp.ClientSession, server: RunningServer, provider: IndieAuthProvider
) -> None:
    first = await register(browser, server.base_url, "original")
    await sign_in(browser, server, first, provider.profile())
    watcher = await register(browser, server.base_url, "watcher")
    room = await ChatSocket.open(browser, server.base_url, watcher.token)
    await room.expect("CONNECTED_USER_INFO")
    newcomer = await register(browser, server.base_url, "newcomer")
    old_socket = await ChatSocket.open(browser, server.base_url, newcomer.token)
    await old_socket.expect("CONNECTED_USER_INFO")

    await sign_in(browser, server, newcomer, provider.profile())
    notice = await room.expect("CHAT_ACTION")
    assert notice["body"] == (
        "<p><strong>newcomer</strong> is now authenticated as <strong>original</strong></p>\n"
    )
    assert await old_socket.closed() is not None, "the socket of the token's old user closes"
    socket = await ChatSocket.open(browser, server.base_url, newcomer.token)
    info = await socket.expect("CONNECTED_USER_INFO")
    assert (info["user"]["id"], info["user"]["displayName"]) == (first.id, "original")
    assert info["user"]["authenticated"] is True
    first_socket = await ChatSocket.open(browser, server.base_url, first.token)
    assert (await first_socket.expect("CONNECTED_USER_INFO"))["user"]["id"] == first.id, "both tokens work"
    for open_socket in (room, socket, first_socket):
        await open_socket.close()


async def test_the_authenticated_name_is_reserved(
    browser: aiohttp.ClientSession, server: RunningServer, provider: IndieAuthProvider
) -> None:
    owner = await register(browser, server.base_url, "Reserved Name")
    await sign_in(browser, server, owner, provider.profile())
    impostor = await register(browser, server.base_url, "reserved name")
    assert impostor.name.lower() != "reserved name", "registration falls back to a generated name"
    socket = await ChatSocket.open(browser, server.base_url, impostor.token)
    await socket.expect("CONNECTED_USER_INFO")
    await socket.send({"type": "NAME_CHANGE", "newName": "Reserved Name"})
    notice = await socket.expect("CHAT_ACTION")
    assert notice["body"] == (
        "<p>The name <strong>Reserved Name</strong> has been already registered. If this is your name, "
        "please authenticate.</p>\n"
    )
    assert (await socket.expect("CONNECTED_USER_INFO"))["user"]["displayName"] == impostor.name
    await socket.close()
    mine = await ChatSocket.open(browser, server.base_url, owner.token)
    await mine.expect("CONNECTED_USER_INFO")
    await mine.send({"type": "NAME_CHANGE", "newName": "RESERVED NAME"})
    assert (await mine.expect("NAME_CHANGE"))["user"]["displayName"] == "RESERVED NAME", "their own name"
    await mine.close()


async def test_a_provider_vouching_for_another_profile_is_refused(
    browser: aiohttp.ClientSession, server: RunningServer, provider: IndieAuthProvider
) -> None:
    provider.answer_me = provider.origin + "/someone-else"
    user = await register(browser, server.base_url, "webby")
    status, answer = await start(browser, server, user.token, {"authHost": provider.profile()})
    assert status == 200
    async with browser.get(answer["redirect"], allow_redirects=False) as at_provider:
        back = at_provider.headers["Location"]
    async with browser.get(back, allow_redirects=False) as callback:
        assert callback.status == 400
        assert callback.content_type == "text/html"
        assert "Unable to complete authentication." in await callback.text()
    socket = await ChatSocket.open(browser, server.base_url, user.token)
    assert (await socket.expect("CONNECTED_USER_INFO"))["user"]["authenticated"] is False
    await socket.close()


@pytest.mark.parametrize(
    "query",
    [{}, {"state": "unknown", "code": "x"}, {"state": "", "code": ""}, {"code": "x"}],
    ids=["nothing", "unknown-state", "empty", "no-state"],
)
async def test_a_callback_without_a_pending_sign_in_is_400_html(
    browser: aiohttp.ClientSession, server: RunningServer, query: dict[str, str]
) -> None:
    async with browser.get(server.base_url + CALLBACK, params=query, allow_redirects=False) as response:
        assert response.status == 400 and response.content_type == "text/html"
        page = await response.text()
        assert "Unable to complete authentication." in page and 'href="/"' in page


async def test_the_state_is_good_once(
    browser: aiohttp.ClientSession, server: RunningServer, provider: IndieAuthProvider
) -> None:
    user = await register(browser, server.base_url, "webby")
    _, answer = await start(browser, server, user.token, {"authHost": provider.profile()})
    async with browser.get(answer["redirect"], allow_redirects=False) as at_provider:
        back = at_provider.headers["Location"]
    async with browser.get(back, allow_redirects=False) as first:
        assert first.status == 307
    async with browser.get(back, allow_redirects=False) as replay:
        assert replay.status == 400


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"authHost": "http://me.example/"}, "only servers secured with https are supported"),
        ({"authHost": ""}, "only servers secured with https are supported"),
        ({}, "only servers secured with https are supported"),
        ({"authHost": "https://me.example/#x"}, "unable to parse server URL"),
        ({"authHost": 7}, "only servers secured with https are supported"),
    ],
)
async def test_bad_input_is_a_simple_400(
    browser: aiohttp.ClientSession, server: RunningServer, body: Any, message: str
) -> None:
    user = await register(browser, server.base_url)
    assert await start(browser, server, user.token, body) == (400, {"success": False, "message": message})


async def test_a_body_that_is_not_json_answers_the_decoders_text(
    browser: aiohttp.ClientSession, server: RunningServer
) -> None:
    user = await register(browser, server.base_url)
    status, answer = await start(browser, server, user.token, b"{nope")
    assert status == 400 and answer["success"] is False and answer["message"]


async def test_a_page_without_an_endpoint(
    browser: aiohttp.ClientSession, server: RunningServer, provider: IndieAuthProvider
) -> None:
    user = await register(browser, server.base_url)
    status, answer = await start(browser, server, user.token, {"authHost": provider.profile("plain-page")})
    assert status == 400
    assert answer["message"].startswith("unable to generate IndieAuth request: no authorization_endpoint")
    status, answer = await start(browser, server, user.token, {"authHost": provider.profile("missing")})
    assert (status, answer["message"]) == (
        400,
        "unable to generate IndieAuth request: the profile page answered 404",
    )


async def test_without_a_server_url(browser: aiohttp.ClientSession, server: RunningServer) -> None:
    services = server.server.services
    assert services is not None
    await services.config.update(server_url="")
    user = await register(browser, server.base_url)
    assert await start(browser, server, user.token, {"authHost": "https://me.example/"}) == (
        400,
        {"success": False, "message": "Owncast server URL must be set when using auth"},
    )
    async with browser.get(server.base_url + "/api/config") as response:
        assert (await response.json())["authentication"] == {"indieAuthEnabled": False}


async def test_user_token_required(browser: aiohttp.ClientSession, server: RunningServer) -> None:
    for params in ({}, {"accessToken": "nobody"}):
        async with browser.post(server.base_url + START, params=params, json={"authHost": "x"}) as response:
            assert (response.status, await response.text()) == (401, "unauthorized\n")


async def test_too_many_pending_sign_ins(
    browser: aiohttp.ClientSession, server: RunningServer, provider: IndieAuthProvider
) -> None:
    user = await register(browser, server.base_url)
    for _ in range(100):
        status, _answer = await start(browser, server, user.token, {"authHost": provider.profile()})
        assert status == 200
    assert await start(browser, server, user.token, {"authHost": provider.profile()}) == (
        400,
        {"success": False, "message": "Please try again later. Too many pending requests."},
    )


async def test_private_hosts_are_refused_by_default(tmp_path: Path) -> None:
    async with running_server(tmp_path / "data") as running:
        services = running.server.services
        assert services is not None
        await services.config.update(server_url="https://stream.example")
        async with aiohttp.ClientSession() as http:
            user = await register(http, running.base_url)
            for host in ("https://127.0.0.1:1/", "https://[::1]/", "https://10.0.0.1/", "https://localhost/"):
                assert await start(http, running, user.token, {"authHost": host}) == (
                    400,
                    {"success": False, "message": "unable to use provided host"},
                ), host
            async with http.get(running.base_url + "/api/config") as response:
                assert (await response.json())["authentication"] == {"indieAuthEnabled": True}
