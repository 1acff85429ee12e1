"""Two real `ownstream` processes serving one site over one PostgreSQL database and one Redis (both
started by the tests): chat, moderation, targeted sends, settings and the admin's list of sockets reach
across them. Without `--redis-url` each process would be a chat room of its own and none of this holds."""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.chat.client import ChatSocket, register
from tests.cluster.conftest import started_redis
from tests.cluster.nodes import STREAM_KEY, Node, admin_post, flag_value, start_node
from tests.harness import admin_auth
from tests.postgres import database_url_for

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("cluster-processes")]


@pytest.fixture(scope="module")
def nodes(postgres_admin_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Node, Node]]:
    root = tmp_path_factory.mktemp("two-processes")
    database_url = database_url_for(postgres_admin_url, root)
    redis = started_redis()
    started: list[Node] = []
    try:
        started.append(start_node(root / "a", database_url, redis.url, 1))
        started.append(start_node(root / "b", database_url, redis.url, 2))
        # Many messages from one socket in a moment: no token bucket in the way (a setting, itself shared).
        admin_post(started[0], "/api/admin/config/chat/spamprotectionenabled", {"value": False})
        yield started[0], started[1]
    finally:
        for node in started:
            node.stop()
        redis.remove()


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


async def joined(http: aiohttp.ClientSession, node: Node, name: str) -> tuple[str, ChatSocket]:
    user = await register(http, node.base_url, name)
    socket = await ChatSocket.open(http, node.base_url, user.token)
    await socket.expect("CONNECTED_USER_INFO")
    return user.id, socket


async def chats_tagged(
    socket: ChatSocket, tag: str, count: int, timeout: float = 10.0
) -> list[dict[str, Any]]:
    """The next `count` CHAT events whose body carries `tag`, then nothing more of them for a moment."""
    found: list[dict[str, Any]] = []
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while len(found) < count:
        event = await socket.expect("CHAT", max(0.01, deadline - loop.time()))
        if tag in event["body"]:
            found.append(event)
    try:
        while True:
            event = await socket.expect("CHAT", 0.5)
            assert tag not in event["body"], f"a message arrived twice: {event}"
    except TimeoutError:
        pass
    return found


async def test_a_message_sent_through_one_process_reaches_the_other_once_in_order(
    nodes: tuple[Node, Node], http: aiohttp.ClientSession
) -> None:
    a, b = nodes
    _, on_a = await joined(http, a, "sender")
    _, on_b = await joined(http, b, "listener")
    tag = secrets.token_hex(4)
    bodies = [f"{tag} message {index}" for index in range(5)]
    for body in bodies:
        await on_a.chat(body)
    for socket in (on_a, on_b):
        received = await chats_tagged(socket, tag, len(bodies))
        assert [event["body"] for event in received] == bodies
        assert [event["user"]["displayName"] for event in received] == ["sender"] * len(bodies)


async def test_a_moderators_hide_on_one_process_removes_the_message_on_the_other(
    nodes: tuple[Node, Node], http: aiohttp.ClientSession
) -> None:
    a, b = nodes
    _, on_a = await joined(http, a, "chatter")
    tag = secrets.token_hex(4)
    await on_a.chat(f"{tag} regrettable")
    (message,) = await chats_tagged(on_a, tag, 1)
    answer = admin_post(
        b, "/api/admin/chat/messagevisibility", {"idArray": [message["id"]], "visible": False}
    )
    assert answer["success"] is True
    update = await on_a.expect("VISIBILITY-UPDATE")
    assert update["ids"] == [message["id"]] and update["visible"] is False


async def test_a_setting_changed_through_one_process_is_in_the_others_config_within_a_second(
    nodes: tuple[Node, Node], http: aiohttp.ClientSession
) -> None:
    a, b = nodes
    name = f"Site {secrets.token_hex(3)}"
    admin_post(a, "/api/admin/config/name", {"value": name})
    changed = time.monotonic()
    while True:
        async with http.get(b.base_url + "/api/config") as response:
            if (await response.json())["name"] == name:
                break
        assert time.monotonic() - changed < 1.0, "the other process still serves the old name"
        await asyncio.sleep(0.02)


async def test_the_admins_list_of_sockets_and_a_private_message_reach_across_processes(
    nodes: tuple[Node, Node], http: aiohttp.ClientSession
) -> None:
    a, b = nodes
    user_a, on_a = await joined(http, a, "here")
    user_b, on_b = await joined(http, b, "there")

    async def clients_on_a() -> dict[str, int]:
        async with http.get(
            a.base_url + "/api/admin/chat/clients", headers=admin_auth(STREAM_KEY)
        ) as response:
            return {client["user"]["id"]: client["clientId"] for client in await response.json()}

    deadline = time.monotonic() + 5
    while not {user_a, user_b} <= set(listed := await clients_on_a()):
        assert time.monotonic() < deadline, f"the other process's socket is not listed: {listed}"
        await asyncio.sleep(0.1)
    assert listed[user_b] >> 43 == 2 and listed[user_a] >> 43 == 1  # the slot is in the client id

    token = admin_post(
        a, "/api/admin/accesstokens/create", {"name": "notifier", "scopes": ["CAN_SEND_SYSTEM_MESSAGES"]}
    )["accessToken"]
    async with http.post(
        f"{a.base_url}/api/integrations/chat/system/client/{listed[user_b]}",
        json={"body": "for your eyes only"},
        headers={"Authorization": f"Bearer {token}"},
    ) as response:
        assert response.status == 200, await response.text()
    private = await on_b.expect("SYSTEM")
    assert "for your eyes only" in private["body"]
    with pytest.raises(TimeoutError):
        while True:  # nobody else hears it
            event = await on_a.expect("SYSTEM", 0.5)
            assert "for your eyes only" not in event["body"]


async def test_a_ban_through_one_process_closes_the_users_socket_on_the_other(
    nodes: tuple[Node, Node], http: aiohttp.ClientSession
) -> None:
    a, b = nodes
    troll, on_b = await joined(http, b, "troll")
    _, witness = await joined(http, a, "witness")
    answer = admin_post(a, "/api/admin/chat/users/setenabled", {"userId": troll, "enabled": False})
    assert answer["success"] is True
    await on_b.expect("ERROR_USER_DISABLED")
    assert await on_b.closed(10) is not None
    notice = await witness.expect("CHAT_ACTION")
    assert "troll" in notice["body"]


SENDERS = 4


@settings(max_examples=6, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plan=st.lists(st.integers(0, SENDERS - 1), min_size=1, max_size=16))
def test_messages_from_senders_on_both_processes_arrive_at_every_socket_in_one_order(
    nodes: tuple[Node, Node], plan: list[int]
) -> None:
    """`plan`: which sender sends each message; senders alternate between the processes and all send at
    once, each its own messages in turn. Every socket on either process sees the same sequence, each
    message once, every sender's messages in the order it sent them."""
    asyncio.run(_one_order(nodes, plan))


async def _one_order(nodes: tuple[Node, Node], plan: list[int]) -> None:
    tag = secrets.token_hex(4)
    async with aiohttp.ClientSession() as http:
        senders = [(await joined(http, nodes[index % 2], f"sender{index}"))[1] for index in range(SENDERS)]
        listeners = [(await joined(http, node, "listener"))[1] for node in nodes]
        mine: dict[int, list[str]] = {index: [] for index in range(SENDERS)}
        for number, sender in enumerate(plan):
            mine[sender].append(f"{tag} {sender}:{number}")

        async def send_all(index: int) -> None:
            for body in mine[index]:
                await senders[index].chat(body)

        await asyncio.gather(*(send_all(index) for index in range(SENDERS)))
        orders = [
            [event["body"] for event in await chats_tagged(socket, tag, len(plan))]
            for socket in [*senders, *listeners]
        ]
        for socket in [*senders, *listeners]:
            await socket.close()
    first = orders[0]
    assert all(order == first for order in orders), orders
    assert sorted(first) == sorted(body for bodies in mine.values() for body in bodies)
    for index, bodies in mine.items():
        assert [body for body in first if body.startswith(f"{tag} {index}:")] == bodies


def test_a_second_process_on_a_taken_slot_is_refused_with_one_line(
    nodes: tuple[Node, Node], postgres_admin_url: str, tmp_path: Path
) -> None:
    a, _ = nodes
    redis_url = flag_value(a, "--redis-url")
    database_url = database_url_for(postgres_admin_url, a.data_dir.parent)
    with pytest.raises(AssertionError) as refused:
        start_node(tmp_path / "c", database_url, redis_url, 1)
    assert "process slot 1 is in use by another process" in str(refused.value)
    assert "Traceback" not in str(refused.value)
