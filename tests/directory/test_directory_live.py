"""End to end: a real publish makes the server ping a local directory stub, which fetches `/api/yp`."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import aiohttp
import pytest

from ownstream.settings import Remotes
from tests.directory.stub import DirectoryStub
from tests.e2e.waiting import wait_until
from tests.harness import admin_auth, make_settings, running_server
from tests.media import Clip, start_publisher, stop_process

pytestmark = pytest.mark.e2e

PING_INTERVAL = 0.4


@pytest.fixture
async def directory() -> AsyncIterator[DirectoryStub]:
    stub = DirectoryStub()
    await stub.start()
    yield stub
    await stub.stop()


async def test_live_stream_is_listed_and_keeps_its_key(
    tmp_path: Path, directory: DirectoryStub, clip: Clip
) -> None:
    settings = replace(
        make_settings(tmp_path / "data", directory_ping_interval=PING_INTERVAL),
        remotes=Remotes(directory_url=directory.url),
    )
    async with running_server(tmp_path / "data", settings) as server, aiohttp.ClientSession() as http:
        services = server.server.services
        assert services is not None
        await services.config.update(
            video_latency_level=0, directory_enabled=True, server_url=server.base_url
        )

        async def pings(count: int) -> None:
            async def enough() -> bool:
                return len(directory.pings) >= count

            await wait_until(enough, 20, f"{count} directory pings", interval=0.05)

        publisher = await start_publisher(clip, server.rtmp_url())
        try:
            await pings(2)
            assert directory.pings[0] == {"key": "", "url": server.base_url}
            assert directory.pings[1] == {"key": "key-1", "url": server.base_url}
            assert services.config.current.directory_registration_key == "key-1"
            status, listing = directory.listings[0]
            assert status == 200
            assert listing["online"] is True  # no ping goes out before the stream is online
            assert listing["name"] == services.config.current.server_name
            assert listing["lastConnectTime"] is not None

            async with http.post(server.base_url + "/api/admin/yp/reset", headers=admin_auth()) as response:
                assert await response.json() == {"success": True, "message": "reset"}
            assert services.config.current.directory_registration_key == ""
            sent = len(directory.pings)
            await pings(sent + 1)
            assert directory.pings[sent]["key"] == ""
            await pings(sent + 2)
            assert services.config.current.directory_registration_key == "key-2"
        finally:
            await stop_process(publisher)

        async def offline() -> bool:
            return not services.lifecycle.connected and not services.lifecycle.online

        await wait_until(offline, 15, "the stream to end")
        await services.bus.drain()
        after_stop = len(directory.pings)
        await asyncio.sleep(PING_INTERVAL * 3)
        assert len(directory.pings) == after_stop
        assert all(listing["online"] for _, listing in directory.listings)
