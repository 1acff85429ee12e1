"""Chat while a real stream goes live and ends: joins, welcome, stream notices (ffmpeg over RTMP)."""

from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from ownstream.events import ChatEventOccurred
from tests.chat.client import ChatSocket, register
from tests.harness import RunningServer, make_settings, running_server
from tests.media import Clip, encode_clip, start_publisher, stop_process

WELCOME = "Hello and **welcome**! <script>alert(1)</script>"


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Clip:
    return encode_clip(tmp_path_factory.mktemp("media") / "clip.flv", seconds=2)


@pytest.fixture
async def live_server(tmp_path: Path) -> AsyncIterator[RunningServer]:
    settings = make_settings(tmp_path / "data", welcome_delay=0.3, online_grace=0.5)
    async with running_server(tmp_path / "data", settings) as running:
        assert running.server.services is not None
        await running.server.services.config.update(video_latency_level=0, welcome_message=WELCOME)
        yield running


async def test_joins_welcome_and_stream_notices(
    live_server: RunningServer, http: aiohttp.ClientSession, clip: Clip
) -> None:
    services = live_server.server.services
    assert services is not None
    hooks: list[ChatEventOccurred] = []
    services.bus.subscribe(ChatEventOccurred, hooks.append)

    early = await register(http, live_server.base_url, "early")
    a = await ChatSocket.open(http, live_server.base_url, early.token)
    await a.expect("CONNECTED_USER_INFO")

    publisher = await start_publisher(clip, live_server.rtmp_url())
    try:
        starting = await a.expect("CHAT_ACTION", timeout=20)
        assert "starting" in starting["body"]
        welcome = await a.next(timeout=5)
        assert welcome["type"] == "SYSTEM"
        assert welcome["body"] == "<p>Hello and <strong>welcome</strong>! </p>\n"
        assert welcome["user"] == {"displayName": services.config.current.server_name}

        async def wait_online() -> None:
            for _ in range(200):
                if services.lifecycle.online:
                    return
                await a.expect_silence(0.05)
            raise AssertionError("the stream never went online")

        await wait_online()
        late = await register(http, live_server.base_url, "late")
        b = await ChatSocket.open(http, live_server.base_url, late.token)
        # CONNECTED_USER_INFO and the USER_JOINED broadcast were queued together: one frame, two events.
        assert (await b.next())["type"] == "CONNECTED_USER_INFO"
        join = await b.next()
        assert join["type"] == "USER_JOINED" and join["user"]["id"] == late.id
        assert b.frames[0].count("\n") == 1
        assert (await a.expect("USER_JOINED"))["user"]["id"] == late.id
        welcome_b = await b.next(timeout=3)
        assert welcome_b["type"] == "SYSTEM" and "welcome" in welcome_b["body"]
        await a.expect_silence(0.4)  # the delayed welcome goes to the new socket only

        joined_hooks = [hook.data for hook in hooks if hook.type == "USER_JOINED"]
        assert len(joined_hooks) == 1 and joined_hooks[0]["user"]["id"] == late.id
        assert set(joined_hooks[0]) == {"id", "timestamp", "user", "clientId"}
        assert joined_hooks[0]["clientId"] == 1

        # Reconnecting within the suppression window announces nothing.
        await b.close()
        b = await ChatSocket.open(http, live_server.base_url, late.token)
        assert (await b.next())["type"] == "CONNECTED_USER_INFO"
        await a.expect_silence(0.4)
        assert len([hook for hook in hooks if hook.type == "USER_JOINED"]) == 1
        await b.close()
    finally:
        await stop_process(publisher)
    ended = await a.expect("CHAT_ACTION", timeout=20)
    assert "end of the stream" in ended["body"]
    assert await services.chat.history() == []  # stream notices are not stored
    await a.close()
