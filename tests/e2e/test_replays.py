"""Replays end to end: ffmpeg publishes over RTMP, the packager's segments are recorded, a reconnect
within the window continues the replay, it is finalised after the window, and it plays back as a VOD
playlist and as a remuxed MP4. A `kill -9` mid-stream keeps what was recorded."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from tests.e2e.cli_process import cli_server
from tests.e2e.waiting import wait_until
from tests.harness import RunningServer, admin_auth
from tests.media import Clip, start_publisher, stop_process
from tests.replays.test_download import mp4_duration
from tests.webhooks.receiver import receiving

pytestmark = pytest.mark.e2e


async def replays(http: aiohttp.ClientSession, base_url: str) -> list[dict[str, Any]]:
    async with http.get(base_url + "/api/replays") as response:
        assert response.status == 200
        listed: list[dict[str, Any]] = await response.json()
        return listed


async def online(http: aiohttp.ClientSession, base_url: str) -> bool:
    async with http.get(base_url + "/api/status") as response:
        return bool((await response.json())["online"])


async def recorded_seconds(http: aiohttp.ClientSession, base_url: str) -> float:
    listed = await replays(http, base_url)
    return float(listed[0]["duration"]) if listed else 0.0


async def publish_for(clip: Clip, http: aiohttp.ClientSession, base_url: str, rtmp_url: str,
                      seconds: float) -> float:  # fmt: skip
    """Publish until `seconds` more are recorded; returns how long the publisher ran."""
    before = await recorded_seconds(http, base_url)
    started = time.monotonic()
    publisher = await start_publisher(clip, rtmp_url)
    try:

        async def enough() -> bool:
            return await recorded_seconds(http, base_url) >= before + seconds

        await wait_until(enough, 40, f"{seconds} s more recorded")
    finally:
        await stop_process(publisher)
    ran = time.monotonic() - started

    async def offline() -> bool:
        return not await online(http, base_url)

    await wait_until(offline, 30, "the stream to end")
    return ran


async def playlist(http: aiohttp.ClientSession, base_url: str, replay_id: str) -> str:
    async with http.get(f"{base_url}/replay/{replay_id}/stream.m3u8") as response:
        assert response.status == 200
        return await response.text()


def extinf_total(text: str) -> float:
    return sum(
        float(line.split(":")[1].rstrip(",")) for line in text.splitlines() if line.startswith("#EXTINF:")
    )


async def download(http: aiohttp.ClientSession, base_url: str, replay_id: str, target: Path) -> None:
    async with http.get(f"{base_url}/replay/{replay_id}/download.mp4") as response:
        assert response.status == 200
        assert response.headers["Content-Type"] == "video/mp4"
        with target.open("wb") as handle:
            async for chunk in response.content.iter_chunked(65536):
                handle.write(chunk)


async def test_a_reconnect_within_the_window_continues_one_replay_finalised_after_the_window(
    server: RunningServer, http: aiohttp.ClientSession, clip: Clip, tmp_path: Path
) -> None:
    assert server.server.services is not None
    await server.server.services.config.update(replays_reconnect_window=4)
    first = await publish_for(clip, http, server.base_url, server.rtmp_url(), 4)
    assert len(await replays(http, server.base_url)) == 1
    second = await publish_for(clip, http, server.base_url, server.rtmp_url(), 4)
    ended_at = time.monotonic()

    (replay,) = await replays(http, server.base_url)
    assert replay["endTime"] is None, "finalised before the reconnect window passed"

    async def finalised() -> bool:
        (current,) = await replays(http, server.base_url)
        return current["endTime"] is not None

    await wait_until(finalised, 4 + 5 + 2, "the replay to be finalised")
    assert time.monotonic() - ended_at <= 4 + 5 + 1
    (replay,) = await replays(http, server.base_url)
    text = await playlist(http, server.base_url, replay["id"])
    lines = text.splitlines()
    assert "#EXT-X-PLAYLIST-TYPE:VOD" in lines and lines[-1] == "#EXT-X-ENDLIST"
    assert lines.count("#EXT-X-DISCONTINUITY") == 1
    assert sum(line.startswith("#EXT-X-MAP:") for line in lines) == 2
    assert text.count("#EXT-X-PROGRAM-DATE-TIME:") == text.count("#EXTINF:")
    recorded = extinf_total(text)
    assert abs(recorded - replay["duration"]) < 0.01
    # What was sent: each publisher's run (ffmpeg's `-re` runs ≈0.4 s ahead of real time, DESIGN.md),
    # within one segment (1 s at latency level 0). Measured here: 9.07 s sent, 9.58 s recorded.
    sent = first + second
    assert abs(recorded - sent) <= 1.0 + 2 * 0.4, (first, second, recorded)

    target = tmp_path / "replay.mp4"
    await download(http, server.base_url, replay["id"], target)
    assert abs(mp4_duration(target) - recorded) <= 1.0  # within one segment (1 s at latency level 0)

    async def has_thumbnail() -> bool:
        (current,) = await replays(http, server.base_url)
        return current["thumbnail"] is not None

    await wait_until(has_thumbnail, 10, "the replay's thumbnail")
    async with http.get(server.base_url + (await replays(http, server.base_url))[0]["thumbnail"]) as response:
        assert response.status == 200 and (await response.read())[:2] == b"\xff\xd8"


async def test_a_window_of_zero_finalises_at_once_and_a_reconnect_starts_a_new_replay(
    server: RunningServer, http: aiohttp.ClientSession, clip: Clip
) -> None:
    assert server.server.services is not None
    await server.server.services.config.update(replays_reconnect_window=0, server_url="https://tv.example")
    async with receiving() as receiver:
        async with http.post(
            server.base_url + "/api/admin/webhooks/create",
            json={"url": receiver.url(), "events": ["REPLAY_READY"]},
            headers=admin_auth(),
        ) as response:
            assert response.status == 200
        await publish_for(clip, http, server.base_url, server.rtmp_url(), 2)
        ended_at = time.monotonic()

        async def finalised() -> bool:
            listed = await replays(http, server.base_url)
            return bool(listed) and listed[0]["endTime"] is not None

        await wait_until(finalised, 5, "the replay to be finalised")
        assert time.monotonic() - ended_at <= 5
        [ready] = await receiver.wait_for(1, "REPLAY_READY", timeout=5)
    (replay,) = await replays(http, server.base_url)
    assert ready["eventData"]["url"] == f"https://tv.example/replay/{replay['id']}"
    assert ready["eventData"]["replay"]["endTime"] == replay["endTime"]
    await publish_for(clip, http, server.base_url, server.rtmp_url(), 2)
    await wait_until(finalised, 5, "the second replay to be finalised")
    listed = await replays(http, server.base_url)
    assert len(listed) == 2 and listed[0]["startTime"] > listed[1]["startTime"]
    assert "#EXT-X-DISCONTINUITY" not in await playlist(http, server.base_url, listed[0]["id"])


async def test_nothing_is_recorded_when_replays_are_off(
    server: RunningServer, http: aiohttp.ClientSession, clip: Clip
) -> None:
    async with http.post(
        server.base_url + "/api/admin/config/replays/enabled", json={"value": False}, headers=admin_auth()
    ) as response:
        assert response.status == 200
    publisher = await start_publisher(clip, server.rtmp_url())
    try:

        async def is_online() -> bool:
            return await online(http, server.base_url)

        await wait_until(is_online, 30, "online")
        await asyncio.sleep(3)
    finally:
        await stop_process(publisher)
    assert await replays(http, server.base_url) == []
    assert not any((server.data_dir / "recordings").glob("*/*.m4s"))


async def test_kill_9_mid_stream_keeps_what_was_recorded_playable_after_restart(
    tmp_path: Path, clip: Clip, http: aiohttp.ClientSession
) -> None:
    data_dir = tmp_path / "data"
    async with cli_server(data_dir) as server:
        async with http.post(
            server.base_url + "/api/admin/config/video/streamlatencylevel",
            json={"value": 0},
            headers=admin_auth(),
        ) as response:
            assert response.status == 200
        publisher = await start_publisher(clip, server.rtmp_url("abc123"))
        try:

            async def some_recorded() -> bool:
                return await recorded_seconds(http, server.base_url) >= 4

            await wait_until(some_recorded, 40, "4 s recorded")
            (before,) = await replays(http, server.base_url)
            await server.kill()
        finally:
            await stop_process(publisher)

    async with cli_server(data_dir) as server:
        (after,) = await replays(http, server.base_url)
        assert after["id"] == before["id"]
        assert after["endTime"] is not None, "the restarted server finalises what the killed one left open"
        assert after["duration"] >= before["duration"]
        text = await playlist(http, server.base_url, after["id"])
        assert text.rstrip().endswith("#EXT-X-ENDLIST")
        uris = [line for line in text.splitlines() if line and not line.startswith("#")]
        uris += [line.split('"')[1] for line in text.splitlines() if line.startswith("#EXT-X-MAP:")]
        for uri in uris:
            async with http.get(f"{server.base_url}/replay/{after['id']}/{uri}") as response:
                assert response.status == 200, uri
        target = tmp_path / "after-kill.mp4"
        await download(http, server.base_url, after["id"], target)
        assert abs(mp4_duration(target) - extinf_total(text)) <= 1.0
