"""End to end: while a real publish is online, the viewer history samples the live viewer count."""

from pathlib import Path

import aiohttp
import pytest

from tests.e2e.waiting import wait_until
from tests.harness import admin_auth, make_settings, running_server
from tests.media import Clip, encode_clip, start_publisher, stop_process

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Clip:
    return encode_clip(tmp_path_factory.mktemp("media") / "clip.flv")


async def test_online_viewers_are_sampled(tmp_path: Path, clip: Clip) -> None:
    settings = make_settings(tmp_path / "data", viewer_sample_interval=0.2)
    async with running_server(tmp_path / "data", settings) as server, aiohttp.ClientSession() as http:
        services = server.server.services
        assert services is not None
        await services.config.update(video_latency_level=0)
        publisher = await start_publisher(clip, server.rtmp_url())
        try:

            async def online() -> bool:
                return services.lifecycle.online

            await wait_until(online, 20, "the stream to be online", interval=0.05)
            for agent in ("viewer-a", "viewer-b"):
                async with http.get(server.base_url + "/api/ping", headers={"User-Agent": agent}):
                    pass

            async def two_viewers_sampled() -> bool:
                async with http.get(
                    server.base_url + "/api/admin/viewersOverTime", headers=admin_auth()
                ) as r:
                    return any(sample["value"] == 2 for sample in await r.json())

            await wait_until(two_viewers_sampled, 5, "a sample of 2 viewers", interval=0.05)
        finally:
            await stop_process(publisher)
        async with http.get(server.base_url + "/api/admin/viewersOverTime", headers=admin_auth()) as response:
            samples = await response.json()
    assert samples[0]["value"] == 0  # the sample at start, before anyone published
