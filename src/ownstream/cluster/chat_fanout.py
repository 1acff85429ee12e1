"""The chat fan-out across processes (`ChatFanout`, chat/fanout.py) over the cluster stream.

Every call becomes one stream entry; every process, this one included, applies each entry to the sockets
it holds, in stream order. So every socket on every process hears the broadcasts in the one order Redis
gave them, each once, and a targeted send (one client, one user's sockets, a user's new name or scopes,
closing a banned user's sockets) reaches whichever process holds the socket, after everything sent before
it. Frames travel encoded: a broadcast is encoded once by the service and framed once per process.

A send to one client is applied only by the process whose slot the client id carries (domain/ids.py);
the others skip it without looking further.
"""

from __future__ import annotations

import logging

from ownstream.chat.hub import ChatHub
from ownstream.cluster.event_stream import ClusterStream, Entry
from ownstream.cluster.presence import ClusterPresence
from ownstream.cluster.wire import WireError, decode_user, encode_user
from ownstream.domain.chat_events import ConnectedClient
from ownstream.domain.ids import ClientIds
from ownstream.domain.users import User

log = logging.getLogger(__name__)

BROADCAST = b"cb"
TO_CLIENT = b"cc"
TO_USER = b"cu"
UPDATE_USER = b"cn"
CLOSE_USER = b"cx"
FRAME = b"f"
TARGET = b"t"
DELAY = b"d"


class RedisChatFanout:
    def __init__(self, hub: ChatHub, stream: ClusterStream, presence: ClusterPresence, slot: int) -> None:
        self._hub = hub
        self._stream = stream
        self._presence = presence
        self._ids = ClientIds(slot)
        stream.on(BROADCAST, self._apply_broadcast)
        stream.on(TO_CLIENT, self._apply_to_client)
        stream.on(TO_USER, self._apply_to_user)
        stream.on(UPDATE_USER, self._apply_update_user)
        stream.on(CLOSE_USER, self._apply_close_user)

    # --- ChatFanout ------------------------------------------------------------------------------------
    def broadcast(self, frame: bytes) -> None:
        self._stream.send(BROADCAST, {FRAME: frame})

    def send_to_client(self, client_id: int, frame: bytes) -> None:
        self._stream.send(TO_CLIENT, {TARGET: str(client_id).encode(), FRAME: frame})

    def send_to_user(self, user_id: str, frame: bytes) -> None:
        self._stream.send(TO_USER, {TARGET: user_id.encode(), FRAME: frame})

    def update_user(self, user: User) -> None:
        self._stream.send(UPDATE_USER, {FRAME: encode_user(user)})

    def close_user_sockets(self, user_id: str, delay: float = 0.0) -> None:
        self._stream.send(CLOSE_USER, {TARGET: user_id.encode(), DELAY: repr(delay).encode()})

    async def connected_clients(self) -> list[ConnectedClient]:
        """This process's sockets as they are now, then the others' as they last wrote them."""
        here = await self._hub.connected_clients()
        elsewhere = await self._presence.clients_elsewhere()
        return here + sorted(elsewhere, key=lambda client: client.connected_at)

    # --- entries from the stream -----------------------------------------------------------------------
    def _apply_broadcast(self, entry: Entry) -> None:
        self._hub.broadcast(entry[FRAME])

    def _apply_to_client(self, entry: Entry) -> None:
        try:
            client_id = int(entry[TARGET])
        except ValueError:
            return
        if self._ids.is_local(client_id):
            self._hub.send_to_client(client_id, entry[FRAME])

    def _apply_to_user(self, entry: Entry) -> None:
        self._hub.send_to_user(entry[TARGET].decode(), entry[FRAME])

    def _apply_update_user(self, entry: Entry) -> None:
        try:
            user = decode_user(entry[FRAME])
        except WireError as error:
            log.warning("ignoring a user update from the cluster stream: %s", error)
            return
        self._hub.update_user(user)

    def _apply_close_user(self, entry: Entry) -> None:
        try:
            delay = float(entry.get(DELAY, b"0"))
        except ValueError:
            delay = 0.0
        self._hub.close_user_sockets(entry[TARGET].decode(), delay)
