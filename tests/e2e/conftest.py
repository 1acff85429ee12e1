from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from tests.harness import RunningServer, running_server
from tests.media import Clip, encode_clip


@pytest.fixture(scope="session")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Clip:
    return encode_clip(tmp_path_factory.mktemp("media") / "clip.flv")


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[RunningServer]:
    async with running_server(tmp_path / "data") as running:
        assert running.server.services is not None
        await running.server.services.config.update(video_latency_level=0)
        yield running


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session
