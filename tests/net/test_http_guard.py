"""Slow and greedy HTTP peers (issue 7, item 13), with real sockets on a running server: a request
header must be complete within the header timeout, bodies and WebSockets are not cut by it, and one
address may hold only so many connections."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import aiohttp
import pytest

from tests.chat.client import ChatSocket, register
from tests.harness import RunningServer, make_settings, running_server

HEADER_TIMEOUT = 0.5


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[RunningServer]:
    settings = make_settings(tmp_path / "data", http_header_timeout=HEADER_TIMEOUT)
    async with running_server(tmp_path / "data", settings) as running:
        yield running


async def closed_after(reader: asyncio.StreamReader, limit: float) -> float:
    """Seconds until the server closes the connection (reading and dropping what it sends)."""
    loop = asyncio.get_running_loop()
    started = loop.time()
    try:
        while await asyncio.wait_for(reader.read(65536), limit):
            pass
    except ConnectionError:
        pass
    return loop.time() - started


async def test_half_a_request_line_is_closed_at_the_header_timeout(
    server: RunningServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="ownstream.net")
    reader, writer = await asyncio.open_connection("127.0.0.1", server.server.web_port)
    writer.write(b"GET /api/sta")
    await writer.drain()
    assert HEADER_TIMEOUT - 0.1 < await closed_after(reader, 3.0) < HEADER_TIMEOUT + 1.0
    assert "no complete request header within" in caplog.text
    writer.close()


async def test_a_silent_new_connection_is_closed_too(server: RunningServer) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", server.server.web_port)
    assert await closed_after(reader, 3.0) < HEADER_TIMEOUT + 1.0
    writer.close()


async def test_a_trickled_header_is_closed_however_busy_it_keeps_the_line(server: RunningServer) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", server.server.web_port)

    async def trickle() -> None:
        for byte in b"GET /api/status HTTP/1.1\r\nHost: x\r\nX-Padding: " + b"a" * 100:
            writer.write(bytes([byte]))
            await asyncio.sleep(0.1)

    trickling = asyncio.create_task(trickle())
    try:
        assert await closed_after(reader, 3.0) < HEADER_TIMEOUT + 1.0
    finally:
        trickling.cancel()
    writer.close()


async def test_the_second_request_on_a_connection_has_its_own_deadline(server: RunningServer) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", server.server.web_port)
    writer.write(b"GET /api/status HTTP/1.1\r\nHost: x\r\n\r\n")
    await writer.drain()
    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 3)
    assert head.startswith(b"HTTP/1.1 200")
    length = int(
        next(line for line in head.split(b"\r\n") if line.lower().startswith(b"content-length")).split(b":")[
            1
        ]
    )
    await reader.readexactly(length)
    # Idle keep-alive is not a slow header: the connection stays.
    await asyncio.sleep(HEADER_TIMEOUT * 2)
    writer.write(b"GET /api/sta")
    await writer.drain()
    assert HEADER_TIMEOUT - 0.1 < await closed_after(reader, 3.0) < HEADER_TIMEOUT + 1.0
    writer.close()


async def test_a_header_sent_in_pieces_in_time_is_served(server: RunningServer) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", server.server.web_port)
    for piece in (b"GET /api/sta", b"tus HTTP/1.1\r\nHo", b"st: x\r\nConnection: close\r\n\r\n"):
        writer.write(piece)
        await writer.drain()
        await asyncio.sleep(HEADER_TIMEOUT / 4)
    answer = await asyncio.wait_for(reader.read(), 3)
    assert answer.startswith(b"HTTP/1.1 200")
    writer.close()


async def test_a_slow_body_is_not_cut_by_the_header_timeout(server: RunningServer) -> None:
    """Uploads (a logo over a slow line) may take longer than the header timeout."""
    body = b'{"displayName": "slow-uploader"}'
    reader, writer = await asyncio.open_connection("127.0.0.1", server.server.web_port)
    writer.write(
        b"POST /api/chat/register HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
        b"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(body)
    )
    for index in range(0, len(body), 8):
        writer.write(body[index : index + 8])
        await writer.drain()
        await asyncio.sleep(HEADER_TIMEOUT / 2)
    answer = await asyncio.wait_for(reader.read(), 3)
    assert answer.startswith(b"HTTP/1.1 200") and b"slow-uploader" in answer
    writer.close()


async def test_a_quiet_chat_socket_outlives_the_header_timeout(server: RunningServer) -> None:
    async with aiohttp.ClientSession() as http:
        user = await register(http, server.base_url)
        socket = await ChatSocket.open(http, server.base_url, user.token)
        await socket.next()
        await asyncio.sleep(HEADER_TIMEOUT * 3)
        await socket.chat("still here")
        assert (await socket.next())["type"] == "CHAT"
        await socket.close()


async def test_connections_over_the_per_address_cap_are_closed_at_once(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="ownstream")
    settings = replace(make_settings(tmp_path / "data"), max_connections_per_address=3)
    async with running_server(tmp_path / "data", settings) as server:
        port = server.server.web_port
        held = [await asyncio.open_connection("127.0.0.1", port) for _ in range(3)]
        await asyncio.sleep(0.1)
        for _ in range(20):
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            assert await closed_after(reader, 1.0) < 0.5
            writer.close()
        refusals = [r for r in caplog.records if "HTTP connection from 127.0.0.1 refused" in r.getMessage()]
        assert len(refusals) == 1, "one line for the flood"

        # A freed slot is usable again, and the held connections still work.
        _, writer = held.pop()
        writer.close()
        await writer.wait_closed()
        await asyncio.sleep(0.1)
        for reader, writer in held:
            writer.write(b"GET /api/status HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            assert (await asyncio.wait_for(reader.read(), 3)).startswith(b"HTTP/1.1 200")
            writer.close()
        async with aiohttp.ClientSession() as http, http.get(server.base_url + "/api/status") as response:
            assert response.status == 200


async def test_no_cap_when_set_to_zero(tmp_path: Path) -> None:
    settings = replace(make_settings(tmp_path / "data"), max_connections_per_address=0)
    async with running_server(tmp_path / "data", settings) as server:
        held = [await asyncio.open_connection("127.0.0.1", server.server.web_port) for _ in range(250)]
        reader, writer = held[-1]
        writer.write(b"GET /api/status HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        assert (await asyncio.wait_for(reader.read(), 3)).startswith(b"HTTP/1.1 200")
        for _, writer in held:
            writer.close()
