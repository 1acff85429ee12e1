"""DVR while live, over real HTTP while ffmpeg publishes a pre-encoded clip (`-c copy`) at low latency:
the DVR playlist `/api/dvr` names is an EVENT playlist of the recording, dated on every segment, within
the window, with a discontinuity after a reconnect, while the live playlist stays its small self."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from ownstream.transcode.variants import StreamVariant
from tests.e2e.test_replays import online, recorded_seconds
from tests.e2e.waiting import wait_until
from tests.harness import RunningServer, admin_auth, make_settings, running_server
from tests.media import Clip, start_publisher, stop_process

pytestmark = pytest.mark.e2e

LIVE_WINDOW_SEGMENTS = 25
"""Latency level 0: the live playlist holds 25 one-second segments."""


@pytest.fixture
async def dvr_server(tmp_path: Path) -> AsyncIterator[RunningServer]:
    """Level 0 (low latency), one passthrough rendition (no transcode), a reconnect window of 20 s."""
    async with running_server(
        tmp_path / "data", make_settings(tmp_path / "data", online_grace=None)
    ) as server:
        assert server.server.services is not None
        await server.server.services.config.update(
            video_latency_level=0,
            video_variants=(StreamVariant(video_passthrough=True),),
            replays_reconnect_window=20,
        )
        yield server


async def dvr_info(http: aiohttp.ClientSession, base_url: str) -> dict[str, Any]:
    async with http.get(base_url + "/api/dvr") as response:
        assert response.status == 200
        info: dict[str, Any] = await response.json()
        return info


async def fetch_text(http: aiohttp.ClientSession, url: str) -> str:
    async with http.get(url) as response:
        assert response.status == 200, url
        return await response.text()


def dates(text: str) -> list[datetime]:
    return [
        datetime.fromisoformat(line.split(":", 1)[1])
        for line in text.splitlines()
        if line.startswith("#EXT-X-PROGRAM-DATE-TIME:")
    ]


def segment_count(text: str) -> int:
    return sum(line.startswith("#EXTINF:") for line in text.splitlines())


async def publish_until(
    clip: Clip, http: aiohttp.ClientSession, server: RunningServer, seconds: float
) -> None:
    """Publish until `seconds` more are recorded, then stop and wait for the stream to end."""
    before = await recorded_seconds(http, server.base_url)
    publisher = await start_publisher(clip, server.rtmp_url())
    try:

        async def enough() -> bool:
            return await recorded_seconds(http, server.base_url) >= before + seconds

        await wait_until(enough, 60, f"{seconds} s more recorded")
    finally:
        await stop_process(publisher)

    async def offline() -> bool:
        return not await online(http, server.base_url)

    await wait_until(offline, 30, "the stream to end")


async def test_the_dvr_playlist_is_the_recordings_event_playlist_within_the_window(
    dvr_server: RunningServer, http: aiohttp.ClientSession, clip: Clip
) -> None:
    server = dvr_server
    await publish_until(clip, http, server, 6)
    publisher = await start_publisher(clip, server.rtmp_url())  # back within the reconnect window
    try:

        async def is_online() -> bool:
            return await online(http, server.base_url)

        await wait_until(is_online, 30, "online again")
        before = await recorded_seconds(http, server.base_url)

        async def recorded_after_reconnect() -> bool:
            return await recorded_seconds(http, server.base_url) >= before + 30

        await wait_until(recorded_after_reconnect, 60, "30 s recorded after the reconnect")

        info = await dvr_info(http, server.base_url)
        now = datetime.now(UTC)
        assert info["window"] == 7200 and info["playlist"].startswith("/replay/")
        assert abs(datetime.fromisoformat(info["now"]) - now) < timedelta(seconds=2)
        text = await fetch_text(http, server.base_url + info["playlist"])
        lines = text.splitlines()
        assert "#EXT-X-PLAYLIST-TYPE:EVENT" in lines and "#EXT-X-ENDLIST" not in lines
        assert "#EXT-X-MEDIA-SEQUENCE:0" in lines
        # Both publishes, one discontinuity between them, each with its own init segment.
        assert lines.count("#EXT-X-DISCONTINUITY") == 1
        assert sum(line.startswith("#EXT-X-MAP:") for line in lines) == 2
        stamps = dates(text)
        assert len(stamps) == segment_count(text) > LIVE_WINDOW_SEGMENTS
        assert stamps == sorted(stamps) and stamps[-1] <= now
        assert abs(datetime.fromisoformat(info["start"]) - stamps[0]) < timedelta(milliseconds=1)
        # Longer than the live playlist, which keeps only its own window (the edge reloads stay small).
        master = await fetch_text(http, server.base_url + "/hls/stream.m3u8")
        variant = next(line for line in master.splitlines() if line and not line.startswith("#"))
        live = await fetch_text(http, f"{server.base_url}/hls/{variant}")
        assert "#EXT-X-PART-INF" in live  # low latency
        assert segment_count(live) <= LIVE_WINDOW_SEGMENTS < segment_count(text)
        # Its segments are the recording's files.
        media = [line for line in lines if line and not line.startswith("#")]
        async with http.get(
            f"{server.base_url}{info['playlist'].split('dvr.m3u8')[0]}{media[-1]}"
        ) as response:
            assert response.status == 200 and response.headers["Content-Type"] == "video/mp4"

        # The window: with 20 s, the playlist /api/dvr names starts at most 20 s + the 30 s step back,
        # and a `since` inside the stream starts there, its sequences counting what came before.
        async with http.post(
            server.base_url + "/api/admin/config/replays/dvrwindow",
            json={"value": 20},
            headers=admin_auth(),
        ) as response:
            assert response.status == 200
        info = await dvr_info(http, server.base_url)
        since = int(info["playlist"].rsplit("=", 1)[1])
        assert datetime.now(UTC).timestamp() - 20 - 30 - 1 <= since <= datetime.now(UTC).timestamp() - 20
        windowed = await fetch_text(http, server.base_url + info["playlist"])
        assert dates(windowed)[0] >= datetime.fromtimestamp(since, UTC)
        recent = int(datetime.now(UTC).timestamp()) - 10
        last_ten = await fetch_text(http, f"{server.base_url}{info['playlist'].split('?')[0]}?since={recent}")
        assert dates(last_ten)[0] >= datetime.fromtimestamp(recent, UTC)
        assert 7 <= segment_count(last_ten) <= 11
        assert "#EXT-X-DISCONTINUITY-SEQUENCE:1" in last_ten.splitlines()
        assert "#EXT-X-PLAYLIST-TYPE:EVENT" in last_ten.splitlines()
        assert "#EXT-X-DISCONTINUITY" not in last_ten.splitlines()
    finally:
        await stop_process(publisher)
