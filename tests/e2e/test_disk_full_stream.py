"""A live stream whose disk fills up: viewers never get an empty playlist, and no traceback is logged."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from pathlib import Path

import aiohttp
import pytest

from tests.e2e.waiting import wait_until
from tests.harness import make_settings, running_server
from tests.media import Clip, start_publisher, stop_process
from tests.small_disk import fill, mounted_tmpfs

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("hls_format", ["mpegts", "fmp4"])
async def test_live_playlists_survive_a_full_disk(
    tmp_path: Path, clip: Clip, caplog: pytest.LogCaptureFixture, hls_format: str
) -> None:
    """MPEG-TS: ffmpeg renames an empty playlist into place, the last good copy stands in. fMP4: the live
    playlist comes from memory, untouched by the disk; the disk copies just fail (reported, no traceback)."""
    caplog.set_level(logging.INFO)
    with mounted_tmpfs(tmp_path / "disk", size_mb=48) as disk:
        settings = replace(make_settings(disk / "data"), hls_format=hls_format)
        async with running_server(disk / "data", settings) as server, aiohttp.ClientSession() as http:
            assert server.server.services is not None
            await server.server.services.config.update(video_latency_level=0)
            lifecycle = server.server.services.lifecycle
            url = server.base_url + "/hls/0/stream.m3u8"
            playlist = server.data_dir / "hls" / "0" / "stream.m3u8"
            publisher = await start_publisher(clip, server.rtmp_url())
            try:

                async def playlist_served() -> bool:
                    async with http.get(url) as response:
                        return response.status == 200 and b"#EXTINF" in await response.read()

                await wait_until(playlist_served, 30, "a live variant playlist")
                filler = fill(disk)
                answers: list[tuple[int, bytes]] = []
                empty_on_disk = False
                loop = asyncio.get_running_loop()
                start = loop.time()
                while loop.time() - start < 5:
                    async with http.get(url) as response:
                        answers.append((response.status, await response.read()))
                    empty_on_disk = empty_on_disk or (playlist.exists() and playlist.stat().st_size == 0)
                    await asyncio.sleep(0.05)
                last_served = answers[-1][1]
                filler.unlink()

                async def playlist_moves_on() -> bool:
                    async with http.get(url) as response:
                        body = await response.read()
                    return response.status == 200 and body.startswith(b"#EXTM3U") and body != last_served

                await wait_until(playlist_moves_on, 20, "the live playlist to move on once space is freed")

                # The stream ends while the disk is full: it still goes offline and the master goes away.
                filler = fill(disk)
                await stop_process(publisher)

                async def offline() -> bool:
                    return lifecycle.state.value == "offline"

                await wait_until(offline, 20, "offline with the disk full")
                async with http.get(server.base_url + "/hls/stream.m3u8") as response:
                    assert response.status == 404
                filler.unlink()
            finally:
                await stop_process(publisher)
    if hls_format == "mpegts":
        assert empty_on_disk, "ffmpeg wrote an empty playlist on the full disk (the case under test)"
        assert {status for status, _ in answers} <= {200, 503}
    else:
        assert {status for status, _ in answers} == {200}
        assert "the disk is full" in caplog.text
    assert all(body.startswith(b"#EXTM3U") for status, body in answers if status == 200)
    assert [r.getMessage() for r in caplog.records if r.exc_info] == []
