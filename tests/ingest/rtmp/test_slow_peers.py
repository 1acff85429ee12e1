"""Slow and greedy RTMP peers (issue 7, item 13): an absolute deadline from connect to `publish`, and a
per-address connection cap. Real sockets on loopback."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator

import pytest

from ownstream.ingest.rtmp.server import RtmpServer
from ownstream.net.connection_caps import ConnectionCap
from tests.ingest.rtmp.test_server import OwncastLikeGate, publish_bytes
from tests.ingest.rtmp.transcript import ClientTranscript, video_payload


@pytest.fixture
def gate() -> OwncastLikeGate:
    return OwncastLikeGate()


@pytest.fixture
async def strict_server(gate: OwncastLikeGate) -> AsyncIterator[RtmpServer]:
    server = RtmpServer(gate, "127.0.0.1", 0, read_timeout=10.0, publish_deadline=0.6)
    await server.start()
    yield server
    await server.stop()


async def test_a_trickling_peer_is_closed_at_the_publish_deadline(
    strict_server: RtmpServer, caplog: pytest.LogCaptureFixture
) -> None:
    """One byte every 0.2 s kept the idle watchdog (10 s) happy forever."""
    caplog.set_level(logging.INFO, logger="ownstream.ingest")
    loop = asyncio.get_running_loop()
    reader, writer = await asyncio.open_connection("127.0.0.1", strict_server.port)
    started = loop.time()
    handshake = ClientTranscript().handshake().to_bytes()

    async def trickle() -> None:
        for byte in handshake:
            writer.write(bytes([byte]))
            await asyncio.sleep(0.2)

    trickling = asyncio.create_task(trickle())
    try:
        while await asyncio.wait_for(reader.read(65536), 3):
            pass
    finally:
        trickling.cancel()
    assert 0.5 < loop.time() - started < 2.0
    assert "no publish within 0.6 s of connecting" in caplog.text
    writer.close()


async def test_a_publisher_in_time_streams_past_the_deadline(
    strict_server: RtmpServer, gate: OwncastLikeGate
) -> None:
    _, writer = await asyncio.open_connection("127.0.0.1", strict_server.port)
    transcript = ClientTranscript().handshake().connect().publish_commands()
    writer.write(transcript.to_bytes())
    await writer.drain()
    await asyncio.wait_for(gate.sink_opened.wait(), 5)
    for index in range(6):
        transcript.parts.clear()
        writer.write(transcript.video(index * 200, video_payload(index, 100)).to_bytes())
        await writer.drain()
        await asyncio.sleep(0.2)
    sink = gate.sinks[0]
    assert not sink.closed.is_set()
    await sink.wait_for_bytes(13 + 6 * (11 + 100 + 4))
    writer.close()
    await writer.wait_closed()
    await asyncio.wait_for(sink.closed.wait(), 5)


async def is_closed_at_once(port: int) -> bool:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        return await asyncio.wait_for(reader.read(), 0.3) == b""
    except TimeoutError:
        return False
    except ConnectionError:
        return True
    finally:
        writer.close()


async def test_connections_over_the_per_address_cap_are_closed_at_once(
    gate: OwncastLikeGate, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="ownstream")
    cap = ConnectionCap("RTMP", 2)
    server = RtmpServer(gate, "127.0.0.1", 0, cap=cap)
    await server.start()
    try:
        held = [await asyncio.open_connection("127.0.0.1", server.port) for _ in range(2)]
        await asyncio.sleep(0.1)
        assert cap.open_count("127.0.0.1") == 2
        for _ in range(10):
            assert await is_closed_at_once(server.port)
        refusals = [r for r in caplog.records if "refused" in r.getMessage() and "RTMP" in r.getMessage()]
        assert len(refusals) == 1, "one line for the flood, not one per connection"

        _, first = held.pop()
        first.close()
        await first.wait_closed()
        await asyncio.sleep(0.1)
        assert cap.open_count("127.0.0.1") == 1
        _, writer = await asyncio.open_connection("127.0.0.1", server.port)
        writer.write(publish_bytes())
        await writer.drain()
        await asyncio.wait_for(gate.sink_opened.wait(), 5)
        writer.close()
        for _, other in held:
            other.close()
    finally:
        await server.stop()
    assert cap.open_count("127.0.0.1") == 0
