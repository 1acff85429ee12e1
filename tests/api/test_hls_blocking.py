"""Blocking playlist reload, delta updates and parts over real HTTP (`/hls/…` from the live window).

The stream is synthetic (tests/hls/live_feed.py pushes fragments into the server's `LiveHls` as the
packager does with ffmpeg's), so each test decides exactly when a part appears.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import aiohttp
import m3u8
import pytest

from ownstream.hls.live_store import LiveHls
from tests.harness import RunningServer
from tests.hls.live_feed import LiveFeed

PLAYLIST = "/hls/0/stream.m3u8"


@pytest.fixture
def store(server: RunningServer) -> LiveHls:
    assert server.server.services is not None
    return server.server.services.live_hls


@pytest.fixture
async def feed(store: LiveHls) -> AsyncIterator[LiveFeed]:
    live = LiveFeed(store)
    live.push(9)  # segments 0 and 1 complete (4 parts each), part 0 of segment 2
    yield live
    store.detach()


async def get(
    http: aiohttp.ClientSession, server: RunningServer, path: str
) -> tuple[int, bytes, dict[str, str]]:
    async with http.get(server.base_url + path) as response:
        return response.status, await response.read(), dict(response.headers)


async def test_the_live_playlist_comes_from_memory_with_its_low_latency_tags(
    server: RunningServer, http: aiohttp.ClientSession, feed: LiveFeed
) -> None:
    status, body, headers = await get(http, server, PLAYLIST)
    assert status == 200
    assert headers["Content-Type"] == "application/x-mpegURL"
    assert headers["Access-Control-Allow-Origin"] == "*"
    assert "no-cache" in headers["Cache-Control"]
    playlist = m3u8.loads(body.decode())
    assert playlist.server_control.can_block_reload == "YES"
    assert playlist.server_control.part_hold_back == 0.75
    assert playlist.preload_hint.uri == "part-feed01-9.m4s"
    assert [report.uri for report in playlist.rendition_reports] == ["../1/stream.m3u8"]
    assert playlist.rendition_reports[0].last_msn == 2 and playlist.rendition_reports[0].last_part == 0


async def test_a_blocking_request_waits_for_its_part_and_wakes_when_it_arrives(
    server: RunningServer, http: aiohttp.ClientSession, feed: LiveFeed
) -> None:
    waiting = asyncio.create_task(get(http, server, PLAYLIST + "?_HLS_msn=2&_HLS_part=1"))
    await asyncio.sleep(0.3)
    assert not waiting.done(), "answered before the part existed"
    pushed_at = time.monotonic()
    feed.push()
    status, body, headers = await asyncio.wait_for(waiting, 5)
    assert time.monotonic() - pushed_at < 1.0
    assert status == 200
    assert b'URI="part-feed01-9.m4s"' in body
    assert b'#EXT-X-PRELOAD-HINT:TYPE=PART,URI="part-feed01-10.m4s"' in body
    assert headers["Cache-Control"] == "public, max-age=1"


async def test_a_part_past_the_end_of_a_segment_means_the_next_segments_first(
    server: RunningServer, http: aiohttp.ClientSession, feed: LiveFeed
) -> None:
    status, body, _ = await get(http, server, PLAYLIST + "?_HLS_msn=1&_HLS_part=4")
    assert status == 200 and b"part-feed01-8.m4s" in body  # segment 1 has parts 0-3: 1.4 is 2.0
    waiting = asyncio.create_task(get(http, server, PLAYLIST + "?_HLS_msn=2"))
    await asyncio.sleep(0.2)
    assert not waiting.done()  # segment 2 is not complete yet
    feed.push(4)
    status, body, _ = await asyncio.wait_for(waiting, 5)
    assert status == 200 and b"stream-feed01-2.m4s" in body


async def test_requests_already_satisfied_answer_at_once(
    server: RunningServer, http: aiohttp.ClientSession, feed: LiveFeed
) -> None:
    started = time.monotonic()
    for query in ("?_HLS_msn=0", "?_HLS_msn=2&_HLS_part=0", "?_HLS_msn=1&_HLS_part=2"):
        status, _, _ = await get(http, server, PLAYLIST + query)
        assert status == 200
    assert time.monotonic() - started < 1.0


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?_HLS_part=1", "_HLS_part needs _HLS_msn"),
        ("?_HLS_msn=abc", "_HLS_msn must be a whole number"),
        ("?_HLS_msn=2&_HLS_part=-1", "_HLS_part must be a whole number"),
        ("?_HLS_skip=NO", "_HLS_skip must be YES or v2"),
        ("?_HLS_msn=5", "more than 2 segments past the newest"),
        ("?_HLS_msn=2&_HLS_part=13", "more than 12 parts past the newest"),
    ],
)
async def test_bad_or_too_far_directives_are_400(
    server: RunningServer, http: aiohttp.ClientSession, feed: LiveFeed, query: str, message: str
) -> None:
    status, body, headers = await get(http, server, PLAYLIST + query)
    assert status == 400
    assert message in body.decode()
    assert headers["Access-Control-Allow-Origin"] == "*"
    assert headers["Cache-Control"] == "no-store"


async def test_a_part_that_does_not_come_is_503_after_three_target_durations(
    server: RunningServer, http: aiohttp.ClientSession, feed: LiveFeed
) -> None:
    started = time.monotonic()
    status, body, headers = await get(http, server, PLAYLIST + "?_HLS_msn=2&_HLS_part=1")
    waited = time.monotonic() - started
    assert status == 503 and b"did not arrive in time" in body
    assert 2.9 <= waited < 5.0  # the target duration is 1 s
    assert headers["Cache-Control"] == "no-store"


async def test_the_end_of_the_stream_answers_waiting_requests(
    server: RunningServer, http: aiohttp.ClientSession, feed: LiveFeed
) -> None:
    waiting = asyncio.create_task(get(http, server, PLAYLIST + "?_HLS_msn=3"))
    await asyncio.sleep(0.2)
    feed.end()
    status, body, _ = await asyncio.wait_for(waiting, 5)
    assert status == 200 and body.rstrip().endswith(b"#EXT-X-ENDLIST")


async def test_delta_update(server: RunningServer, http: aiohttp.ClientSession, feed: LiveFeed) -> None:
    feed.push(40)  # 12 s of media: more than CAN-SKIP-UNTIL (6 s)
    _, full, _ = await get(http, server, PLAYLIST)
    _, delta, _ = await get(http, server, PLAYLIST + "?_HLS_skip=YES")
    full_playlist, delta_playlist = m3u8.loads(full.decode()), m3u8.loads(delta.decode())
    assert full_playlist.server_control.can_skip_until == 6.0
    assert delta_playlist.skip.skipped_segments == 6  # 12.25 s listed: those ending by 6.25 s
    assert delta_playlist.media_sequence == full_playlist.media_sequence
    assert len(delta) < len(full)
    assert [s.uri for s in delta_playlist.segments if s.uri] == [
        s.uri for s in full_playlist.segments[6:] if s.uri
    ]
    _, v2, _ = await get(http, server, PLAYLIST + "?_HLS_skip=v2")
    assert b"#EXT-X-VERSION:10" in v2 and b'RECENTLY-REMOVED-DATERANGES=""' in v2


async def test_parts_segments_and_the_init_segment_from_memory(
    server: RunningServer, http: aiohttp.ClientSession, feed: LiveFeed
) -> None:
    status, init, headers = await get(http, server, "/hls/0/init-feed01.mp4")
    assert status == 200 and init == feed.init.data
    assert headers["Content-Type"] == "video/mp4" and "max-age=31557600" in headers["Cache-Control"]
    rendition = feed.renditions[0]
    part = rendition.window.part(5)
    assert part is not None
    status, body, headers = await get(http, server, "/hls/0/part-feed01-5.m4s")
    assert status == 200 and body == b"".join(part.chunks)
    assert "max-age=31557600" in headers["Cache-Control"]
    segment = rendition.window.segment(1)
    assert segment is not None
    status, body, _ = await get(http, server, "/hls/1/stream-feed01-1.m4s")
    assert status == 200 and body == b"".join(segment.chunks())
    for missing in ("part-feed01-99.m4s", "stream-feed01-2.m4s", "part-other-5.m4s", "init-other.mp4"):
        status, _, _ = await get(http, server, f"/hls/0/{missing}")
        assert status == 404, missing


async def test_the_hinted_part_is_sent_as_its_bytes_arrive(server: RunningServer, store: LiveHls) -> None:
    store.detach()
    feed = LiveFeed(store, frames_per_fragment=3)  # two fragments make one 0.25 s part
    feed.push(10)  # parts 0-4 complete, part 5 not begun
    hint = feed.renditions[0].window.hinted_part_number
    async with aiohttp.ClientSession() as http:
        request = asyncio.create_task(http.get(f"{server.base_url}/hls/0/part-feed01-{hint}.m4s"))
        await asyncio.sleep(0.2)
        assert not request.done()
        (first,) = feed.push()
        response = await asyncio.wait_for(request, 5)
        assert response.status == 200
        received = await asyncio.wait_for(response.content.readexactly(len(first.data)), 5)
        assert received == first.data  # sent before the part is complete
        part = feed.renditions[0].window.part(hint)
        assert part is not None and not part.complete
        (second,) = feed.push()
        assert await asyncio.wait_for(response.content.read(), 5) == second.data
        response.release()
    store.detach()


async def test_directives_are_ignored_at_the_standard_levels(
    server: RunningServer, http: aiohttp.ClientSession, store: LiveHls
) -> None:
    store.detach()
    feed = LiveFeed(store, part_target=None, frames_per_fragment=24, segment_target=3.0)
    feed.push(4)
    status, body, _ = await get(http, server, PLAYLIST + "?_HLS_msn=9&_HLS_part=0")
    assert status == 200
    assert b"EXT-X-PART" not in body and b"SERVER-CONTROL" not in body
    store.detach()


async def test_offline_playlists_come_from_disk_as_before(
    server: RunningServer, http: aiohttp.ClientSession
) -> None:
    status, _, headers = await get(http, server, PLAYLIST + "?_HLS_msn=1")
    assert status == 404 and headers["Access-Control-Allow-Origin"] == "*"
