"""The set of connected chat sockets and the fan-out to them.

A broadcast encodes the event once and builds its WebSocket frame once. A socket that is keeping up
(nothing queued, its transport buffer small) gets that frame written straight to its transport: one
C-level call per socket, no task wakeup. A socket that is behind gets the event appended to its bounded
queue instead; its writer task sends everything queued as one text frame, events separated by `\\n` (as
Owncast does), once the socket drains. A socket whose queue is full is dropped. Nothing here awaits a
socket, so one slow client cannot stall the others.

The hub is this process's `ChatFanout` (chat/fanout.py): the service reaches sockets by client or user id
through it. Client ids carry the process slot (domain/ids.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterable
from datetime import datetime
from typing import Protocol

from ownstream.domain.chat_events import ConnectedClient
from ownstream.domain.ids import ClientIds
from ownstream.domain.users import User

log = logging.getLogger(__name__)

QUEUE_SIZE = 256
"""Events waiting per socket before the socket is dropped (Owncast's value)."""

DIRECT_WRITE_LIMIT = 64 * 1024
"""Bytes a socket may have unsent in its transport and still get frames written directly."""


def text_frame(payload: bytes) -> bytes:
    """One unmasked, final WebSocket text frame (RFC 6455 §5.2), as a server sends it."""
    length = len(payload)
    if length < 126:
        header = bytes((0x81, length))
    elif length < 1 << 16:
        header = bytes((0x81, 126)) + length.to_bytes(2, "big")
    else:
        header = bytes((0x81, 127)) + length.to_bytes(8, "big")
    return header + payload


class Outlet(Protocol):
    """What the hub needs from a socket: send one text frame, close politely, or cut it off."""

    async def send(self, frame: bytes) -> None: ...

    def write_now(self, wire_frame: bytes, limit: int) -> bool:
        """Write a complete WebSocket frame to the transport at once, unless more than `limit` bytes are
        already waiting there or the socket is closing; True when written."""

    async def close(self) -> None: ...

    def abort(self) -> None: ...


class ChatClient:
    """One connected socket: who it is, its outbound queue, and the task that writes the queue out."""

    def __init__(
        self,
        client_id: int,
        outlet: Outlet,
        user: User,
        *,
        ip_address: str,
        user_agent: str,
        connected_at: datetime,
        queue_size: int,
    ) -> None:
        self.id = client_id
        self.user = user
        self.ip_address = ip_address
        self.user_agent = user_agent
        self.connected_at = connected_at
        self.message_count = 0
        self._outlet = outlet
        self._queue_size = queue_size
        self._queue: list[bytes] = []
        self._wakeup: asyncio.Future[None] | None = None
        self._close_requested = False
        self._closed = False
        self._close_timer: asyncio.TimerHandle | None = None
        self._writer = asyncio.get_running_loop().create_task(
            self._write_loop(), name=f"chat:writer:{client_id}"
        )

    @property
    def closed(self) -> bool:
        return self._closed

    @property
    def writer_task(self) -> asyncio.Task[None]:
        return self._writer

    def push(
        self, frame: bytes, wire_frame: bytes | None = None, direct_limit: int = DIRECT_WRITE_LIMIT
    ) -> bool:
        """Send one encoded event: straight to the socket when it keeps up, else through the queue.

        `wire_frame` is `frame` already framed for WebSocket (built once per broadcast). False when the
        queue is full (the caller drops this client)."""
        if self._closed or self._close_requested:
            return True
        idle = not self._queue and self._wakeup is not None and direct_limit >= 0
        if idle and self._outlet.write_now(wire_frame or text_frame(frame), direct_limit):
            return True
        if len(self._queue) >= self._queue_size:
            return False
        self._queue.append(frame)
        self._wake()
        return True

    def _wake(self) -> None:
        wakeup = self._wakeup
        if wakeup is not None and not wakeup.done():
            wakeup.set_result(None)

    def close_after(self, delay: float) -> None:
        """Send what is queued, then close the socket `delay` seconds from now."""
        if self._close_timer is None and not self._closed:
            self._close_timer = asyncio.get_running_loop().call_later(delay, self.request_close)

    def request_close(self) -> None:
        """Send what is queued, then close the socket politely."""
        self._close_requested = True
        self._wake()

    def abort(self) -> None:
        """Cut the connection off now, dropping anything queued."""
        if self._closed:
            return
        self._closed = True
        self._queue.clear()
        self._writer.cancel()
        self._outlet.abort()

    async def stop(self, close_timeout: float = 1.0) -> None:
        """The socket is gone: stop the writer and any pending close.

        If a polite close is under way, give it `close_timeout` seconds to finish first."""
        if self._close_requested and not self._closed and not self._writer.done():
            await asyncio.wait([self._writer], timeout=close_timeout)
        self._closed = True
        self._queue.clear()
        if self._close_timer is not None:
            self._close_timer.cancel()
            self._close_timer = None
        self._writer.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._writer

    async def _write_loop(self) -> None:
        loop = asyncio.get_running_loop()
        try:
            while True:
                while not self._queue and not self._close_requested:
                    self._wakeup = loop.create_future()
                    await self._wakeup
                    self._wakeup = None
                if self._queue:
                    frames, self._queue = self._queue, []
                    await self._outlet.send(frames[0] if len(frames) == 1 else b"\n".join(frames))
                    continue
                await self._outlet.close()
                return
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            # The peer went away mid-write; the reading side notices and unregisters us.
            log.debug("chat socket %d: write failed: %r", self.id, exc)
            self._closed = True
            self._queue.clear()
            self._outlet.abort()


class ChatHub:
    def __init__(
        self,
        queue_size: int = QUEUE_SIZE,
        max_sockets: int = 1 << 30,
        direct_write_limit: int = DIRECT_WRITE_LIMIT,
        process_slot: int = 0,
    ) -> None:
        self.queue_size = queue_size
        self.max_sockets = max_sockets
        self.site_max_sockets = 0
        """Sockets the whole site may hold (`--max-chat-sockets`); 0: no site-wide limit."""
        self.sockets_elsewhere = 0
        """Sockets the other processes hold, as presence last read them (0 with one process)."""
        self.direct_write_limit = direct_write_limit
        """Negative: never write directly, every event goes through the per-socket queue."""
        self._clients: dict[int, ChatClient] = {}
        self._ids = ClientIds(process_slot)
        self.dropped = 0
        """Sockets dropped because they could not keep up (for tests and stats)."""

    def __len__(self) -> int:
        return len(self._clients)

    @property
    def full(self) -> bool:
        held = len(self._clients)
        if held >= self.max_sockets:
            return True
        return 0 < self.site_max_sockets <= held + self.sockets_elsewhere

    def connect(
        self, outlet: Outlet, user: User, *, ip_address: str, user_agent: str, connected_at: datetime
    ) -> ChatClient:
        client = ChatClient(
            self._ids.next(),
            outlet,
            user,
            ip_address=ip_address,
            user_agent=user_agent,
            connected_at=connected_at,
            queue_size=self.queue_size,
        )
        self._clients[client.id] = client
        return client

    async def disconnect(self, client: ChatClient) -> None:
        self._clients.pop(client.id, None)
        await client.stop()

    def get(self, client_id: int) -> ChatClient | None:
        return self._clients.get(client_id)

    def clients(self) -> list[ChatClient]:
        """Connected sockets, oldest first."""
        return list(self._clients.values())

    def clients_of(self, user_id: str) -> list[ChatClient]:
        return [client for client in self._clients.values() if client.user.id == user_id]

    def broadcast(self, frame: bytes) -> None:
        """Send `frame` to every socket, framed once. Sockets that can't keep up are dropped."""
        wire_frame = text_frame(frame)
        overflowing: list[ChatClient] = []
        for client in self._clients.values():
            if not client.push(frame, wire_frame, self.direct_write_limit):
                overflowing.append(client)
        for client in overflowing:
            self._drop(client)

    def send(self, client: ChatClient, frame: bytes) -> None:
        if not client.push(frame, None, self.direct_write_limit):
            self._drop(client)

    def send_to(self, clients: Iterable[ChatClient], frame: bytes) -> None:
        for client in list(clients):
            self.send(client, frame)

    # --- ChatFanout: sends by id -------------------------------------------------------------------------
    def send_to_client(self, client_id: int, frame: bytes) -> None:
        client = self._clients.get(client_id)
        if client is not None:
            self.send(client, frame)

    def send_to_user(self, user_id: str, frame: bytes) -> None:
        self.send_to(self.clients_of(user_id), frame)

    def update_user(self, user: User) -> None:
        for client in self.clients_of(user.id):
            client.user = user

    def close_user_sockets(self, user_id: str, delay: float = 0.0) -> None:
        for client in self.clients_of(user_id):
            if delay > 0:
                client.close_after(delay)
            else:
                client.request_close()

    async def connected_clients(self) -> list[ConnectedClient]:
        return [
            ConnectedClient(
                client_id=client.id,
                user=client.user,
                message_count=client.message_count,
                user_agent=client.user_agent,
                ip_address=client.ip_address,
                connected_at=client.connected_at,
            )
            for client in self._clients.values()
        ]

    def _drop(self, client: ChatClient) -> None:
        log.info("dropping chat socket %d: its outbound queue is full", client.id)
        self.dropped += 1
        self._clients.pop(client.id, None)
        client.abort()

    async def close_all(self, timeout: float = 0.0) -> None:
        """Close every socket: politely within `timeout` seconds, then cut off whatever is left."""
        clients = list(self._clients.values())
        self._clients.clear()
        if timeout > 0 and clients:
            for client in clients:
                client.request_close()
            await asyncio.wait([client.writer_task for client in clients], timeout=timeout)
        for client in clients:
            client.abort()
        for client in clients:
            await client.stop(close_timeout=0)
