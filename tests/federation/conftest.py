"""A federating Ownstream on loopback (private addresses allowed, short timers) and the Fedify peer."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import aiohttp
import pytest

from ownstream.federation.service import FederationService
from ownstream.settings import Settings
from tests.federation.peer import CAVAGE, RFC9421, FediversePeer
from tests.harness import RunningServer, make_settings, running_server

FAST_FEDERATION = {
    "federation_go_live_delay": 0.5,
    "federation_go_live_interval": 600.0,
    "federation_profile_update_delay": 0.2,
    "federation_retry_delay": 0.5,
    "federation_request_timeout": 5.0,
}


def federation_settings(data_dir: Path, **changes: float) -> Settings:
    return replace(
        make_settings(data_dir, **{**FAST_FEDERATION, **changes}),
        allow_private_addresses=True,
    )


async def enable_federation(running: RunningServer, server_url: str | None = None) -> None:
    services = running.server.services
    assert services is not None
    await services.config.update(server_url=server_url or running.base_url, federation_enabled=True)


def federation_of(running: RunningServer) -> FederationService:
    services = running.server.services
    assert services is not None
    return services.federation


@pytest.fixture
async def fed_server(tmp_path: Path) -> AsyncIterator[RunningServer]:
    async with running_server(tmp_path / "data", federation_settings(tmp_path / "data")) as running:
        await enable_federation(running)
        yield running


@pytest.fixture(params=[RFC9421, CAVAGE], ids=["first-knock-rfc9421", "first-knock-cavage"])
async def peer(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[FediversePeer]:
    fedify = FediversePeer(first_knock=request.param, log_path=tmp_path / "peer.log")
    await fedify.start()
    try:
        yield fedify
    finally:
        await fedify.stop()


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session
