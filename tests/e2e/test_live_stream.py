"""End to end on loopback: the bundled ffmpeg publishes over RTMP, the server transcodes to HLS."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import os
import shutil
import signal
from pathlib import Path

import aiohttp
import psutil
import pytest

from ownstream.transcode.variants import StreamVariant
from tests.contract.differences import BEHAVIOUR_DEVIATIONS
from tests.e2e.waiting import wait_until
from tests.harness import RunningServer, admin_auth, running_server
from tests.ingest.rtmp.transcript import FFMPEG_METADATA, ClientTranscript, video_payload
from tests.media import FFMPEG, Clip, probe_video_size, segment_files, start_publisher, stop_process

pytestmark = pytest.mark.e2e


async def status(http: aiohttp.ClientSession, server: RunningServer) -> dict[str, object]:
    async with http.get(server.base_url + "/api/status") as response:
        return dict(await response.json())


async def fetch(http: aiohttp.ClientSession, url: str) -> tuple[int, bytes]:
    async with http.get(url) as response:
        return response.status, await response.read()


def ffmpeg_children() -> list[psutil.Process]:
    found = []
    for child in psutil.Process(os.getpid()).children(recursive=True):
        try:
            command = " ".join(child.cmdline())
            if "ffmpeg" in child.name() and ("-var_stream_map" in command or "+frag_keyframe" in command):
                found.append(child)
        except psutil.NoSuchProcess:
            continue
    return found


async def first_segment(server: RunningServer, variant: int = 0) -> Path:
    folder = server.data_dir / "hls" / str(variant)

    async def has_segment() -> bool:
        return bool(segment_files(folder))

    await wait_until(has_segment, 30, f"a segment in variant {variant}")
    return segment_files(folder)[0]


async def test_publish_online_segments_then_offline(
    server: RunningServer, http: aiohttp.ClientSession, clip: Clip
) -> None:
    publisher = await start_publisher(clip, server.rtmp_url())
    try:

        async def master_served() -> bool:
            code, body = await fetch(http, server.base_url + "/hls/stream.m3u8")
            return code == 200 and b"#EXT-X-STREAM-INF" in body

        await wait_until(master_served, 30, "the master playlist")
        segment = await first_segment(server)
        assert probe_video_size(segment) == (clip.width, clip.height)
        code, body = await fetch(http, server.base_url + "/hls/0/stream.m3u8")
        assert code == 200 and b"#EXTINF" in body

        async def online() -> bool:
            return (await status(http, server))["online"] is True

        await wait_until(online, 15, "online status")
        current = await status(http, server)
        assert current["lastConnectTime"] is not None and current["lastDisconnectTime"] is None

        async with http.get(server.base_url + "/api/admin/status", headers=admin_auth("abc123")) as r:
            admin = await r.json()
        assert admin["online"] is True
        assert admin["broadcaster"]["streamDetails"]["width"] == clip.width
        assert admin["broadcaster"]["streamDetails"]["videoCodec"] == "H.264"
        assert admin["broadcaster"]["streamDetails"]["audioCodec"] == "AAC"
        assert admin["currentBroadcast"]["latencyLevel"] == {"level": 0}

        async def thumbnail_ready() -> bool:
            async with http.get(server.base_url + "/thumbnail.jpg") as thumbnail:
                is_jpeg = thumbnail.headers.get("Content-Type") == "image/jpeg"
            async with http.get(server.base_url + "/preview.gif") as preview:
                return is_jpeg and preview.status == 200

        await wait_until(thumbnail_ready, 20, "a thumbnail and a preview from the live stream")
        async with http.get(server.base_url + "/thumbnail.jpg") as response:
            assert (await response.read())[:2] == b"\xff\xd8"
        async with http.get(server.base_url + "/preview.gif") as response:
            assert response.status == 200 and (await response.read())[:3] == b"GIF"
    finally:
        await stop_process(publisher)

    async def offline() -> bool:
        current = await status(http, server)
        return current["online"] is False and current["lastDisconnectTime"] is not None

    await wait_until(offline, 15, "offline status")
    code, _ = await fetch(http, server.base_url + "/hls/stream.m3u8")
    assert code == 404
    code, body = await fetch(http, server.base_url + "/hls/0/stream.m3u8")
    assert code == 200 and body.rstrip().endswith(b"#EXT-X-ENDLIST")
    assert ffmpeg_children() == []
    async with http.get(server.base_url + "/thumbnail.jpg") as response:
        assert response.headers["Content-Type"] == "image/svg+xml"  # the logo stands in while offline


async def test_two_variants(server: RunningServer, http: aiohttp.ClientSession, clip: Clip) -> None:
    assert server.server.services is not None
    variants = (
        StreamVariant(video_bitrate=500, scaled_height=180, framerate=15, cpu_usage_level=0),
        StreamVariant(video_bitrate=200, scaled_height=90, framerate=15, cpu_usage_level=0),
    )
    await server.server.services.config.update(video_variants=variants)
    publisher = await start_publisher(clip, server.rtmp_url())
    try:
        first = await first_segment(server, 0)
        second = await first_segment(server, 1)
        assert probe_video_size(first) == (320, 180)
        assert probe_video_size(second) == (160, 90)

        async def master_listed() -> bool:
            # The packager writes a variant's first segment before its playlists name it.
            return (await fetch(http, server.base_url + "/hls/stream.m3u8"))[0] == 200

        await wait_until(master_listed, 15, "the master playlist")
        code, body = await fetch(http, server.base_url + "/hls/stream.m3u8")
        assert code == 200
        assert body.count(b"#EXT-X-STREAM-INF") == 2
        async with http.get(server.base_url + "/api/video/variants") as response:
            assert await response.json() == [{"index": 0, "name": "180h"}, {"index": 1, "name": "90h"}]

        async def online() -> bool:
            return (await status(http, server))["online"] is True

        await wait_until(online, 15, "online with both variants playable")
    finally:
        await stop_process(publisher)


async def test_video_passthrough(server: RunningServer, http: aiohttp.ClientSession, clip: Clip) -> None:
    assert server.server.services is not None
    await server.server.services.config.update(video_variants=(StreamVariant(video_passthrough=True),))
    publisher = await start_publisher(clip, server.rtmp_url())
    try:
        segment = await first_segment(server)
        assert probe_video_size(segment) == (clip.width, clip.height)
    finally:
        await stop_process(publisher)


async def refusal_printed_by(publisher: asyncio.subprocess.Process) -> str:
    """Wait for a refused ffmpeg publisher to exit; returns what it printed (it shows the server's words)."""
    assert publisher.stderr is not None
    stderr = await asyncio.wait_for(publisher.stderr.read(), 20)
    assert await asyncio.wait_for(publisher.wait(), 20) != 0
    return stderr.decode(errors="replace")


@pytest.mark.parametrize(
    ("key", "app", "shown"),
    [
        ("wrong-key", "live", "Publishing denied: wrong stream key."),
        ("abc123", "other", "Unknown application: publish to /live/ followed by the stream key."),
        ("abc1234", "live", "Publishing denied: wrong stream key."),
    ],
)
async def test_wrong_key_or_app_refused(
    server: RunningServer,
    http: aiohttp.ClientSession,
    clip: Clip,
    caplog: pytest.LogCaptureFixture,
    key: str,
    app: str,
    shown: str,
) -> None:
    publisher = await start_publisher(clip, server.rtmp_url(key=key, app=app), loop=False)
    printed = await refusal_printed_by(publisher)
    assert f"Server error: {shown}" in printed
    assert key not in caplog.text
    assert (await status(http, server))["online"] is False
    assert server.server.services is not None
    assert server.server.services.lifecycle.connected is False
    assert ffmpeg_children() == []


async def test_second_publisher_refused(
    server: RunningServer, http: aiohttp.ClientSession, clip: Clip
) -> None:
    first = await start_publisher(clip, server.rtmp_url())
    try:
        await first_segment(server)
        second = await start_publisher(clip, server.rtmp_url(), loop=False)
        printed = await refusal_printed_by(second)
        shown = "A stream is already live on this server: only one publisher at a time."
        assert f"Server error: {shown}" in printed
        assert "wrong stream key" not in printed
        assert first.returncode is None
        assert server.server.services is not None
        assert server.server.services.lifecycle.connected
    finally:
        await stop_process(first)


async def test_killed_publisher_goes_offline_and_next_publish_works(
    server: RunningServer, http: aiohttp.ClientSession, clip: Clip
) -> None:
    publisher = await start_publisher(clip, server.rtmp_url())
    await first_segment(server)
    assert len(ffmpeg_children()) == 1
    os.kill(publisher.pid, signal.SIGKILL)
    await publisher.wait()
    assert server.server.services is not None
    lifecycle = server.server.services.lifecycle

    async def disconnected() -> bool:
        return not lifecycle.connected and lifecycle.state.value == "offline"

    took = await wait_until(disconnected, 10, "offline after SIGKILL")
    assert took < 10
    assert ffmpeg_children() == []

    again = await start_publisher(clip, server.rtmp_url())
    try:

        async def online() -> bool:
            return (await status(http, server))["online"] is True

        await wait_until(online, 20, "online after republish")
    finally:
        await stop_process(again)


async def test_video_only_publisher(server: RunningServer, http: aiohttp.ClientSession, clip: Clip) -> None:
    process = await asyncio.create_subprocess_exec(
        FFMPEG, "-hide_banner", "-loglevel", "error", "-re", "-stream_loop", "-1", "-i", str(clip.path),
        "-map", "0:v", "-c", "copy", "-f", "flv", server.rtmp_url(),
        stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        segment = await first_segment(server)
        assert probe_video_size(segment) == (clip.width, clip.height)
        async with http.get(server.base_url + "/api/admin/status", headers=admin_auth()) as response:
            details = (await response.json())["broadcaster"]["streamDetails"]
        assert details["audioCodec"] == "No audio"
    finally:
        await stop_process(process)


async def test_stream_key_containing_a_slash(server: RunningServer, clip: Clip) -> None:
    assert server.server.services is not None
    await server.server.services.config.update(stream_key="team/secret")
    publisher = await start_publisher(clip, server.rtmp_url(key="team/secret"))
    try:
        await first_segment(server)
    finally:
        await stop_process(publisher)
    refused = await start_publisher(clip, server.rtmp_url(key="secret", app="live/team/x"), loop=False)
    assert await asyncio.wait_for(refused.wait(), 20) != 0


@pytest.mark.skipif(shutil.which("gst-launch-1.0") is None, reason="GStreamer is not installed")
async def test_gstreamer_rtmp2sink_publisher(
    server: RunningServer, http: aiohttp.ClientSession, clip: Clip
) -> None:
    pipeline = (
        f"filesrc location={clip.path} ! flvdemux name=d "
        "d.video ! queue ! h264parse ! m.video "
        "d.audio ! queue ! aacparse ! m.audio "
        f"flvmux name=m streamable=true ! rtmp2sink location={server.rtmp_url()}"
    )
    process = await asyncio.create_subprocess_exec(
        "gst-launch-1.0", "-q", *pipeline.split(),
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        segment = await first_segment(server)
        assert probe_video_size(segment) == (clip.width, clip.height)
        assert await asyncio.wait_for(process.wait(), 30) == 0
    finally:
        await stop_process(process)


async def test_server_stops_while_a_stream_is_ending(tmp_path: Path, clip: Clip) -> None:
    async with running_server(tmp_path / "data") as running:
        assert running.server.services is not None
        await running.server.services.config.update(video_latency_level=0)
        publisher = await start_publisher(clip, running.rtmp_url())
        await first_segment(running)
        os.kill(publisher.pid, signal.SIGKILL)
        await publisher.wait()
        # Leave at once: shutdown cancels the RTMP connection while the stream is still ending.
    assert running.server.services.lifecycle.state.value == "offline"
    assert ffmpeg_children() == []
    gc.collect()  # an abandoned ffmpeg transport would warn here (warnings are errors)


def avc_sequence_header(clip: Clip) -> bytes:
    """The clip's first FLV video tag body: its AVC decoder configuration."""
    data = clip.path.read_bytes()
    pos = 13  # FLV header and the first back pointer
    while pos + 11 <= len(data):
        tag_type, size = data[pos], int.from_bytes(data[pos + 1 : pos + 4], "big")
        body = data[pos + 11 : pos + 11 + size]
        if tag_type == 9 and body[1] == 0:
            return body
        pos += 11 + size + 4
    raise AssertionError("the clip has no AVC sequence header")


@pytest.mark.parametrize("noise", ["unsupported codec id", "noise after a valid AVC header"])
async def test_undecodable_video_never_goes_online(
    server: RunningServer, http: aiohttp.ClientSession, clip: Clip, noise: str
) -> None:
    """A well-formed RTMP publish whose video ffmpeg cannot decode: ffmpeg runs, but makes no segment."""
    assert "online means playable" in BEHAVIOUR_DEVIATIONS
    assert server.server.services is not None
    lifecycle = server.server.services.lifecycle
    metadata = {k: v for k, v in FFMPEG_METADATA.items() if not k.startswith("audio") and k != "stereo"}
    transcript = ClientTranscript().handshake().connect().publish_commands().metadata(metadata)
    if noise == "noise after a valid AVC header":
        transcript.video(0, avc_sequence_header(clip))
    _, writer = await asyncio.open_connection("127.0.0.1", server.server.rtmp_port)
    loop = asyncio.get_running_loop()
    states: set[str] = set()
    online_seen = False
    try:
        writer.write(transcript.to_bytes())
        transcript.parts.clear()

        async def accepted() -> bool:
            return lifecycle.connected

        await wait_until(accepted, 10, "the publish to be accepted")
        frame = 0
        start = loop.time()
        # Well past the 1 s grace period: before the fix the status said online after it.
        while loop.time() - start < 6:
            for _ in range(3):
                payload = video_payload(frame, 2000)
                if noise == "unsupported codec id":
                    payload = bytes([payload[0] & 0xF0 | 0x0F]) + payload[1:]  # codec id 15: none known
                transcript.video(frame * 33, payload)
                frame += 1
            writer.write(transcript.to_bytes())
            transcript.parts.clear()
            await writer.drain()
            states.add(lifecycle.state.value)
            online_seen = online_seen or (await status(http, server))["online"] is True
            await asyncio.sleep(0.1)
        assert lifecycle.connected, "ffmpeg is still trying: the stream is connected, not ended"
    finally:
        writer.close()
        with contextlib.suppress(ConnectionError):
            await writer.wait_closed()
    assert states == {"starting"}
    assert not online_seen
    assert not any(segment_files(folder) for folder in (server.data_dir / "hls").glob("*"))

    async def offline() -> bool:
        return lifecycle.state.value == "offline"

    await wait_until(offline, 20, "offline after the publisher left")
    assert (await status(http, server))["online"] is False
