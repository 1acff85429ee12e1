"""`/api/admin/viewersOverTime` and `/api/admin/hardwarestats` on a running server (reference §2.3, §7)."""

from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path

import aiohttp
import pytest

from tests.e2e.waiting import wait_until
from tests.harness import RunningServer, admin_auth, make_settings, running_server

ADMIN = admin_auth()


@pytest.fixture
async def sampling_server(tmp_path: Path) -> AsyncIterator[RunningServer]:
    settings = make_settings(tmp_path / "data", viewer_sample_interval=0.1, hardware_sample_interval=0.1)
    async with running_server(tmp_path / "data", settings) as running:
        yield running


async def get_json(http: aiohttp.ClientSession, url: str) -> object:
    async with http.get(url, headers=ADMIN) as response:
        assert response.status == 200
        return await response.json()


@pytest.mark.parametrize("path", ["/api/admin/viewersOverTime", "/api/admin/hardwarestats"])
async def test_charts_need_the_admin(server: RunningServer, http: aiohttp.ClientSession, path: str) -> None:
    async with http.get(server.base_url + path) as response:
        assert response.status == 401


async def test_viewer_samples_are_taken_while_offline(
    sampling_server: RunningServer, http: aiohttp.ClientSession
) -> None:
    url = sampling_server.base_url + "/api/admin/viewersOverTime"
    async with http.get(sampling_server.base_url + "/api/ping"):
        pass  # a viewer while offline still counts as 0, as Owncast reports

    async def several() -> bool:
        samples = await get_json(http, url)
        return isinstance(samples, list) and len(samples) >= 3

    await wait_until(several, 10, "viewer samples", interval=0.05)
    samples = await get_json(http, url)
    assert isinstance(samples, list)
    assert {sample["value"] for sample in samples} == {0}
    times = [datetime.fromisoformat(sample["time"]) for sample in samples]
    assert times == sorted(times) and all(moment.tzinfo is not None for moment in times)


async def test_hardware_samples(sampling_server: RunningServer, http: aiohttp.ClientSession) -> None:
    url = sampling_server.base_url + "/api/admin/hardwarestats"

    async def sampled() -> bool:
        stats = await get_json(http, url)
        return isinstance(stats, dict) and len(stats["cpu"]) >= 2

    await wait_until(sampled, 10, "hardware samples", interval=0.05)
    stats = await get_json(http, url)
    assert isinstance(stats, dict) and set(stats) == {"cpu", "memory", "disk"}
    for kind in ("cpu", "memory", "disk"):
        assert len(stats[kind]) >= 2
        for sample in stats[kind]:
            assert set(sample) == {"time", "value"}
            assert isinstance(sample["value"], int) and 0 <= sample["value"] <= 100
            datetime.fromisoformat(sample["time"])
    assert stats["memory"][0]["value"] > 0 and stats["disk"][0]["value"] > 0


async def test_default_intervals_give_one_viewer_sample_at_start(
    server: RunningServer, http: aiohttp.ClientSession
) -> None:
    samples = await get_json(http, server.base_url + "/api/admin/viewersOverTime")
    assert isinstance(samples, list) and [sample["value"] for sample in samples] == [0]
    assert await get_json(http, server.base_url + "/api/admin/hardwarestats") == {
        "cpu": [],
        "memory": [],
        "disk": [],
    }
