"""The directory pinger against a local directory stub, with the real configuration store (reference §9)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from aiohttp import web

from ownstream.config.service import ConfigService
from ownstream.database.db import open_database
from ownstream.database.repos.config import ConfigRepository
from ownstream.directory.pinger import DirectoryPinger
from ownstream.events import EventBus, StreamStarted, StreamStopped
from tests.directory.stub import DirectoryStub, refusal
from tests.e2e.waiting import wait_until

SERVER_URL = "https://stream.example"
NOW = datetime(2026, 1, 1, tzinfo=UTC)


class Online:
    def __init__(self) -> None:
        self.value = True

    def __call__(self) -> bool:
        return self.value


@pytest.fixture
async def config(tmp_path: Path) -> AsyncIterator[ConfigService]:
    engine = await open_database(f"sqlite+aiosqlite:///{tmp_path / 'ownstream.db'}")
    service = ConfigService(ConfigRepository(engine), EventBus())
    await service.load()
    await service.update(directory_enabled=True, server_url=SERVER_URL)
    yield service
    await engine.dispose()


@pytest.fixture
async def stub() -> AsyncIterator[DirectoryStub]:
    directory = DirectoryStub(fetch_listing=False)
    await directory.start()
    yield directory
    await directory.stop()


def make_pinger(
    config: ConfigService,
    directory_url: str,
    online: Online,
    *,
    bus: EventBus | None = None,
    timeout: float = 2.0,
) -> DirectoryPinger:
    return DirectoryPinger(
        config, bus or EventBus(), online, directory_url=directory_url, interval=0.05, timeout=timeout
    )


@pytest.fixture
async def pinger(config: ConfigService, stub: DirectoryStub) -> AsyncIterator[DirectoryPinger]:
    running = make_pinger(config, stub.url, Online())
    await running.start()
    yield running
    await running.stop()


def warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [record.getMessage() for record in caplog.records if record.levelno == logging.WARNING]


async def test_stores_the_returned_key_and_sends_it_next(
    pinger: DirectoryPinger, stub: DirectoryStub, config: ConfigService
) -> None:
    await pinger.ping_once()
    assert stub.pings == [{"key": "", "url": SERVER_URL}]
    assert config.current.directory_registration_key == "key-1"
    await pinger.ping_once()
    assert stub.pings[1] == {"key": "key-1", "url": SERVER_URL}
    assert config.current.directory_registration_key == "key-1"


async def test_nothing_sent_while_disabled_or_offline(
    config: ConfigService, stub: DirectoryStub, caplog: pytest.LogCaptureFixture
) -> None:
    online = Online()
    pinger = make_pinger(config, stub.url, online)
    await pinger.start()
    try:
        online.value = False
        await pinger.ping_once()
        online.value = True
        await config.update(directory_enabled=False)
        await pinger.ping_once()
    finally:
        await pinger.stop()
    assert stub.pings == []
    assert warnings(caplog) == []


async def test_unusable_server_url_warns_once_until_fixed(
    pinger: DirectoryPinger, stub: DirectoryStub, config: ConfigService, caplog: pytest.LogCaptureFixture
) -> None:
    await config.update(server_url="stream.example")
    for _ in range(3):
        await pinger.ping_once()
    assert stub.pings == []
    assert len(warnings(caplog)) == 1
    assert "server URL 'stream.example'" in warnings(caplog)[0]
    await config.update(server_url=SERVER_URL)
    await pinger.ping_once()
    assert len(stub.pings) == 1


async def test_refusal_warns_once_until_the_next_success(
    pinger: DirectoryPinger, stub: DirectoryStub, config: ConfigService, caplog: pytest.LogCaptureFixture
) -> None:
    stub.replies = [refusal("listing is blocked"), refusal("listing is blocked")]
    await pinger.ping_once()
    await pinger.ping_once()
    assert warnings(caplog) == ["the directory refused the ping: listing is blocked (code 3)"]
    assert config.current.directory_registration_key == ""
    await pinger.ping_once()
    assert config.current.directory_registration_key == "key-1"
    stub.replies = [refusal("down for maintenance", 7)]
    await pinger.ping_once()
    assert warnings(caplog)[-1] == "the directory refused the ping: down for maintenance (code 7)"
    assert len(warnings(caplog)) == 2


@pytest.mark.parametrize(
    ("status", "text", "content_type"),
    [(502, "<html>bad gateway</html>", "text/html"), (200, "[" * 60_000, "application/json")],
    ids=["html", "nested past the parser's depth"],
)
async def test_unreadable_reply_counts_as_a_refusal(
    pinger: DirectoryPinger,
    stub: DirectoryStub,
    caplog: pytest.LogCaptureFixture,
    status: int,
    text: str,
    content_type: str,
) -> None:
    stub.replies = [web.Response(status=status, text=text, content_type=content_type)]
    await pinger.ping_once()
    assert warnings(caplog) == [f"the directory refused the ping: unreadable reply (HTTP {status}) (code 0)"]


async def test_unreachable_or_slow_directory_is_logged_not_raised(
    config: ConfigService, stub: DirectoryStub, caplog: pytest.LogCaptureFixture
) -> None:
    closed = DirectoryStub()
    await closed.start()
    closed_url = closed.url
    await closed.stop()
    unreachable = make_pinger(config, closed_url, Online())
    stub.delay = 0.5
    slow = make_pinger(config, stub.url, Online(), timeout=0.1)
    for pinger in (unreachable, slow):
        await pinger.start()
        try:
            await pinger.ping_once()
        finally:
            await pinger.stop()
    logged = warnings(caplog)
    assert len(logged) == 2
    assert logged[0].startswith(f"could not reach the directory at {closed_url}/api/ping: ")
    assert logged[1] == f"could not reach the directory at {stub.url}/api/ping: TimeoutError"


async def test_pings_run_from_stream_start_to_stream_stop(config: ConfigService, stub: DirectoryStub) -> None:
    bus = EventBus()
    pinger = make_pinger(config, stub.url, Online(), bus=bus)
    await pinger.start()
    try:
        await asyncio.sleep(0.12)
        assert stub.pings == []
        bus.publish(StreamStarted(stream_id="s", started_at=NOW))
        assert pinger.pinging
        await asyncio.sleep(0.03)
        assert stub.pings == []  # the first ping waits one interval

        async def two_pings() -> bool:
            return len(stub.pings) >= 2

        await wait_until(two_pings, 5, "two pings", interval=0.02)
        bus.publish(StreamStopped(stream_id="s", stopped_at=NOW))
        await bus.drain()
        assert not pinger.pinging
        count = len(stub.pings)
        await asyncio.sleep(0.12)
        assert len(stub.pings) == count
    finally:
        await pinger.stop()
