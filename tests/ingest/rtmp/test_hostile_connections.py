"""A storm of hostile RTMP connections against a running server, over real sockets.

Random bytes, broken handshakes, garbage and oversized chunks, AMF0 bombs, wrong keys and apps, command
spam, stalls and resets — a few hundred connections, many at once. Afterwards the server must be healthy
(`/api/status` answers and a real ffmpeg publish goes online), hold no leftover task or file descriptor,
and have logged at most one line per connection and never an error or a traceback. The sans-IO session
is fuzzed with hypothesis in test_session.py; this is the socket-level counterpart.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import os
import random
import re
import struct
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import psutil
import pytest

from ownstream.ingest.rtmp import amf0
from ownstream.ingest.rtmp.handshake import HANDSHAKE_SIZE
from ownstream.ingest.rtmp.messages import MessageType, RtmpMessage, set_chunk_size, window_ack_size
from tests.e2e.waiting import wait_until
from tests.harness import RunningServer, make_settings, running_server
from tests.ingest.rtmp.transcript import COMMAND_CHUNK_STREAM, ClientTranscript, plain_c1
from tests.media import Clip, encode_clip, start_publisher, stop_process

pytestmark = pytest.mark.e2e

READ_TIMEOUT = 1.0
"""The server's idle timeout in this test (10 s in production), so stalled peers are dropped quickly."""
CLOSE_WITHIN = READ_TIMEOUT + 4.0
PARALLEL = 50
ROUNDS = 12
"""Each round sends every case once: ~30 cases x 12 rounds ≈ 400 connections."""


@dataclass(frozen=True)
class Case:
    name: str
    data: bytes
    ending: str
    """`wait`: the server must close the connection; `close`: we close after sending;
    `abort`: we reset the connection after sending."""


def handshake() -> ClientTranscript:
    return ClientTranscript().handshake()


def connected() -> ClientTranscript:
    return handshake().connect()


def command_with(payload_after_name: bytes, name: str = "connect") -> bytes:
    """A command message on a fresh connection whose AMF0 body is `name`, 1.0 and then raw bytes."""
    body = amf0.encode(name, 1.0) + payload_after_name
    message = RtmpMessage(MessageType.COMMAND_AMF0, 0, 0, body)
    return handshake().message(COMMAND_CHUNK_STREAM, message).to_bytes()


def raw_header(csid: int, timestamp: int, length: int, type_id: int, stream_id: int = 0) -> bytes:
    """A type-0 chunk header written by hand, so it can declare what a writer would refuse."""
    ts_field = min(timestamp, 0xFFFFFF)
    header = bytes((csid,)) + ts_field.to_bytes(3, "big") + length.to_bytes(3, "big") + bytes((type_id,))
    header += struct.pack("<I", stream_id)
    if ts_field == 0xFFFFFF:
        header += struct.pack(">I", timestamp)
    return header


def basic_header_3(csid: int, fmt: int = 0) -> bytes:
    """The three-byte basic header for chunk stream ids 320..65599."""
    return bytes(((fmt << 6) | 1,)) + struct.pack("<H", csid - 64)


def nested_objects(depth: int) -> bytes:
    return b"\x03\x00\x01a" * depth + b"\x05" + b"\x00\x00\x09" * depth


def nested_arrays(depth: int) -> bytes:
    return b"\x0a\x00\x00\x00\x01" * depth + b"\x05"


def cases(rng: random.Random) -> list[Case]:
    """One connection of every hostile kind; random parts differ from round to round."""
    found: list[Case] = []

    def add(name: str, data: bytes, ending: str = "wait") -> None:
        found.append(Case(name, data, ending))

    # Not RTMP at all, or a broken handshake.
    add("random bytes", rng.randbytes(rng.choice((1, 64, 1537, 3073, 5000))), "close")
    add("random after version 3", b"\x03" + rng.randbytes(4000))
    add("bad version", bytes((rng.choice((0, 6, 8, 0xFF)),)) + plain_c1())
    add("http request", b"GET /live/abc123 HTTP/1.1\r\nHost: x\r\n\r\n" + bytes(3000))
    add("tls client hello", b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + rng.randbytes(3000))
    add("truncated c1", b"\x03" + plain_c1()[: rng.randrange(1, HANDSHAKE_SIZE)], "close")
    add("truncated c2", b"\x03" + plain_c1() + bytes(rng.randrange(1, HANDSHAKE_SIZE)), "close")
    add("stall in c0", b"", "wait")
    add("stall in c1", b"\x03" + plain_c1()[:700], "wait")
    add("stall after handshake", handshake().to_bytes(), "wait")
    # A valid handshake, then chunks nobody should send.
    add("garbage chunks", handshake().to_bytes() + rng.randbytes(rng.choice((10, 500, 20_000))))
    add("type-3 first", handshake().to_bytes() + b"\xc3" + rng.randbytes(200))
    add("chunk size zero", handshake().message(2, set_chunk_size(0)).to_bytes())
    add("chunk size top bit", handshake().message(2, set_chunk_size(0x80000000)).to_bytes())
    huge_chunks = handshake().message(2, set_chunk_size(0x7FFFFFFF)).to_bytes()
    add("huge chunk, huge message", huge_chunks + raw_header(3, 0, 0xFFFFFF, 20) + rng.randbytes(60_000))
    add("16 MiB command declared", handshake().to_bytes() + raw_header(3, 0, 0xFFFFFF, 20) + bytes(2000))
    add(
        "extended timestamp and length",
        handshake().to_bytes() + raw_header(4, 0xFFFFFFFF, 0xFFFFFF, 9, 1) + bytes(128),
    )
    many_streams = handshake().to_bytes() + b"".join(
        basic_header_3(csid) + raw_header(0, 0, 60_000, 9, 1)[1:] + bytes(128) for csid in range(320, 1400)
    )
    add("a thousand chunk streams", many_streams)
    add("unknown message types", handshake().message(2, RtmpMessage(99, 0, 0, rng.randbytes(50))).to_bytes())
    acks = handshake()
    for _ in range(500):
        acks.message(2, window_ack_size(rng.randrange(1, 1 << 31)))
    add("window ack spam", acks.to_bytes(), "close")
    # AMF0 bombs inside the connect command.
    add("deep objects", command_with(nested_objects(5_000)))
    add("deep strict arrays", command_with(nested_arrays(10_000)))
    add("string declared 4 GiB", command_with(b"\x0c\xff\xff\xff\xff" + bytes(100)))
    add("strict array declared 4 G items", command_with(b"\x0a\xff\xff\xff\xff" + b"\x05" * 100))
    add("ecma array declared 4 G items", command_with(b"\x08\xff\xff\xff\xff" + b"\x00\x00\x09"))
    add("object with 30,000 keys", command_with(b"\x03" + b"\x00\x01k\x05" * 15_000 + b"\x00\x00\x09"))
    add("dangling reference", command_with(b"\x07\xff\xff"))
    add("typed object name 64 KiB", command_with(b"\x10\xff\xff" + bytes(100)))
    add("unknown markers", command_with(bytes(rng.randrange(0x12, 0x100) for _ in range(50))))
    # Well-formed RTMP that must not get anywhere.
    add("connect without publish", connected().to_bytes(), rng.choice(("wait", "close")))
    wrong_key = rng.choice(("abc1234", "ABC123", "", "abc123\x00", "../abc123", "k" * 30_000, "clé"))
    add("wrong key", connected().publish_commands(wrong_key).to_bytes())
    add(
        "wrong app",
        handshake().connect(rng.choice(("other", "", "live/x", "../live"))).publish_commands().to_bytes(),
    )
    spam = connected()
    for _ in range(400):
        spam.command("releaseStream", None, "abc123").command("FCPublish", None, "abc123")
    add("releaseStream/FCPublish spam", spam.to_bytes(), rng.choice(("wait", "close")))
    streams = connected()
    for _ in range(300):
        streams.command("createStream", None)
    add("createStream spam", streams.to_bytes(), "close")
    add("publish before connect", handshake().publish_commands().to_bytes())
    add("connect twice", connected().connect().to_bytes())
    # Valid beginnings cut off by a reset.
    cut = connected().publish_commands("wrongkey").to_bytes()
    add("reset mid-command", cut[: rng.randrange(3073, len(cut))], "abort")
    return found


async def run_case(port: int, case: Case, client_ports: dict[int, str]) -> str | None:
    """Plays one connection; returns a problem, or None."""
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
    except OSError as error:
        return f"{case.name}: could not connect: {error}"
    client_ports[writer.get_extra_info("sockname")[1]] = case.name
    try:
        if case.data:
            writer.write(case.data)
            try:
                await writer.drain()
            except ConnectionError:
                return None  # the server already hung up on us, which is its right
        if case.ending == "abort":
            writer.transport.abort()
            return None
        if case.ending == "close":
            return None
        try:
            async with asyncio.timeout(CLOSE_WITHIN):
                while await reader.read(65536):
                    pass
        except TimeoutError:
            return f"{case.name}: still open after {CLOSE_WITHIN} s"
        except ConnectionError:
            pass
        return None
    finally:
        writer.close()
        with contextlib.suppress(ConnectionError):
            await writer.wait_closed()


async def storm(port: int, rounds: int) -> tuple[int, list[str], dict[int, str]]:
    rng = random.Random(1935)
    work = [case for _ in range(rounds) for case in cases(rng)]
    rng.shuffle(work)
    client_ports: dict[int, str] = {}
    problems: list[str] = []
    gate = asyncio.Semaphore(PARALLEL)

    async def one(case: Case) -> None:
        async with gate:
            if (problem := await run_case(port, case, client_ports)) is not None:
                problems.append(problem)

    await asyncio.gather(*(one(case) for case in work))
    return len(work), problems, client_ports


def resources() -> tuple[int, int]:
    gc.collect()
    return len(asyncio.all_tasks()), psutil.Process(os.getpid()).num_fds()


async def quiet(seconds: float = 5.0) -> tuple[int, int]:
    """Task and fd counts once they have stopped changing for half a second."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    previous = resources()
    while loop.time() < deadline:
        await asyncio.sleep(0.5)
        current = resources()
        if current == previous:
            return current
        previous = current
    return previous


async def settled(baseline: tuple[int, int], seconds: float = 10.0) -> tuple[int, int]:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    current = resources()
    while current != baseline and loop.time() < deadline:
        await asyncio.sleep(0.1)
        current = resources()
    return current


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Clip:
    return encode_clip(tmp_path_factory.mktemp("media") / "clip.flv", seconds=4)


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[RunningServer]:
    settings = make_settings(tmp_path / "data", rtmp_read_timeout=READ_TIMEOUT)
    async with running_server(tmp_path / "data", settings) as running:
        assert running.server.services is not None
        await running.server.services.config.update(video_latency_level=0)
        yield running


@pytest.mark.alone  # counts log lines per client port over 300 connections: a loaded parallel run blurs it
async def test_hostile_storm_leaves_the_server_healthy(
    server: RunningServer, clip: Clip, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    port = server.server.rtmp_port
    # One legitimate-looking connection first, so lazy imports and pools are in place for the baseline.
    await storm(port, 1)
    baseline = await quiet()
    caplog.clear()

    count, problems, client_ports = await storm(port, ROUNDS)
    assert count >= 300
    assert problems == []

    # Nothing left behind: every connection task ended, every socket closed.
    assert await settled(baseline) == baseline

    # Each hostile peer cost at most one log line, and nothing logged an error or a traceback.
    lines_per_peer: Counter[str] = Counter()
    for record in caplog.records:
        if record.name.startswith("ownstream") and (
            m := re.search(r"127\.0\.0\.1:(\d+)", record.getMessage())
        ):
            lines_per_peer[m.group(1)] += 1
    noisy = {client_ports.get(int(p), p): n for p, n in lines_per_peer.items() if n > 1}
    assert noisy == {}
    bad = [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info is not None]
    assert bad == [], [r.getMessage() for r in bad]
    assert "Traceback" not in caplog.text

    # Still serving: the API answers and a real publisher goes online.
    async with aiohttp.ClientSession() as http:
        status_url = server.base_url + "/api/status"

        async def online() -> bool:
            async with http.get(status_url) as response:
                assert response.status == 200
                return bool((await response.json())["online"])

        assert not await online()
        publisher = await start_publisher(clip, server.rtmp_url())
        try:
            await wait_until(online, 30, "the legitimate stream to go online")
        finally:
            await stop_process(publisher)
