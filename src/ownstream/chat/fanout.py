"""The one way the chat service reaches sockets: broadcasts and sends addressed by id, never by object.

`ChatHub` implements it for the sockets of this process. With several web processes (issue 16) a
Redis-backed implementation publishes each call on a channel and every process applies it to its own
hub; a targeted send can go to the one process that holds the socket, because a client id carries the
slot of its process (`domain.ids`); sends to this process's own sockets should skip the channel, so
what one socket hears keeps the order the service sent it in. Everything here is a fire-and-forget
instruction: nothing waits for a socket, and an id nobody holds is not an error. Frames are encoded
once by the caller, so a broadcast costs one encoding however many processes and sockets receive it.
"""

from __future__ import annotations

from typing import Protocol

from ownstream.domain.chat_events import ConnectedClient
from ownstream.domain.users import User


class ChatFanout(Protocol):
    def broadcast(self, frame: bytes) -> None:
        """Send one encoded event to every connected socket."""

    def send_to_client(self, client_id: int, frame: bytes) -> None:
        """Send one encoded event to one socket, if it is still connected."""

    def send_to_user(self, user_id: str, frame: bytes) -> None:
        """Send one encoded event to every socket of one user."""

    def update_user(self, user: User) -> None:
        """The user changed (name, scopes, disabled): their sockets act as the new user from now on."""

    def close_user_sockets(self, user_id: str, delay: float = 0.0) -> None:
        """Close every socket of one user, after what is queued for them, `delay` seconds from now."""

    async def connected_clients(self) -> list[ConnectedClient]:
        """Every connected socket, oldest first."""
        ...
