"""IP bans (newer Owncast, reference newer §5): addresses kept out of chat.

A banned address gets 403 on `/ws` before the upgrade, 401 `unauthorized` on the routes that take a chat
user's token, and — our extension — 403 on `POST /api/chat/register`, so it cannot get a new name either.
The address is the client address of the defects issue (`net/client_address.py`: the peer, or the first
untrusted `X-Forwarded-For` hop behind a trusted proxy), IPv4 or IPv6, compared in canonical form
(`::FFFF:1.2.3.4` is `1.2.3.4`, `2001:DB8:0::1` is `2001:db8::1`).

Disabling a chat user bans the addresses of their open sockets (note "Banning of <name>"), except
loopback, which is the server's own machine or a local proxy (Owncast 0.1.1).
"""

from __future__ import annotations

from typing import Any

from ownstream.clock import Clock, rfc3339
from ownstream.database.repos.ip_bans import IpBan, IpBansRepository
from ownstream.errors import Invalid
from ownstream.net.client_address import parse_ip

MANUAL_NOTE = "manually added"
SAVE_FAILED = "error saving IP address ban"


def canonical_address(text: str) -> str | None:
    """The stored form of an address, or None when `text` is not one."""
    address = parse_ip(text)
    return None if address is None else address.compressed


class IpBans:
    def __init__(self, repository: IpBansRepository, clock: Clock) -> None:
        self._repository = repository
        self._clock = clock

    async def ban(self, text: str, notes: str = MANUAL_NOTE) -> None:
        """`Invalid` with Owncast's message when the address is banned already; with our own when `text`
        is not an IP address (Owncast stored anything)."""
        address = canonical_address(text)
        if address is None:
            raise Invalid(f"{SAVE_FAILED}: not an IP address")
        if not await self._repository.add(IpBan(address, notes, self._clock.now())):
            raise Invalid(SAVE_FAILED)

    async def ban_automatically(self, text: str, notes: str) -> None:
        """A ban the server decides (a disabled user's sockets): never loopback, never twice."""
        address = parse_ip(text)
        if address is None or address.is_loopback:
            return
        await self._repository.add(IpBan(address.compressed, notes, self._clock.now()))

    async def unban(self, text: str) -> None:
        """Owncast answers success for an address that was not banned; so do we, even for a non-address."""
        address = canonical_address(text)
        await self._repository.remove(address if address is not None else text)

    async def is_banned(self, client: str) -> bool:
        address = canonical_address(client)
        return address is not None and await self._repository.contains(address)

    async def listing(self) -> list[dict[str, Any]]:
        return [
            {"createdAt": rfc3339(ban.created_at), "ipAddress": ban.ip_address, "notes": ban.notes}
            for ban in await self._repository.all()
        ]
