"""Low-latency HLS end to end: ffmpeg publishes a pre-encoded clip over RTMP (`-c copy`), the packager
cuts parts, and the real viewer page plays it with hls.js in low-latency mode for a minute; a standard
player (ffmpeg reading the master playlist) still plays the same stream.

The browser test runs in its own xdist group so parallel tests do not starve it: one passthrough 320×180
rendition keeps the server's share small (no transcode).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import aiohttp
import av
import pytest
from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page

from ownstream.hls.fmp4 import Fmp4Reader, Fragment
from ownstream.transcode.variants import StreamVariant
from tests.browser import chromium
from tests.e2e.waiting import wait_until
from tests.harness import RunningServer, make_settings, running_server
from tests.media import FFMPEG, Clip, segment_files, start_publisher, stop_process

pytestmark = [pytest.mark.e2e]

WATCH_SECONDS = 60
MAX_STALLS = 1
MAX_STALL_SECONDS = 0.5

# Stalls as the viewer sees them: the <video> waiting for data after it has started playing.
STALL_WATCH_JS = """
() => {
  const video = document.querySelector('video');
  const log = { stalls: [], waitingSince: null, ended: false };
  window.__stallLog = log;
  video.addEventListener('waiting', () => {
    if (log.waitingSince === null) log.waitingSince = performance.now();
  });
  const resumed = () => {
    if (log.waitingSince !== null) { log.stalls.push((performance.now() - log.waitingSince) / 1000); }
    log.waitingSince = null;
  };
  video.addEventListener('playing', resumed);
  video.addEventListener('timeupdate', () => { if (log.waitingSince !== null && !video.paused) resumed(); });
  video.addEventListener('ended', () => { log.ended = true; });
}
"""


CURRENT_TIME_JS = "() => document.querySelector('video').currentTime"
BEHIND_EDGE_JS = (
    "() => { const v = document.querySelector('video'); const r = v.seekable;"
    " return r.length ? r.end(r.length - 1) - v.currentTime : null; }"
)


async def pause_then_go_live(page: Page) -> None:
    """A viewer who paused is behind; the LIVE badge (the jump-to-live control) takes them back to the live
    edge, playing (a plain resume would go on from where they paused), and is highlighted again there."""
    await page.wait_for_selector("#live-badge.at-live-edge", state="attached", timeout=5_000)
    await page.evaluate("() => document.querySelector('video').pause()")
    paused_at = await page.evaluate(CURRENT_TIME_JS)
    # Paused, the controls stay up (they hide only while playing), so the badge is there to press.
    await page.locator("#live-badge.behind-live").wait_for(state="visible", timeout=5_000)
    assert await page.get_attribute("#live-badge", "aria-label") == "Behind live: jump to live (L)"
    await asyncio.sleep(4)
    await page.locator("#live-badge").click()
    await page.wait_for_function(
        "() => { const v = document.querySelector('video'); return !v.paused; }", timeout=5_000, polling=100
    )
    await asyncio.sleep(1)
    moved = await page.evaluate(CURRENT_TIME_JS) - paused_at
    assert moved > 4, f"only {moved:.2f} s on from the pause: not back at the live edge"
    await page.wait_for_selector("#live-badge.at-live-edge", state="attached", timeout=3_000)


@pytest.fixture
async def low_latency_server(tmp_path: Path) -> AsyncIterator[RunningServer]:
    """Level 0, one passthrough rendition, Owncast's online delay not overridden (low latency has none)."""
    async with running_server(
        tmp_path / "data", make_settings(tmp_path / "data", online_grace=None)
    ) as server:
        assert server.server.services is not None
        await server.server.services.config.update(
            video_latency_level=0, video_variants=(StreamVariant(video_passthrough=True),)
        )
        yield server


async def online(http: aiohttp.ClientSession, server: RunningServer) -> bool:
    async with http.get(server.base_url + "/api/status") as response:
        return bool((await response.json())["online"])


@pytest.mark.browser
@pytest.mark.alone  # the stall limit needs the machine to itself
async def test_hls_js_plays_low_latency_for_a_minute_and_ffmpeg_plays_the_master(
    low_latency_server: RunningServer, clip: Clip, tmp_path: Path
) -> None:
    server = low_latency_server
    async with aiohttp.ClientSession() as http:
        published = time.monotonic()
        publisher = await start_publisher(clip, server.rtmp_url())
        try:
            await wait_until(lambda: online(http, server), 20, "online", interval=0.05)
            # Online as soon as a whole segment is there to start from: not Owncast's 7 s.
            assert time.monotonic() - published < 5.0
            async with http.get(server.base_url + "/hls/0/stream.m3u8") as response:
                playlist = await response.text()
            assert "#EXT-X-PART-INF:PART-TARGET=0.2" in playlist  # 15 fps: 3-frame parts

            requested: list[str] = []
            async with chromium() as browser:
                page = await browser.new_page(viewport={"width": 960, "height": 600})
                console: list[str] = []
                page.on("request", lambda request: requested.append(request.url))
                page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
                page.on("pageerror", lambda error: console.append(f"pageerror: {error}"))
                await page.goto(server.base_url + "/")
                try:
                    await page.wait_for_function(
                        "() => { const v = document.querySelector('video');"
                        " return !!v && v.currentTime > 0.5; }",
                        timeout=30_000,
                        polling=100,
                    )
                except PlaywrightError as error:
                    raise AssertionError(f"never played: {console[-20:]} {requested[-20:]}") from error
                await page.evaluate(STALL_WATCH_JS)
                start = await page.evaluate("() => document.querySelector('video').currentTime")
                await asyncio.sleep(WATCH_SECONDS)
                log = await page.evaluate("() => window.__stallLog")
                end = await page.evaluate("() => document.querySelector('video').currentTime")
                behind = await page.evaluate(BEHIND_EDGE_JS)
                await pause_then_go_live(page)
                await page.close()

            stalls: list[float] = log["stalls"]
            if log["waitingSince"] is not None:
                stalls.append(float("inf"))
            assert len(stalls) <= MAX_STALLS and all(s < MAX_STALL_SECONDS for s in stalls), stalls
            assert not log["ended"]
            assert end - start >= WATCH_SECONDS - 2, "playback did not keep up with real time"
            assert behind is not None and behind < 3.0
            # hls.js really ran in low-latency mode: blocking reloads and parts.
            blocking = [u for u in requested if "_HLS_msn" in parse_qs(urlsplit(u).query)]
            parts = [u for u in requested if urlsplit(u).path.rsplit("/", 1)[-1].startswith("part-")]
            assert len(blocking) > WATCH_SECONDS and len(parts) > WATCH_SECONDS
            assert not any("cb" in parse_qs(urlsplit(u).query) for u in blocking)

            await a_standard_player_plays_the_master(server, tmp_path)
        finally:
            await stop_process(publisher)


async def a_standard_player_plays_the_master(server: RunningServer, tmp_path: Path) -> None:
    """ffmpeg's HLS demuxer knows nothing of parts: it reads the master, then whole segments."""
    out = tmp_path / "standard-player.mp4"
    reader = await asyncio.create_subprocess_exec(
        FFMPEG, "-hide_banner", "-loglevel", "error", "-y",
        "-i", server.base_url + "/hls/stream.m3u8", "-t", "4", "-c", "copy", str(out),
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        _, stderr = await asyncio.wait_for(reader.communicate(), 30)
    finally:
        await stop_process(reader)
    assert reader.returncode == 0, stderr.decode()
    with av.open(str(out)) as container:
        video = container.streams.video[0]
        frames = sum(1 for _ in container.decode(video))
        assert (video.codec_context.width, video.codec_context.height) == (320, 180)
    assert frames >= 3.5 * 15


async def test_standard_levels_cut_short_fragments_so_segments_are_listed_on_time(
    tmp_path: Path, clip: Clip
) -> None:
    """At level 2 (no parts) ffmpeg still cuts a fragment every few frames: a segment closes when the
    keyframe after it arrives. With one fragment per GOP that keyframe reaches the packager only when the
    *next* GOP is complete, and every segment would be listed a GOP (here 1 s) late."""
    async with running_server(tmp_path / "data") as server:
        assert server.server.services is not None
        await server.server.services.config.update(
            video_latency_level=2, video_variants=(StreamVariant(video_passthrough=True),)
        )
        publisher = await start_publisher(clip, server.rtmp_url())
        try:
            folder = server.data_dir / "hls" / "0"

            async def a_segment() -> bool:
                return any(path.suffix == ".m4s" for path in segment_files(folder))

            await wait_until(a_segment, 30, "a segment", interval=0.1)
            segment = next(path for path in segment_files(folder) if path.suffix == ".m4s")
            init = next(folder.glob("init-*.mp4"))
            items = Fmp4Reader().feed(init.read_bytes() + segment.read_bytes())
        finally:
            await stop_process(publisher)
    fragments = [item for item in items if isinstance(item, Fragment)]
    assert len(fragments) >= 3 * 15 // 3  # a 3 s segment of 15 fps video in 3-frame fragments
