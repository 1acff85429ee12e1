"""Chat sign-ins started on one server process and completed on another (several processes behind one
front, issue 16): two real servers sharing one PostgreSQL database (a SQLite file is held by one server at
a time). An IndieAuth sign-in against the stand-in provider over HTTPS, whose redirect back goes to the
other process; a fediverse one-time code sent by one process (to a fediverse stand-in) and typed into the
other; a code this server issues as an IndieAuth provider, redeemed at the other. Each still works once."""

from __future__ import annotations

import ssl
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import aiohttp
import pytest
from yarl import URL

from ownstream.chat_auth.indieauth_discovery import code_challenge
from ownstream.settings import Remotes
from tests.chat.client import register
from tests.chat_auth.indieauth_provider import IndieAuthProvider
from tests.cluster.conftest import postgres_admin_url  # noqa: F401  (PostgreSQL for this module)
from tests.e2e.waiting import wait_until
from tests.federation import tls
from tests.federation.remote_stub import RemoteStub
from tests.federation.tls import make_certificates
from tests.harness import RunningServer, admin_auth, make_settings, running_server
from tests.postgres import database_url_for

START = "/api/auth/indieauth"
CALLBACK = "/api/auth/indieauth/callback"


@pytest.fixture
def certificates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tls.TestCertificates:
    made = make_certificates(tmp_path / "tls")
    monkeypatch.setenv("SSL_CERT_FILE", str(made.ca))
    return made


@pytest.fixture
async def provider(certificates: tls.TestCertificates) -> AsyncIterator[IndieAuthProvider]:
    stand_in = IndieAuthProvider(certificates)
    await stand_in.start()
    yield stand_in
    await stand_in.stop()


@pytest.fixture
async def browser(certificates: tls.TestCertificates) -> AsyncIterator[aiohttp.ClientSession]:
    context = ssl.create_default_context(cafile=str(certificates.ca))
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(ssl=context)) as session:
        yield session


@pytest.fixture
async def two_processes(
    tmp_path: Path,
    certificates: tls.TestCertificates,
    postgres_admin_url: str,  # noqa: F811
) -> AsyncIterator[tuple[RunningServer, RunningServer]]:
    database = database_url_for(postgres_admin_url, tmp_path)
    settings = [
        replace(
            make_settings(tmp_path / name),
            database_server=database,
            allow_private_addresses=True,
            process_slot=slot,
            remotes=Remotes(webfinger_scheme="http"),
        )
        for slot, name in enumerate(("one", "two"))
    ]
    async with (
        running_server(tmp_path / "one", settings[0]) as one,
        running_server(tmp_path / "two", settings[1]) as two,
    ):
        for running in (one, two):  # no shared bus here: each process is told the site's address
            services = running.server.services
            assert services is not None
            await services.config.update(server_url=one.base_url, federation_enabled=True)
        yield one, two


async def test_a_sign_in_started_on_one_process_completes_on_another(
    two_processes: tuple[RunningServer, RunningServer],
    browser: aiohttp.ClientSession,
    provider: IndieAuthProvider,
) -> None:
    one, two = two_processes
    user = await register(browser, one.base_url, "webby")
    async with browser.post(
        one.base_url + START, params={"accessToken": user.token}, json={"authHost": provider.profile()}
    ) as response:
        assert response.status == 200
        redirect = (await response.json())["redirect"]
    async with browser.get(redirect, allow_redirects=False) as at_provider:
        assert at_provider.status == 302
        back = URL(at_provider.headers["Location"])
    assert str(back.with_query(None)) == one.base_url + CALLBACK
    # The front hands the browser's return to the other process.
    on_two = URL(two.base_url + CALLBACK).with_query(back.query)
    async with browser.get(on_two, allow_redirects=False) as callback:
        assert callback.status == 307, await callback.text()
        assert callback.headers["Location"] == "/"
    for running in (one, two):
        services = running.server.services
        assert services is not None
        signed_in = await services.chat.user_for_token(user.token)
        assert signed_in is not None and signed_in.id == user.id and signed_in.authenticated
    [verification] = provider.verifications
    assert verification["redirect_uri"] == one.base_url + CALLBACK, "completed with what was started"

    # Used once, wherever it comes back.
    for running in (one, two):
        replay = URL(running.base_url + CALLBACK).with_query(back.query)
        async with browser.get(replay, allow_redirects=False) as again:
            assert again.status == 400


@pytest.fixture
async def stub() -> AsyncIterator[RemoteStub]:
    remote = RemoteStub()
    await remote.start()
    yield remote
    await remote.stop()


async def test_a_code_sent_by_one_process_is_checked_by_another(
    two_processes: tuple[RunningServer, RunningServer], stub: RemoteStub
) -> None:
    one, two = two_processes
    stub.add_actor("alice")
    async with aiohttp.ClientSession() as http:
        user = await register(http, one.base_url, "alice")

        async def send(server: RunningServer, path: str, body: object) -> tuple[int, str]:
            async with http.post(
                server.base_url + path, params={"accessToken": user.token}, json=body
            ) as response:
                return response.status, await response.text()

        status, _ = await send(one, "/api/auth/fediverse", {"account": f"alice@127.0.0.1:{stub.port}"})
        assert status == 200

        async def arrived() -> bool:
            return len(stub.delivered) == 1

        await wait_until(arrived, 10, "the direct message")
        content = stub.delivered_activities()[0]["object"]["content"]
        code = content.split("One-time code from ", 1)[1].split(": ", 1)[1][:6]
        wrong = f"{(int(code) + 1) % 1_000_000:06d}"
        assert (await send(two, "/api/auth/fediverse", {"account": f"alice@127.0.0.1:{stub.port}"}))[0] == 400
        assert await send(two, "/api/auth/fediverse/verify", {"code": wrong}) == (403, "")
        assert (await send(two, "/api/auth/fediverse/verify", {"code": code}))[0] == 200
        assert await send(one, "/api/auth/fediverse/verify", {"code": code}) == (403, ""), "used once"
    services = one.server.services
    assert services is not None
    signed_in = await services.chat.user_for_token(user.token)
    assert signed_in is not None and signed_in.authenticated


async def test_a_provider_code_issued_by_one_process_is_redeemed_at_another(
    two_processes: tuple[RunningServer, RunningServer],
) -> None:
    one, two = two_processes
    verifier = "v" * 50
    client, redirect = "https://client.example/", "https://client.example/callback"
    async with aiohttp.ClientSession() as http:
        async with http.get(
            one.base_url + "/api/auth/provider/indieauth",
            params={
                "client_id": client,
                "redirect_uri": redirect,
                "code_challenge": code_challenge(verifier),
                "state": "abc",
            },
            headers=admin_auth(),
            allow_redirects=False,
        ) as response:
            assert response.status == 307
            code = URL(response.headers["Location"]).query["code"]
        form = {"code": code, "redirect_uri": redirect, "client_id": client, "code_verifier": verifier}
        async with http.post(two.base_url + "/api/auth/provider/indieauth", data=form) as response:
            assert (await response.json())["me"] == one.base_url
        async with http.post(one.base_url + "/api/auth/provider/indieauth", data=form) as response:
            assert (await response.json())["error"] == "invalid_client", "good once"
