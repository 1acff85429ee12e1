"""Connect/disconnect churn while messages flow: nothing leaks (tasks, file descriptors, memory)."""

import asyncio
import gc
import logging
import os
import random
from pathlib import Path

import aiohttp
import psutil
import pytest

from tests.chat.client import ChatSocket, Registered, register
from tests.harness import RunningServer, admin_auth, make_settings, running_server

CYCLES = 2000
PARALLEL = 25
USERS = 20


def snapshot() -> tuple[int, int, int]:
    gc.collect()
    process = psutil.Process(os.getpid())
    return len(asyncio.all_tasks()), process.num_fds(), process.memory_info().rss


async def quiet_snapshot(seconds: float = 5.0) -> tuple[int, int, int]:
    """A snapshot once task and fd counts have stopped changing for half a second."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    previous = snapshot()
    while loop.time() < deadline:
        await asyncio.sleep(0.5)
        current = snapshot()
        if current[:2] == previous[:2]:
            return current
        previous = current
    return previous


async def settle_to(baseline: tuple[int, int, int], seconds: float = 5.0) -> tuple[int, int, int]:
    """Give closing sockets a moment; return the first snapshot with the baseline's tasks and no more
    descriptors than it (a database server's connection pool may have closed one it held then: fewer
    is no leak)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    current = snapshot()
    while (current[0] != baseline[0] or current[1] > baseline[1]) and loop.time() < deadline:
        await asyncio.sleep(0.1)
        current = snapshot()
    return current


async def one_cycle(http: aiohttp.ClientSession, base_url: str, user: Registered, rng: random.Random) -> None:
    socket = await ChatSocket.open(http, base_url, user.token)
    try:
        await socket.next()
        style = rng.random()
        if style < 0.3:
            await socket.next(timeout=1)  # wait for some traffic first
        elif style < 0.4:
            socket.ws._response.connection.transport.abort()  # type: ignore[union-attr]  # vanish mid-stream
            return
    except TimeoutError:
        pass
    await socket.close()


async def churn(server: RunningServer, users: list[Registered], cycles: int) -> None:
    rng = random.Random(5)
    async with aiohttp.ClientSession() as http:
        queue = list(range(cycles))

        async def worker() -> None:
            while queue:
                n = queue.pop()
                await one_cycle(http, server.base_url, users[n % len(users)], rng)

        await asyncio.gather(*(worker() for _ in range(PARALLEL)))


async def talk(server: RunningServer, speaker: Registered, stop: asyncio.Event) -> int:
    sent = 0
    async with aiohttp.ClientSession() as http:
        socket = await ChatSocket.open(http, server.base_url, speaker.token)
        while not stop.is_set():
            await socket.chat(f"message {sent}")
            sent += 1
            await asyncio.sleep(0.01)
        await socket.close()
    return sent


async def churn_while_talking(
    server: RunningServer, users: list[Registered], speaker: Registered, cycles: int
) -> int:
    stop = asyncio.Event()
    talker = asyncio.create_task(talk(server, speaker, stop))
    await churn(server, users, cycles)
    stop.set()
    sent = await talker
    assert sent > 10
    return sent


@pytest.mark.churn
async def test_churn_leaks_nothing(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    settings = make_settings(tmp_path / "data", chat_heartbeat=30.0)
    async with running_server(tmp_path / "data", settings) as server:
        services = server.server.services
        assert services is not None
        async with aiohttp.ClientSession() as http:
            users = [await register(http, server.base_url, f"user{n}") for n in range(USERS)]
            speaker = await register(http, server.base_url, "speaker")
            async with http.post(
                server.base_url + "/api/admin/chat/users/setmoderator",
                json={"userId": speaker.id, "isModerator": True},
                headers=admin_auth(),
            ) as response:
                assert response.status == 200

        # A first, smaller round warms up caches, pools and lazy imports.
        sent = await churn_while_talking(server, users, speaker, 300)
        baseline = await quiet_snapshot()

        sent += await churn_while_talking(server, users, speaker, CYCLES)

        tasks, fds, rss = await settle_to(baseline)
        assert len(services.chat.hub) == 0
        assert tasks == baseline[0] and fds <= baseline[1], ((tasks, fds), baseline[:2])
        assert rss - baseline[2] < 10 * 1024 * 1024, f"RSS grew by {(rss - baseline[2]) / 1e6:.1f} MB"
        assert len(await services.chat.history(limit=10_000)) == sent

    problems = [record for record in caplog.records if record.levelno >= logging.ERROR or record.exc_info]
    assert problems == [], [record.getMessage() for record in problems]
