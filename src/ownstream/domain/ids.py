"""Identifiers: short ids for users and messages, access tokens, and chat client ids.

Chat client ids are non-negative integers on the wire (the webhook `clientId`,
`/api/integrations/chat/system/client/{clientId}`), unique across every process serving one site:

    bit 52 … 43     42 … 0
    process slot    serial (counts up from 0 in each process run)

They stay below 2^53, so JavaScript bots that read them as doubles see them exactly. The single-process
server is slot 0, so its ids are 0, 1, 2, … as Owncast's were. A process's slot comes from
`--process-slot` (settings); the slot of an id says which process holds the socket, so a targeted send
can be routed to it without asking anyone.
"""

from __future__ import annotations

import base64
import hashlib
import secrets

SHORT_ID_LENGTH = 9

CLIENT_ID_BITS = 53
PROCESS_SLOT_BITS = 10
CLIENT_SERIAL_BITS = CLIENT_ID_BITS - PROCESS_SLOT_BITS
MAX_PROCESS_SLOT = (1 << PROCESS_SLOT_BITS) - 1
"""1,024 processes (slots 0 … 1023), each with 2^43 (8.8 × 10^12) sockets per run."""
_SERIAL_MASK = (1 << CLIENT_SERIAL_BITS) - 1


def short_id() -> str:
    """A ~9-character URL-safe id, like the ones Owncast gives users and messages."""
    return secrets.token_urlsafe(7)[:SHORT_ID_LENGTH]


def new_access_token() -> str:
    """32 random bytes, URL-safe base64 with padding: 44 characters ending in `=`."""
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode("ascii")


def token_hash(token: str) -> str:
    """What the database stores and looks up instead of the token itself."""
    return hashlib.sha256(token.encode("utf-8", "surrogateescape")).hexdigest()


def check_process_slot(slot: int) -> int:
    if not 0 <= slot <= MAX_PROCESS_SLOT:
        raise ValueError(f"the process slot must be between 0 and {MAX_PROCESS_SLOT}, not {slot}")
    return slot


def client_id(slot: int, serial: int) -> int:
    """The client id of the `serial`-th socket of the process in `slot`."""
    return (check_process_slot(slot) << CLIENT_SERIAL_BITS) | (serial & _SERIAL_MASK)


def process_slot_of(client: int) -> int | None:
    """The slot of the process holding client `client`; None for a number no process hands out."""
    if not 0 <= client < 1 << CLIENT_ID_BITS:
        return None
    return client >> CLIENT_SERIAL_BITS


class ClientIds:
    """Hands out one process's chat client ids, in the order sockets connect."""

    def __init__(self, slot: int = 0) -> None:
        self.slot = check_process_slot(slot)
        self._serial = 0

    def next(self) -> int:
        # The serial wraps after 2^43 sockets, far beyond any run; ids of sockets long gone are reused.
        issued = client_id(self.slot, self._serial)
        self._serial = (self._serial + 1) & _SERIAL_MASK
        return issued

    def is_local(self, client: int) -> bool:
        """Whether `client` was (or would be) handed out by this process."""
        return process_slot_of(client) == self.slot
