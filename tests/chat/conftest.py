from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from tests.harness import RunningServer, make_settings, running_server


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "churn: chat connect/disconnect churn and leak checks")


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[RunningServer]:
    settings = make_settings(tmp_path / "data", welcome_delay=0.3, banned_close_delay=0.3)
    async with running_server(tmp_path / "data", settings) as running:
        yield running


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session
