"""Simulcast end to end: one publisher, the stream forwarded to real RTMP servers on loopback (a second
Ownstream, ffmpeg's RTMP listener, an RTMPS front with a throw-away certificate), each destination
isolated and supervised."""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
import time
from collections.abc import AsyncIterator
from itertools import pairwise
from pathlib import Path
from typing import Any

import aiohttp
import psutil
import pytest
from aiohttp import web

from ownstream.events import SegmentWritten
from ownstream.transcode.variants import StreamVariant
from tests.contract.differences import BEHAVIOUR_DEVIATIONS
from tests.e2e.waiting import wait_until
from tests.harness import RunningServer, admin_auth, make_settings, running_server
from tests.media import Clip, probe_video_size, segment_files, start_publisher, stop_process
from tests.rtmp_peers import FfmpegListener, make_throwaway_ca, tls_front

pytestmark = pytest.mark.e2e

FAST_SIMULCAST = {
    "simulcast_first_retry": 0.5,
    "simulcast_max_retry": 2.0,
    "simulcast_stall_timeout": 6.0,
    "simulcast_stop_timeout": 3.0,
}
REMOTE_KEY = "remote-key-0123456789"
PASSTHROUGH = (StreamVariant(video_passthrough=True, audio_passthrough=True),)


async def configured(running: RunningServer, **changes: Any) -> RunningServer:
    assert running.server.services is not None
    await running.server.services.config.update(video_latency_level=0, video_variants=PASSTHROUGH, **changes)
    return running


@pytest.fixture
async def origin(tmp_path: Path) -> AsyncIterator[RunningServer]:
    async with running_server(
        tmp_path / "origin", make_settings(tmp_path / "origin", **FAST_SIMULCAST)
    ) as running:
        yield await configured(running)


@pytest.fixture
async def remote(tmp_path: Path) -> AsyncIterator[RunningServer]:
    """A second Ownstream, the kind of destination a streamer's friend might run."""
    async with running_server(tmp_path / "remote") as running:
        yield await configured(running, stream_key=REMOTE_KEY)


@pytest.fixture
async def listener(tmp_path: Path) -> AsyncIterator[FfmpegListener]:
    peer = FfmpegListener(tmp_path / "listener")
    await peer.start()
    yield peer
    await peer.stop()


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(headers=admin_auth()) as session:
        yield session


def remote_url(remote: RunningServer, key: str = REMOTE_KEY) -> str:
    return remote.rtmp_url(key=key)


async def create(http: aiohttp.ClientSession, server: RunningServer, **body: Any) -> dict[str, Any]:
    async with http.post(server.base_url + "/api/admin/restream/destinations/create", json=body) as response:
        answer = await response.json()
        assert response.status == 200, answer
        return dict(answer)


async def statuses(http: aiohttp.ClientSession, server: RunningServer) -> dict[int, dict[str, Any]]:
    async with http.get(server.base_url + "/api/admin/restream/status") as response:
        assert response.status == 200
        return {entry["id"]: entry for entry in await response.json()}


async def wait_for_state(
    http: aiohttp.ClientSession, server: RunningServer, destination: int, state: str, timeout: float = 30
) -> float:
    async def reached() -> bool:
        return bool((await statuses(http, server))[destination]["state"] == state)

    return await wait_until(reached, timeout, f"destination {destination} {state}", interval=0.1)


def forwarders() -> list[psutil.Process]:
    """This process's forwarding ffmpegs (told apart from transcoders and listeners by their flags)."""
    found = []
    for child in psutil.Process(os.getpid()).children(recursive=True):
        try:
            if "no_duration_filesize" in child.cmdline():
                found.append(child)
        except psutil.NoSuchProcess:
            continue
    return found


def forwarder_pid(server: RunningServer, destination: int) -> int:
    assert server.server.services is not None
    output = server.server.services.simulcast.output_of(destination)
    assert output is not None and output.pid is not None
    return output.pid


async def remote_online(http: aiohttp.ClientSession, remote: RunningServer) -> bool:
    async with http.get(remote.base_url + "/api/status") as response:
        return bool((await response.json())["online"] is True)


def first_segment(folder: Path) -> Path:
    return segment_files(folder)[0]


async def test_both_destinations_go_live_and_play(
    origin: RunningServer,
    remote: RunningServer,
    listener: FfmpegListener,
    http: aiohttp.ClientSession,
    clip: Clip,
) -> None:
    to_remote = await create(http, origin, name="Friend's Ownstream", url=remote_url(remote))
    to_listener = await create(http, origin, name="Listener", url=listener.url)
    assert REMOTE_KEY not in to_remote["displayUrl"] and to_remote["url"] == remote_url(remote)
    publisher = await start_publisher(clip, origin.rtmp_url())
    try:
        await wait_for_state(http, origin, to_remote["id"], "live")
        await wait_for_state(http, origin, to_listener["id"], "live")
        await wait_until(lambda: remote_online(http, remote), 30, "the remote Ownstream online")
        async with http.get(remote.base_url + "/hls/stream.m3u8") as response:
            assert response.status == 200
        assert probe_video_size(first_segment(remote.data_dir / "hls" / "0")) == (clip.width, clip.height)

        async def listener_has_segments() -> bool:
            return len(listener.segments()) >= 2

        await wait_until(listener_has_segments, 30, "HLS segments at the ffmpeg listener")
        assert probe_video_size(listener.segments()[0]) == (clip.width, clip.height)
        current = await statuses(http, origin)
        for entry in current.values():
            assert entry["bitrate"] > 0 and entry["uptime"] is not None and entry["lastError"] is None
        assert len(forwarders()) == 2
    finally:
        await stop_process(publisher)
    await wait_for_state(http, origin, to_remote["id"], "idle")
    await wait_for_state(http, origin, to_listener["id"], "idle")
    await wait_until(_no_forwarders, 15, "no forwarding ffmpeg left")


async def _no_forwarders() -> bool:
    return not forwarders()


async def test_losing_one_destination_leaves_the_other_and_hls_untouched(
    origin: RunningServer,
    remote: RunningServer,
    listener: FfmpegListener,
    http: aiohttp.ClientSession,
    clip: Clip,
    tmp_path: Path,
) -> None:
    assert origin.server.services is not None and remote.server.services is not None
    to_remote = await create(http, origin, name="Remote", url=remote_url(remote))
    to_listener = await create(http, origin, name="Listener", url=listener.url)
    segments: list[float] = []
    origin.server.bus.subscribe(SegmentWritten, lambda _event: segments.append(time.monotonic()))
    publisher = await start_publisher(clip, origin.rtmp_url())
    try:
        await wait_for_state(http, origin, to_remote["id"], "live")
        await wait_for_state(http, origin, to_listener["id"], "live")
        remote_pid = forwarder_pid(origin, to_remote["id"])
        ingest = remote.server.services.lifecycle.ingest
        killed_at = time.monotonic()
        listener.kill()
        await wait_for_state(http, origin, to_listener["id"], "retrying", timeout=15)
        lost = (await statuses(http, origin))[to_listener["id"]]
        assert lost["lastError"] and lost["restarts"] >= 1 and lost["retryIn"] is not None
        received = [ingest.total_bytes]
        for _ in range(4):  # the other destination keeps receiving, second after second
            await asyncio.sleep(1.0)
            received.append(ingest.total_bytes)
        assert all(later > earlier for earlier, later in pairwise(received)), received
        assert (await statuses(http, origin))[to_remote["id"]]["state"] == "live"
        assert forwarder_pid(origin, to_remote["id"]) == remote_pid

        back = FfmpegListener(tmp_path / "listener-back", port=listener.port)
        await back.start()
        try:
            took = await wait_for_state(http, origin, to_listener["id"], "live", timeout=20)
            print(f"destination live again {took:.2f} s after it came back")

            async def back_has_segments() -> bool:
                return len(back.segments()) >= 1

            await wait_until(back_has_segments, 20, "HLS at the listener that came back")
        finally:
            await back.stop()
        window = [moment for moment in segments if moment >= killed_at - 3]
        gaps = [later - earlier for earlier, later in pairwise(window)]
        assert len(window) >= 5 and max(gaps) < 2.5, gaps  # one-second segments, none missing
    finally:
        await stop_process(publisher)


async def test_a_refused_key_fails_without_retrying(
    origin: RunningServer, remote: RunningServer, http: aiohttp.ClientSession, clip: Clip
) -> None:
    hooks: list[dict[str, Any]] = []
    async with webhook_receiver(hooks) as hook_url:
        async with http.post(
            origin.base_url + "/api/admin/webhooks/create",
            json={"url": hook_url, "events": ["RESTREAM_STARTED", "RESTREAM_FAILED"]},
        ) as response:
            assert response.status == 200
        wrong = await create(http, origin, name="Wrong key", url=remote_url(remote, "not-the-key-0123456789"))
        publisher = await start_publisher(clip, origin.rtmp_url())
        try:
            await wait_for_state(http, origin, wrong["id"], "failed")
            failed = (await statuses(http, origin))[wrong["id"]]
            assert failed["lastError"] == "the server refused: Publishing denied: wrong stream key."
            await asyncio.sleep(3)  # no retries: the state stays, nothing is restarted
            still = (await statuses(http, origin))[wrong["id"]]
            assert still["state"] == "failed" and still["restarts"] == 0 and still["retryIn"] is None
            assert forwarders() == []
            assert not await remote_online(http, remote)

            async def announced() -> bool:
                return any(hook["type"] == "RESTREAM_FAILED" for hook in hooks)

            await wait_until(announced, 10, "the RESTREAM_FAILED webhook")
            failure = next(hook for hook in hooks if hook["type"] == "RESTREAM_FAILED")["eventData"]
            assert failure["destinationId"] == wrong["id"] and failure["destinationName"] == "Wrong key"
            assert failure["state"] == "failed" and "not-the-key" not in str(hooks)
            # Ours, plus newer Owncast's `status` that leads every webhook's eventData.
            assert set(failure) == {
                "status", "id", "timestamp", "destinationId", "destinationName", "state", "error"
            }  # fmt: skip
            assert "simulcast webhook events" in BEHAVIOUR_DEVIATIONS  # our extension, documented

            # Fixing the key while live starts it, and it goes live (announced too).
            async with http.post(
                origin.base_url + "/api/admin/restream/destinations/update",
                json={"id": wrong["id"], "url": remote_url(remote)},
            ) as response:
                assert response.status == 200
            await wait_for_state(http, origin, wrong["id"], "live")

            async def started() -> bool:
                return any(hook["type"] == "RESTREAM_STARTED" for hook in hooks)

            await wait_until(started, 10, "the RESTREAM_STARTED webhook")
            assert [hook["type"] for hook in hooks].count("RESTREAM_FAILED") == 1
        finally:
            await stop_process(publisher)


@contextlib.asynccontextmanager
async def webhook_receiver(received: list[dict[str, Any]]) -> AsyncIterator[str]:
    async def hook(request: web.Request) -> web.Response:
        received.append(await request.json())
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_post("/hook", hook)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        yield f"http://127.0.0.1:{port}/hook"
    finally:
        await runner.cleanup()


async def test_add_and_remove_destinations_while_live(
    origin: RunningServer,
    remote: RunningServer,
    listener: FfmpegListener,
    http: aiohttp.ClientSession,
    clip: Clip,
) -> None:
    first = await create(http, origin, name="Listener", url=listener.url)
    publisher = await start_publisher(clip, origin.rtmp_url())
    try:
        await wait_for_state(http, origin, first["id"], "live")
        listener_pid = forwarder_pid(origin, first["id"])
        added = await create(http, origin, name="Remote", url=remote_url(remote))
        await wait_for_state(http, origin, added["id"], "live")
        await wait_until(lambda: remote_online(http, remote), 30, "the remote online")
        assert forwarder_pid(origin, first["id"]) == listener_pid  # adding touched only the new one

        async with http.post(
            origin.base_url + "/api/admin/restream/destinations/update",
            json={"id": added["id"], "enabled": False},
        ) as response:
            assert (await response.json())["enabled"] is False
        await wait_for_state(http, origin, added["id"], "idle")
        assert [process.pid for process in forwarders()] == [listener_pid]

        async with http.post(
            origin.base_url + "/api/admin/restream/destinations/update",
            json={"id": added["id"], "enabled": True},
        ) as response:
            assert response.status == 200
        await wait_for_state(http, origin, added["id"], "live")
        async with http.post(
            origin.base_url + "/api/admin/restream/destinations/delete", json={"id": first["id"]}
        ) as response:
            assert (await response.json()) == {"success": True, "message": "deleted simulcast destination"}
        assert not psutil.pid_exists(listener_pid) or psutil.Process(listener_pid).status() == "zombie"
        assert list(await statuses(http, origin)) == [added["id"]]
        assert len(forwarders()) == 1
    finally:
        await stop_process(publisher)


async def test_a_killed_forwarder_is_restarted(
    origin: RunningServer, remote: RunningServer, http: aiohttp.ClientSession, clip: Clip
) -> None:
    destination = await create(http, origin, name="Remote", url=remote_url(remote))
    publisher = await start_publisher(clip, origin.rtmp_url())
    try:
        await wait_for_state(http, origin, destination["id"], "live")
        killed = forwarder_pid(origin, destination["id"])
        os.kill(killed, signal.SIGKILL)
        await wait_for_state(http, origin, destination["id"], "retrying", timeout=10)
        assert "killed by signal 9" in (await statuses(http, origin))[destination["id"]]["lastError"]
        await wait_for_state(http, origin, destination["id"], "live")
        assert forwarder_pid(origin, destination["id"]) != killed
        assert origin.server.services is not None and origin.server.services.lifecycle.connected
    finally:
        await stop_process(publisher)


async def test_a_stalled_forwarder_is_killed_and_restarted(
    origin: RunningServer, http: aiohttp.ClientSession, clip: Clip
) -> None:
    """A destination that takes the connection and then says nothing (a hung server, a black-holing
    firewall): ffmpeg would wait forever; the watchdog kills it after the stall timeout and starts again."""
    held: list[asyncio.StreamWriter] = []

    async def hold(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        held.append(writer)  # accepted, never answered: the RTMP handshake never completes

    hole = await asyncio.start_server(hold, "127.0.0.1", 0)
    port = hole.sockets[0].getsockname()[1]
    destination = await create(
        http, origin, name="Black hole", url=f"rtmp://127.0.0.1:{port}/live/hole-key-0123456789"
    )
    publisher = await start_publisher(clip, origin.rtmp_url())
    try:
        await wait_for_state(http, origin, destination["id"], "connecting")
        stalled = forwarder_pid(origin, destination["id"])
        took = await wait_for_state(http, origin, destination["id"], "retrying", timeout=20)
        assert took >= FAST_SIMULCAST["simulcast_stall_timeout"] - 1.5, took
        status = (await statuses(http, origin))[destination["id"]]
        assert status["lastError"] == "nothing was sent for 6 s (stalled)" and status["restarts"] == 1
        assert not psutil.pid_exists(stalled) or psutil.Process(stalled).status() == "zombie"

        async def connected_again() -> bool:
            return len(held) >= 2

        await wait_until(connected_again, 15, "a new forwarder connecting to the destination")
        assert forwarder_pid(origin, destination["id"]) != stalled
    finally:
        await stop_process(publisher)
        for writer in held:
            writer.close()
        hole.close()
        await hole.wait_closed()
    await wait_until(_no_forwarders, 15, "no forwarding ffmpeg left")


async def test_server_shutdown_leaves_no_forwarder(
    tmp_path: Path, remote: RunningServer, listener: FfmpegListener, clip: Clip
) -> None:
    settings = make_settings(tmp_path / "origin", **FAST_SIMULCAST)
    async with running_server(tmp_path / "origin", settings) as origin, aiohttp.ClientSession(
        headers=admin_auth()
    ) as http:  # fmt: skip
        await configured(origin)
        one = await create(http, origin, name="Remote", url=remote_url(remote))
        two = await create(http, origin, name="Listener", url=listener.url)
        publisher = await start_publisher(clip, origin.rtmp_url())
        try:
            await wait_for_state(http, origin, one["id"], "live")
            await wait_for_state(http, origin, two["id"], "live")
            pids = [process.pid for process in forwarders()]
            assert len(pids) == 2
        finally:
            await origin.server.stop()
            await stop_process(publisher)
    assert forwarders() == []
    assert all(not psutil.pid_exists(pid) for pid in pids)


async def test_rtmps_destination_with_a_verified_certificate(
    tmp_path: Path,
    listener: FfmpegListener,
    clip: Clip,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    authority = make_throwaway_ca(tmp_path / "tls")
    monkeypatch.setenv("SSL_CERT_FILE", str(authority.ca_file))  # the CA the server trusts for RTMPS
    settings = make_settings(tmp_path / "origin", **FAST_SIMULCAST)
    async with tls_front(authority.server_context(), listener.port) as tls_port, running_server(
        tmp_path / "origin", settings
    ) as origin, aiohttp.ClientSession(headers=admin_auth()) as http:  # fmt: skip
        await configured(origin)
        secure = await create(
            http, origin, name="RTMPS", url=f"rtmps://127.0.0.1:{tls_port}/live/tls-key-0123456789"
        )
        publisher = await start_publisher(clip, origin.rtmp_url())
        try:
            await wait_for_state(http, origin, secure["id"], "live")

            async def listener_has_segments() -> bool:
                return len(listener.segments()) >= 1

            await wait_until(listener_has_segments, 30, "HLS behind the TLS front")
            assert probe_video_size(listener.segments()[0]) == (clip.width, clip.height)
        finally:
            await stop_process(publisher)


async def test_rtmps_to_an_untrusted_certificate_is_not_sent(
    tmp_path: Path, listener: FfmpegListener, clip: Clip, origin: RunningServer, http: aiohttp.ClientSession
) -> None:
    authority = make_throwaway_ca(tmp_path / "tls")  # not trusted by the server: verification fails
    async with tls_front(authority.server_context(), listener.port) as tls_port:
        destination = await create(
            http, origin, name="Untrusted", url=f"rtmps://127.0.0.1:{tls_port}/live/tls-key-0123456789"
        )
        publisher = await start_publisher(clip, origin.rtmp_url())
        try:
            await wait_for_state(http, origin, destination["id"], "retrying")
            error = (await statuses(http, origin))[destination["id"]]["lastError"]
            assert re.search(r"(?i)certificate|verify|tls|ssl", error), error
            assert listener.segments() == []
        finally:
            await stop_process(publisher)


async def test_a_variant_destination_sends_the_transcoded_rendition(
    origin: RunningServer, listener: FfmpegListener, http: aiohttp.ClientSession, clip: Clip
) -> None:
    assert origin.server.services is not None
    await origin.server.services.config.update(
        video_variants=(
            StreamVariant(video_passthrough=True, audio_passthrough=True),
            StreamVariant(video_bitrate=200, scaled_height=90, framerate=15, cpu_usage_level=0),
        )
    )
    destination = await create(http, origin, name="Small", url=listener.url, variant=1)
    assert destination["variant"] == 1
    publisher = await start_publisher(clip, origin.rtmp_url())
    try:
        await wait_for_state(http, origin, destination["id"], "live", timeout=40)

        async def listener_has_segments() -> bool:
            return len(listener.segments()) >= 1

        await wait_until(listener_has_segments, 30, "the variant at the listener")
        assert probe_video_size(listener.segments()[0]) == (160, 90)
    finally:
        await stop_process(publisher)


async def test_a_variant_that_is_gone_fails_with_a_clear_error(
    origin: RunningServer, listener: FfmpegListener, http: aiohttp.ClientSession, clip: Clip
) -> None:
    assert origin.server.services is not None
    config = origin.server.services.config
    await config.update(video_variants=(*PASSTHROUGH, StreamVariant(video_bitrate=200, scaled_height=90)))
    destination = await create(http, origin, name="Small", url=listener.url, variant=1)
    await config.update(video_variants=PASSTHROUGH)  # the admin removed the variant afterwards
    publisher = await start_publisher(clip, origin.rtmp_url())
    try:
        await wait_for_state(http, origin, destination["id"], "failed")
        error = (await statuses(http, origin))[destination["id"]]["lastError"]
        assert error == "this stream has no video variant 1 (it has 1): edit the destination"
        assert forwarders() == []
    finally:
        await stop_process(publisher)
