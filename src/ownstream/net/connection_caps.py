"""Per-address connection caps: one address may hold at most `limit` open connections on a port.

Counted by TCP peer address (a proxy's clients share its address, so put the cap off or high behind
one). Connections over the cap are closed at once, with one rate-limited log line for the whole flood.
"""

from __future__ import annotations

import logging

from ownstream.net.rate_limited_log import RateLimitedLog

log = logging.getLogger(__name__)


class ConnectionCap:
    def __init__(self, what: str, limit: int) -> None:
        """`what` names the port in log lines ("HTTP", "RTMP"); `limit` 0 means no cap."""
        self._what = what
        self.limit = limit
        self._open: dict[str, int] = {}
        self._refusals = RateLimitedLog(log, logging.WARNING)

    def open_count(self, address: str) -> int:
        return self._open.get(address, 0)

    def admit(self, address: str) -> bool:
        """Count a new connection from `address`, or refuse it (and say so) when the address is at the
        cap. Every admitted connection must be `release`d exactly once."""
        if not self.limit:
            return True
        count = self._open.get(address, 0)
        if count >= self.limit:
            self._refusals.log(
                "%s connection from %s refused: it already has %d open (--max-connections-per-address)",
                self._what,
                address,
                count,
            )
            return False
        self._open[address] = count + 1
        return True

    def release(self, address: str) -> None:
        if not self.limit:
            return
        count = self._open.get(address, 0) - 1
        if count > 0:
            self._open[address] = count
        else:
            self._open.pop(address, None)
