"""With the Fedify peer: private mode, an inbox that is down while we post (across a restart of
Ownstream too), and discovery by `@user@host` handle over HTTPS with a throw-away CA."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import aiohttp
import pytest

from ownstream.app import ListenOverride, Ownstream
from ownstream.settings import Settings
from tests.e2e.waiting import wait_until
from tests.federation.conftest import enable_federation, federation_of, federation_settings
from tests.federation.peer import CAVAGE, FediversePeer, free_port, of_type
from tests.federation.tls import TlsFront, make_certificates
from tests.harness import RunningServer, admin_auth

pytestmark = [pytest.mark.xdist_group("fedify")]


@asynccontextmanager
async def server_on_port(data_dir: Path, settings: Settings, port: int) -> AsyncIterator[RunningServer]:
    """An Ownstream on a fixed loopback port, so that a restarted one keeps its server URL."""
    server = Ownstream(settings, listen=ListenOverride(web_host="127.0.0.1", web_port=port, rtmp_port=0))
    await server.start()
    try:
        yield RunningServer(server, data_dir)
    finally:
        await server.stop()


async def test_private_mode_follow_waits_for_approval(
    fed_server: RunningServer, peer: FediversePeer, http: aiohttp.ClientSession
) -> None:
    server = fed_server
    services = server.server.services
    assert services is not None
    await services.config.update(federation_private=True)
    actor = f"{server.base_url}/federation/user/streamer"
    assert (await peer.lookup(actor))["manuallyApprovesFollowers"] is True

    await peer.follow(actor)

    async def pending() -> bool:
        return [f.iri for f in await services.federation.followers.pending()] == [peer.actor]

    await wait_until(pending, 10, "the pending follow request")
    await asyncio.sleep(1.0)
    assert not [a for a in await peer.received() if a["type"] == "Accept"]
    assert services.federation.followers is not None and await services.federation.followers.approved() == []

    async with http.post(
        server.base_url + "/api/admin/followers/approve",
        json={"actorIRI": peer.actor, "approved": True},
        headers=admin_auth(),
    ) as response:
        assert response.status == 200
    await peer.wait_for(of_type("Accept"))

    async with http.post(
        server.base_url + "/api/admin/federation/send", json={"value": "followers only"}, headers=admin_auth()
    ) as response:
        assert response.status == 200
    [created] = await peer.wait_for(of_type("Create", "Note"))
    followers = f"{actor}/followers"
    assert created["to"] == followers and created["object"]["to"] == followers
    assert "cc" not in created["object"]
    note_id = created["object"]["id"]
    async with http.get(note_id, headers={"Accept": "application/activity+json"}) as response:
        assert response.status == 404  # objects are hidden in private mode


async def test_post_reaches_an_inbox_that_was_down_across_a_restart(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    settings = federation_settings(data_dir, federation_retry_delay=0.3)
    web_port = free_port()
    peer = FediversePeer(first_knock=CAVAGE, log_path=tmp_path / "peer.log")
    await peer.start()
    try:
        async with server_on_port(data_dir, settings, web_port) as server:
            await enable_federation(server)
            await peer.follow(f"{server.base_url}/federation/user/streamer")
            await peer.wait_for(of_type("Accept"))
            await peer.stop()  # the peer's inbox is down now: connections are refused

            post = await federation_of(server).publish_post("We are live (the peer is down)")
            delivery = server.server.federation_delivery
            assert delivery is not None

            async def failed_once() -> bool:
                return delivery.queue.failed_attempts >= 1

            await wait_until(failed_once, 10, "a failed delivery attempt")
        # Ownstream is stopped with the delivery still owed; the peer comes back on its address.
        peer = FediversePeer(first_knock=CAVAGE, port=peer.port, log_path=tmp_path / "peer2.log")
        await peer.start()
        async with server_on_port(data_dir, settings, web_port):
            [created] = await peer.wait_for(of_type("Create", "Note"), timeout=30)
            assert created["object"]["id"] == post.iri
    finally:
        await peer.stop()


async def test_handle_lookup_and_follow_over_https(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    certificates = make_certificates(tmp_path / "tls")
    # Our outbound HTTPS (to the peer's inbox) trusts the throw-away CA through the standard variable.
    monkeypatch.setenv("SSL_CERT_FILE", str(certificates.ca))
    data_dir = tmp_path / "data"
    peer = FediversePeer(
        tls=(certificates.cert, certificates.key), extra_ca=certificates.ca, log_path=tmp_path / "peer.log"
    )
    await peer.start()
    try:
        async with server_on_port(data_dir, federation_settings(data_dir), free_port()) as server:
            front = TlsFront(certificates, server.server.web_port)
            await front.start()
            try:
                await enable_federation(server, f"https://localhost:{front.port}")
                handle = f"@streamer@localhost:{front.port}"
                document = await peer.lookup(handle)
                assert document["id"] == f"https://localhost:{front.port}/federation/user/streamer"
                assert document["type"] == "Service"
                await peer.follow(handle)
                [accept] = await peer.wait_for(of_type("Accept"))
                assert accept["actor"] == document["id"]
                follower = await federation_of(server).followers.get(peer.actor)
                assert follower is not None and follower.inbox.startswith("https://localhost:")
            finally:
                await front.stop()
    finally:
        await peer.stop()
