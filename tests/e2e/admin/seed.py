"""Data for the dashboard's pages to show: chat users talking, followers, webhooks, tokens, actions."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import aiohttp

from ownstream.database.repos.followers import Follower
from tests.harness import RunningServer, admin_auth

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
HOSTILE = '<img src=x onerror="document.title=1">'
"""A name or text that would run script if it were inserted as HTML."""

PHONE_SAFARI = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1"
)


async def register(http: aiohttp.ClientSession, base_url: str, name: str) -> dict[str, str]:
    async with http.post(base_url + "/api/chat/register", json={"displayName": name}) as response:
        assert response.status == 200
        return dict(await response.json())


async def _answer_pings(socket: aiohttp.ClientWebSocketResponse) -> None:
    """Reads (and so answers the server's heartbeat pings) until the socket closes."""
    while not socket.closed:
        message = await socket.receive()
        if message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.ERROR):
            return


@dataclass
class ChatPeer:
    user: dict[str, str]
    socket: aiohttp.ClientWebSocketResponse
    reader: asyncio.Task[None] | None

    async def close(self) -> None:
        await self.socket.close()
        if self.reader is not None:
            await self.reader


async def chat_as(
    http: aiohttp.ClientSession,
    base_url: str,
    name: str,
    messages: list[str],
    user_agent: str = FIREFOX,
    *,
    keep_alive: bool = True,
) -> ChatPeer:
    """Registers `name`, opens a chat socket and sends `messages`; the socket stays open (and, with
    `keep_alive`, keeps answering the server's pings, so it outlives the heartbeat)."""
    user = await register(http, base_url, name)
    socket = await http.ws_connect(
        base_url + "/ws?accessToken=" + user["accessToken"], headers={"User-Agent": user_agent}
    )
    for text in messages:
        await socket.send_str(json.dumps({"type": "CHAT", "body": text}))
        await asyncio.sleep(0.7)  # under the flood limit
    reader = asyncio.create_task(_answer_pings(socket), name=f"chat-peer-{name}") if keep_alive else None
    return ChatPeer(user, socket, reader)


async def seed_followers(server: RunningServer) -> list[Follower]:
    assert server.server.services is not None
    repository = server.server.services.federation.followers
    now = datetime.now(UTC)
    people = [
        ("alice", "social.example", "Alice Example", None, None),
        ("bob", "mastodon.example", "Bob", None, None),
        ("carol", "fedi.example", "Carol", now - timedelta(days=3), None),
        ("spam", "spam.example", "", None, now - timedelta(days=1)),
        ("mallory", "evil.example", HOSTILE, None, None),
    ]
    followers = []
    for user, host, name, approved, disabled in people:
        iri = f"https://{host}/users/{user}"
        follower = Follower(
            iri=iri,
            inbox=iri + "/inbox",
            username=f"{user}@{host}",
            request=f"https://{host}/follows/{user}",
            created_at=now - timedelta(days=4),
            name=name or None,
            approved_at=approved,
            disabled_at=disabled,
        )
        await repository.add(follower)
        followers.append(follower)
    return followers


async def seed_integrations(http: aiohttp.ClientSession, base_url: str) -> None:
    calls = [
        (
            "/api/admin/webhooks/create",
            {"url": "https://bot.example.com/owncast", "events": ["CHAT", "STREAM_STARTED"]},
        ),
        ("/api/admin/accesstokens/create", {"name": "helper-bot", "scopes": ["CAN_SEND_MESSAGES"]}),
        (
            "/api/admin/config/externalactions",
            {
                "value": [
                    {"url": "https://tips.example.com/jar", "title": "Tip jar", "description": "Buy me a tea"}
                ]
            },
        ),
    ]
    for path, body in calls:
        async with http.post(base_url + path, json=body, headers=admin_auth()) as response:
            assert response.status == 200, await response.text()
