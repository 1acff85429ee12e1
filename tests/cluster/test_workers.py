"""`ownstream --workers N`: one parent (the media process) binds the HTTP port and runs N web processes on
it, restarting one that dies; refused with one line without Redis, and on a busy port."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import psutil
import pytest

from tests.cluster.conftest import started_redis
from tests.cluster.nodes import Node, start_node
from tests.e2e.cli_process import free_port, run_cli
from tests.postgres import database_url_for
from tests.redis_server import RedisServer

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("cluster-processes")]


@pytest.fixture(scope="module")
def redis() -> Iterator[RedisServer]:
    server = started_redis()
    try:
        yield server
    finally:
        server.remove()


def workers_of(parent: Node) -> list[psutil.Process]:
    found = []
    for child in psutil.Process(parent.process.pid).children():
        try:
            if "ownstream" in " ".join(child.cmdline()):
                found.append(child)
        except psutil.NoSuchProcess:
            continue
    return found


async def wait_for_workers(parent: Node, count: int, timeout: float = 30.0) -> list[psutil.Process]:
    deadline = time.monotonic() + timeout
    while len(workers := workers_of(parent)) != count:
        assert time.monotonic() < deadline, f"{len(workers)} workers, not {count}"
        await asyncio.sleep(0.1)
    return workers


async def test_workers_share_the_port_and_one_that_dies_is_replaced_while_the_other_serves(
    postgres_admin_url: str, redis: RedisServer, tmp_path: Path
) -> None:
    database_url = database_url_for(postgres_admin_url, tmp_path)
    parent = start_node(tmp_path / "data", database_url, redis.url, 0, "--workers", "2")
    again: list[psutil.Process] = []
    try:
        first = await wait_for_workers(parent, 2)
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(force_close=True)) as http:

            async def answered() -> int:
                async with http.get(parent.base_url + "/api/status") as response:
                    return response.status

            assert [await answered() for _ in range(10)] == [200] * 10
            os.kill(first[0].pid, signal.SIGKILL)
            await asyncio.sleep(0.2)
            # Every new connection lands on the worker that lives.
            assert [await answered() for _ in range(20)] == [200] * 20
            again = await wait_for_workers(parent, 2)
            assert first[0].pid not in {worker.pid for worker in again}
            assert [await answered() for _ in range(10)] == [200] * 10
        assert "web worker 1" in parent.console.read_text() or "web worker 2" in parent.console.read_text()
    finally:
        parent.stop()
    assert parent.process.returncode == 0
    assert again and not any(psutil.pid_exists(worker.pid) for worker in again)  # stopped with the parent


async def test_a_busy_port_is_one_line_and_no_worker_starts(
    postgres_admin_url: str, redis: RedisServer, tmp_path: Path
) -> None:
    database_url = database_url_for(postgres_admin_url, tmp_path)
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        code, output = await run_cli(
            "--datadir", str(tmp_path / "data"), "--database-url", database_url, "--redis-url", redis.url,
            "--workers", "2", "--webserverip", "127.0.0.1", "--webserverport", str(port),
            "--rtmpport", str(free_port()), "--streamkey", "abc123",
            timeout=60,
        )  # fmt: skip
    assert code == 1
    assert f"HTTP port {port} is in use: set --webserverport / OWNSTREAM_WEBSERVERPORT" in output
    assert "Traceback" not in output and "web worker" not in output


async def test_more_than_one_worker_without_redis_is_refused_with_one_line(tmp_path: Path) -> None:
    code, output = await run_cli("--datadir", str(tmp_path), "--workers", "2")
    assert code == 2
    lines = [line for line in output.splitlines() if line.startswith("ownstream: ")]
    assert lines == [
        "ownstream: error: --workers / OWNSTREAM_WORKERS above 1 needs --redis-url / OWNSTREAM_REDIS_URL: "
        "the workers share chat, settings and the stream's state through Redis"
    ]
