"""Limits that hold for the site, not per process: two real `ownstream` processes over one PostgreSQL
and one Redis (both started by the tests). Before they were shared, a user's flood limit was per socket
(sockets on two processes each had a full bucket) and the socket limit per process (each process let
`--max-chat-sockets` in on its own)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any

import aiohttp
import pytest

from ownstream.chat.flood import BURST
from tests.chat.client import ChatSocket, register
from tests.cluster.conftest import started_redis
from tests.cluster.nodes import STREAM_KEY, Node, start_node
from tests.harness import admin_auth
from tests.postgres import database_url_for

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("cluster-processes")]


@pytest.fixture(scope="module")
def nodes(postgres_admin_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Node, Node]]:
    root = tmp_path_factory.mktemp("shared-limits")
    database_url = database_url_for(postgres_admin_url, root)
    redis = started_redis()
    started: list[Node] = []
    try:
        for name, slot in (("a", 1), ("b", 2)):
            started.append(start_node(root / name, database_url, redis.url, slot, "--max-chat-sockets", "4"))
        yield started[0], started[1]
    finally:
        for node in started:
            node.stop()
        redis.remove()


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


async def drain(socket: ChatSocket, seconds: float = 1.0) -> list[dict[str, Any]]:
    """Every event the socket hears until it has been quiet for `seconds`."""
    events: list[dict[str, Any]] = []
    while True:
        try:
            events.append(await socket.next(seconds))
        except TimeoutError:
            return events


async def test_a_user_flooding_through_both_processes_is_muted_once_with_one_notice(
    nodes: tuple[Node, Node], http: aiohttp.ClientSession
) -> None:
    a, b = nodes
    flooder = await register(http, a.base_url, "flooder")
    on_a = await ChatSocket.open(http, a.base_url, flooder.token)
    on_b = await ChatSocket.open(http, b.base_url, flooder.token)
    watcher = await register(http, b.base_url, "watcher")
    watching = await ChatSocket.open(http, b.base_url, watcher.token)
    for socket in (on_a, on_b, watching):
        await socket.expect("CONNECTED_USER_INFO")
    await drain(watching, 0.5)  # the joins

    # Nine frames alternating between the two sockets: per socket (five and four) none would be refused.
    for n in range(9):
        await (on_a if n % 2 == 0 else on_b).chat(f"spam {n}")

    seen = [event for event in await drain(watching) if event["type"] == "CHAT"]
    assert len(seen) == BURST, [event["body"] for event in seen]
    notices = [
        event
        for socket in (on_a, on_b)
        for event in await drain(socket, 0.5)
        if event["type"] == "CHAT_ACTION" and "too fast" in event["body"]
    ]
    assert len(notices) == 1
    for socket in (on_a, on_b, watching):
        await socket.close()


async def sockets_listed(http: aiohttp.ClientSession, node: Node) -> int:
    async with http.get(
        node.base_url + "/api/admin/chat/clients", headers=admin_auth(STREAM_KEY)
    ) as response:
        return len(await response.json())


async def settled_at(http: aiohttp.ClientSession, nodes: tuple[Node, Node], count: int) -> None:
    """Both processes list `count` sockets, and have had two presence ticks since to count them."""
    deadline = time.monotonic() + 10
    while [await sockets_listed(http, node) for node in nodes] != [count, count]:
        assert time.monotonic() < deadline, "the processes do not agree on the sockets"
        await asyncio.sleep(0.1)
    await asyncio.sleep(2.5)


async def refused(http: aiohttp.ClientSession, node: Node, token: str) -> bool:
    async with http.get(f"{node.base_url}/ws", params={"accessToken": token}) as response:
        return await response.text() == "ERROR_MAX_CONNECTIONS_EXCEEDED"


async def test_sockets_over_the_site_wide_maximum_are_refused_on_either_process(
    nodes: tuple[Node, Node], http: aiohttp.ClientSession
) -> None:
    a, b = nodes
    user = await register(http, a.base_url, "many-tabs")
    await settled_at(http, nodes, 0)
    held = [await ChatSocket.open(http, node.base_url, user.token) for node in (a, a, a, b)]
    await settled_at(http, nodes, 4)
    # Each process alone holds fewer than four (three and one); the site holds four.
    assert await refused(http, a, user.token)
    assert await refused(http, b, user.token)
    await held.pop().close()
    await settled_at(http, nodes, 3)
    assert not await refused(http, b, user.token)
    again = await ChatSocket.open(http, b.base_url, user.token)
    await again.expect("CONNECTED_USER_INFO")
    for socket in (*held, again):
        await socket.close()
