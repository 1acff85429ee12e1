"""Chat survives `kill -9`: every message a sender saw echoed back is in the history after a restart.

The echo is the acknowledgement: the server broadcasts a message only after its row is committed. Three
times over, a real server process takes chat from several WebSocket clients at once (moderators, who are
not rate-limited, keep a window of messages in flight; ordinary users chat at the allowed pace), and is
SIGKILLed in the middle of it. Each restart on the same data dir must list every acknowledged message and
pass SQLite's integrity check. A fresh server that never streamed accepts chat, so no video is needed.
"""

from __future__ import annotations

import asyncio
import random
import secrets
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
import pytest

from tests.chat.client import Registered, register
from tests.e2e.cli_process import CliServer, cli_server
from tests.harness import admin_auth

pytestmark = pytest.mark.e2e

KILL_CYCLES = 3
MODERATORS = 3
VIEWERS = 3
IN_FLIGHT = 8
"""Unacknowledged messages a moderator keeps outstanding."""
VIEWER_INTERVAL = 0.75
"""Ordinary users stay under the 1.5 messages/s token bucket."""


@dataclass
class Sender:
    user: Registered
    moderator: bool
    sent: set[str] = field(default_factory=set)
    acknowledged: set[str] = field(default_factory=set)


async def chat_until_killed(server: CliServer, sender: Sender, cycle: int, stop: asyncio.Event) -> None:
    """Sends unique messages until the connection dies; records each one whose echo came back."""
    tag = f"c{cycle}-{sender.user.name}-"
    window = asyncio.Semaphore(IN_FLIGHT if sender.moderator else 1)
    async with aiohttp.ClientSession() as http:
        try:
            ws = await http.ws_connect(f"{server.base_url}/ws?accessToken={sender.user.token}")
        except aiohttp.ClientError:
            return

        async def read_echoes() -> None:
            try:
                async for message in ws:
                    if message.type is not aiohttp.WSMsgType.TEXT:
                        break
                    for line in message.data.split("\n"):
                        if tag in line:
                            body = next(b for b in sender.sent if b in line)
                            if body not in sender.acknowledged:
                                sender.acknowledged.add(body)
                                window.release()
            finally:
                for _ in range(IN_FLIGHT):
                    window.release()  # the sender must not wait for echoes that will never come

        reader = asyncio.create_task(read_echoes(), name=f"echoes {sender.user.name}")
        try:
            number = 0
            while not stop.is_set() and not reader.done():
                await window.acquire()
                body = f"{tag}{number}-{secrets.token_hex(4)}"
                number += 1
                sender.sent.add(body)
                await ws.send_json({"type": "CHAT", "body": body})
                if not sender.moderator:
                    await asyncio.sleep(VIEWER_INTERVAL)
        except (ConnectionError, aiohttp.ClientError):
            pass
        finally:
            await asyncio.wait([reader], timeout=5)
            reader.cancel()
            await ws.close()


async def stored_bodies(http: aiohttp.ClientSession, server: CliServer) -> list[str]:
    async with http.get(f"{server.base_url}/api/admin/chat/messages", headers=admin_auth()) as response:
        assert response.status == 200
        return [message["body"] for message in await response.json()]


def integrity(database: Path) -> str:
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as connection:
        return str(connection.execute("PRAGMA integrity_check").fetchone()[0])


async def test_acknowledged_messages_survive_three_kill_9s(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    rng = random.Random(9)
    senders: list[Sender] = []
    acknowledged_before: set[str] = set()

    for cycle in range(KILL_CYCLES + 1):
        async with cli_server(data_dir) as server, aiohttp.ClientSession() as http:
            # After a kill: everything acknowledged so far is there, nothing else is invented.
            stored = await stored_bodies(http, server)
            lost = acknowledged_before - set(stored)
            assert not lost, f"{len(lost)} acknowledged messages lost after kill -9, e.g. {sorted(lost)[:5]}"
            sent = {body for sender in senders for body in sender.sent}
            assert set(stored) <= sent
            assert len(stored) == len(set(stored)), "a message was stored twice"
            assert await asyncio.to_thread(integrity, data_dir / "ownstream.db") == "ok"
            if cycle == KILL_CYCLES:
                break

            if not senders:
                for number in range(MODERATORS + VIEWERS):
                    moderator = number < MODERATORS
                    user = await register(
                        http, server.base_url, f"{'mod' if moderator else 'viewer'}{number}"
                    )
                    senders.append(Sender(user, moderator))
                    if moderator:
                        async with http.post(
                            f"{server.base_url}/api/admin/chat/users/setmoderator",
                            json={"userId": user.id, "isModerator": True},
                            headers=admin_auth(),
                        ) as response:
                            assert response.status == 200

            stop = asyncio.Event()
            talkers = [
                asyncio.create_task(chat_until_killed(server, sender, cycle, stop), name=f"talker {n}")
                for n, sender in enumerate(senders)
            ]
            await asyncio.sleep(rng.uniform(1.5, 3.0))
            await server.kill()
            stop.set()
            await asyncio.wait_for(asyncio.gather(*talkers), 10)

            acknowledged_now = {body for sender in senders for body in sender.acknowledged}
            in_this_cycle = acknowledged_now - acknowledged_before
            assert len(in_this_cycle) > 50, (
                f"only {len(in_this_cycle)} messages acknowledged in cycle {cycle}"
            )
            acknowledged_before = acknowledged_now

    assert len(acknowledged_before) > 150
