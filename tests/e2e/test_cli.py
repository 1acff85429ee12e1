"""The real command line: start, publish, SIGTERM — a clean exit with no ffmpeg left; flags persist."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import aiohttp
import psutil
import pytest

from tests.e2e.waiting import wait_until
from tests.harness import admin_auth
from tests.media import Clip, segment_files, start_publisher, stop_process

pytestmark = pytest.mark.e2e


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@asynccontextmanager
async def cli_server(
    data_dir: Path, *flags: str
) -> AsyncIterator[tuple[asyncio.subprocess.Process, int, int]]:
    web_port, rtmp_port = free_port(), free_port()
    env = {**os.environ, "OWNSTREAM_DATADIR": str(data_dir)}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "ownstream",
        "--webserverport", str(web_port), "--rtmpport", str(rtmp_port), "--webserverip", "127.0.0.1",
        *flags,
        env=env, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        async with aiohttp.ClientSession() as http:

            async def up() -> bool:
                try:
                    async with http.get(f"http://127.0.0.1:{web_port}/api/status") as response:
                        return response.status == 200
                except aiohttp.ClientError:
                    return False

            await wait_until(up, 30, "the server to answer")
        yield process, web_port, rtmp_port
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()


def transcoders_of(server_pid: int) -> list[psutil.Process]:
    """The server's ffmpeg processes (the packager writes into pipes: its command names no folder)."""
    try:
        children = psutil.Process(server_pid).children(recursive=True)
    except psutil.Error:
        return []
    found = []
    for child in children:
        try:
            if "ffmpeg" in child.name() and "pipe:0" in child.cmdline():
                found.append(child)
        except psutil.Error:
            continue
    return found


def still_running(processes: list[psutil.Process]) -> list[psutil.Process]:
    return [p for p in processes if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]


def has_segments(hls: Path, pattern: str = "*") -> bool:
    return any(segment_files(folder) for folder in hls.glob(pattern))


async def test_sigterm_while_live_stops_cleanly(tmp_path: Path, clip: Clip) -> None:
    data_dir = tmp_path / "data"
    async with cli_server(data_dir) as (process, _web_port, rtmp_port):
        publisher = await start_publisher(clip, f"rtmp://127.0.0.1:{rtmp_port}/live/abc123")
        try:
            transcoders: list[psutil.Process] = []

            async def transcoding() -> bool:
                transcoders[:] = transcoders_of(process.pid)
                return bool(transcoders) and has_segments(data_dir / "hls")

            await wait_until(transcoding, 30, "ffmpeg to write segments")
            process.send_signal(signal.SIGTERM)
            code = await asyncio.wait_for(process.wait(), 20)
        finally:
            await stop_process(publisher)
    assert code == 0
    assert still_running(transcoders) == []
    assert (data_dir / "ownstream.db").is_file()
    assert (data_dir / "logs" / "ownstream.log").is_file()
    log_text = (data_dir / "logs" / "ownstream.log").read_text()
    assert "abc123" not in log_text


async def test_streamkey_flag_persists_across_restart(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    async with cli_server(data_dir, "--streamkey", "s3cret-key") as (process, web_port, _):
        process.send_signal(signal.SIGINT)
        assert await asyncio.wait_for(process.wait(), 20) == 0
    async with cli_server(data_dir) as (process, web_port, _), aiohttp.ClientSession() as http:
        url = f"http://127.0.0.1:{web_port}/api/admin/status"
        async with http.get(url, headers=admin_auth("s3cret-key")) as response:
            assert response.status == 200
        async with http.get(url, headers=admin_auth("abc123")) as response:
            assert response.status == 401
        process.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(process.wait(), 20) == 0


async def test_restart_after_kill_9_during_a_stream_serves_no_stale_playlist(
    tmp_path: Path, clip: Clip
) -> None:
    data_dir = tmp_path / "data"
    hls = data_dir / "hls"
    async with cli_server(data_dir) as (process, web_port, rtmp_port), aiohttp.ClientSession() as http:
        publisher = await start_publisher(clip, f"rtmp://127.0.0.1:{rtmp_port}/live/abc123")
        try:
            transcoders: list[psutil.Process] = []

            async def live_and_thumbnailed() -> bool:
                transcoders[:] = transcoders_of(process.pid)
                async with http.get(f"http://127.0.0.1:{web_port}/hls/stream.m3u8") as response:
                    master = response.status == 200
                return master and has_segments(hls) and (data_dir / "thumbnail.jpg").is_file()

            await wait_until(live_and_thumbnailed, 40, "a live master playlist, segments and a thumbnail")
            process.kill()
            await process.wait()
        finally:
            await stop_process(publisher)

    async def transcoder_gone() -> bool:
        return not still_running(transcoders)

    # Its stdin closed with the server, the orphaned ffmpeg finishes on its own.
    await wait_until(transcoder_gone, 20, "the orphaned ffmpeg to exit")
    assert (hls / "stream.m3u8").is_file(), "the crashed run left its master playlist behind"
    assert has_segments(hls, "0")

    async with cli_server(data_dir) as (process, web_port, _), aiohttp.ClientSession() as http:
        base = f"http://127.0.0.1:{web_port}"
        async with http.get(base + "/api/status") as response:
            assert (await response.json())["online"] is False
        for playlist in ("/hls/stream.m3u8", "/hls/0/stream.m3u8"):
            async with http.get(base + playlist) as response:
                assert response.status == 404, playlist
        async with http.get(base + "/thumbnail.jpg") as response:
            assert response.headers["Content-Type"] == "image/svg+xml"  # the logo stands in while offline
        assert list(hls.iterdir()) == []
        process.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(process.wait(), 20) == 0
