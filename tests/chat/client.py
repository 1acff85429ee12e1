"""A test chat client: a real aiohttp WebSocket that splits batched frames into events."""

from __future__ import annotations

import asyncio
import json
from collections import deque
from dataclasses import dataclass
from typing import Any

import aiohttp


@dataclass
class Registered:
    id: str
    token: str
    name: str


async def register(http: aiohttp.ClientSession, base_url: str, name: str | None = None) -> Registered:
    body = {"displayName": name} if name is not None else None
    async with http.post(base_url + "/api/chat/register", json=body) as response:
        assert response.status == 200, await response.text()
        document = await response.json()
    return Registered(document["id"], document["accessToken"], document["displayName"])


class ChatSocket:
    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self.ws = ws
        self.frames: list[str] = []
        """Every text frame received, as sent (events joined by newlines)."""
        self._pending: deque[dict[str, Any]] = deque()

    @classmethod
    async def open(cls, http: aiohttp.ClientSession, base_url: str, token: str) -> ChatSocket:
        ws = await http.ws_connect(base_url + "/ws?accessToken=" + token, autoping=True)
        return cls(ws)

    async def send(self, event: dict[str, Any]) -> None:
        await self.ws.send_str(json.dumps(event))

    async def chat(self, body: str) -> None:
        await self.send({"type": "CHAT", "body": body})

    async def _receive(self, timeout: float) -> aiohttp.WSMessage:
        # An overall deadline: aiohttp's own receive timeout restarts after every ping it answers.
        async with asyncio.timeout(timeout):
            return await self.ws.receive()

    async def _fill(self, timeout: float) -> None:
        message = await self._receive(timeout)
        if message.type is aiohttp.WSMsgType.TEXT:
            self.frames.append(message.data)
            for line in message.data.split("\n"):
                self._pending.append(json.loads(line))
            return
        raise ConnectionError(f"socket ended: {message.type!r} {message.data!r}")

    async def next(self, timeout: float = 5.0) -> dict[str, Any]:
        while not self._pending:
            await self._fill(timeout)
        return self._pending.popleft()

    async def expect(self, event_type: str, timeout: float = 5.0) -> dict[str, Any]:
        """The next event of `event_type`, skipping others."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(f"no {event_type} event")
            event = await self.next(remaining)
            if event["type"] == event_type:
                return event

    async def expect_silence(self, seconds: float = 0.3) -> None:
        """Nothing arrives for `seconds`."""
        assert not self._pending, list(self._pending)
        try:
            message = await self._receive(seconds)
        except TimeoutError:
            return
        raise AssertionError(f"unexpected {message.type!r}: {message.data!r}")

    async def closed(self, timeout: float = 5.0) -> int | None:
        """Wait for the server to close the socket, skipping events; the close code."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            message = await self._receive(max(0.01, deadline - loop.time()))
            if message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.CLOSING):
                return self.ws.close_code
            if message.type is aiohttp.WSMsgType.TEXT:
                for line in message.data.split("\n"):
                    self._pending.append(json.loads(line))

    async def close(self) -> None:
        await self.ws.close()
