"""The chat WebSocket's shell (reference §3.1, §3.8): who may chat, the hub's view of an aiohttp
socket, and the loop that moves inbound frames to the chat service, applying the size and flood limits
on the way in. The `/ws` route itself (the HTTP-level admission) is api/routes/chat_socket.py.

Binary frames are ignored (they still count against the flood limit); Owncast's clients never send any.
"""

from __future__ import annotations

import asyncio
import logging
import resource
from collections.abc import Callable

from aiohttp import WSMsgType, web

from ownstream.auth.tokens import may_use
from ownstream.chat import protocol
from ownstream.chat.flood import FloodGuard, Verdict
from ownstream.chat.hub import ChatClient
from ownstream.chat.service import ChatService
from ownstream.domain.chat_events import ConnectionRefused
from ownstream.domain.owncast_json import encode
from ownstream.domain.scopes import CAN_SEND_MESSAGES
from ownstream.domain.users import User

log = logging.getLogger(__name__)

SOCKET_SHARE_OF_FILE_LIMIT = 0.7


def default_socket_limit() -> int:
    """70 % of the process's hard open-file limit, as Owncast allows."""
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or hard <= 0:
        hard = 1 << 20
    return max(1, int(hard * SOCKET_SHARE_OF_FILE_LIMIT))


class WebSocketOutlet:
    """The hub's view of an aiohttp WebSocket."""

    def __init__(self, ws: web.WebSocketResponse, request: web.Request) -> None:
        self._ws = ws
        self._request = request

    async def send(self, frame: bytes) -> None:
        await self._ws.send_frame(frame, WSMsgType.TEXT)

    def write_now(self, wire_frame: bytes, limit: int) -> bool:
        # Frames are complete and uncompressed (compress=False), so they interleave safely with
        # aiohttp's own writes (pings, close) on the same transport.
        transport = self._request.transport
        if transport is None or transport.is_closing() or self._ws.closed:
            return False
        if transport.get_write_buffer_size() > limit:
            return False
        transport.write(wire_frame)
        return True

    async def close(self) -> None:
        await self._ws.close()

    def abort(self) -> None:
        transport = self._request.transport
        if transport is not None:
            transport.abort()


async def refuse(ws: web.WebSocketResponse, event: ConnectionRefused) -> web.WebSocketResponse:
    try:
        await ws.send_frame(encode(event), WSMsgType.TEXT)
        await ws.close()
    except ConnectionError:
        pass  # the peer left before hearing why; nothing to do
    return ws


def may_chat(user: User) -> bool:
    """Chat users may use the socket; integration tokens only with CAN_SEND_MESSAGES (and not deleted).

    0.0.11 let a token of any scope chat here. A token without that scope is not a chat identity, so it
    is told what an unknown token is told: ERROR_NEEDS_REGISTRATION."""
    return user.type == "STANDARD" or may_use(user, CAN_SEND_MESSAGES)


async def serve_socket(ws: web.WebSocketResponse, chat: ChatService, client: ChatClient) -> None:
    """Hand the socket's frames to the chat service until it closes, then take the client off the hub."""
    session = _InboundFrames(chat, client, asyncio.get_running_loop().time)
    try:
        async for message in ws:
            await session.receive(message.type, message.data)
    finally:
        await chat.disconnect(client)


class _InboundFrames:
    """Applies the limits to one socket's inbound frames and hands the survivors to the service."""

    def __init__(self, chat: ChatService, client: ChatClient, now: Callable[[], float]) -> None:
        self._chat = chat
        self._client = client
        self._now = now
        self._flood = FloodGuard(now())

    async def _flood_verdict(self) -> Verdict:
        shared = self._chat.flood_limit
        if shared is not None and (verdict := await shared.check(self._client.user.id)) is not None:
            return verdict
        return self._flood.check(self._now())

    async def receive(self, kind: WSMsgType, data: object) -> None:
        if kind not in (WSMsgType.TEXT, WSMsgType.BINARY):
            return
        client = self._client
        if not client.user.is_moderator and self._chat.spam_protection:
            verdict = await self._flood_verdict()
            if verdict is Verdict.MUTE:
                self._chat.notify_flooding(client)
                return
            if verdict is Verdict.MUTED:
                return
        if kind is WSMsgType.BINARY or not isinstance(data, str):
            return
        if len(data.encode("utf-8", "surrogatepass")) > protocol.MAX_MESSAGE_BYTES:
            self._chat.notify_too_large(client)
            return
        if not self._chat.admits_frame(client, data):
            return
        event = protocol.parse_inbound(data)
        try:
            if isinstance(event, protocol.ChatSent):
                await self._chat.receive_chat(client, event.body)
            elif isinstance(event, protocol.NameChangeRequested):
                await self._chat.request_rename(client, event.new_name)
            elif isinstance(event, protocol.ColorChangeRequested):
                await self._chat.change_color(client, event.new_color)
            else:
                log.debug("chat socket %d: ignored %s", client.id, event)
        except Exception:
            # Our bug, not the peer's: log it and keep the socket.
            log.exception("chat socket %d: handling %s failed", client.id, type(event).__name__)
