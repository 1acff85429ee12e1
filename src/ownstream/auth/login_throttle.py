"""The brake on password guessing: wrong credentials are counted per client address, and once an
address has used up its free failures, each further attempt from it waits its turn, the wait doubling
up to a ceiling.

Only wrong credentials count, never absent ones (a browser's first request carries none). Attempts from
a throttled address are served one turn at a time, so sending many in parallel buys nothing. A correct
password clears the address's record (the admin after a few typos), and wakes its waiting attempts.
IPv6 addresses are counted per /64, the block one subscriber gets. The table is bounded: records whose
failures have aged out are dropped first, the least recently failing ones when it is full anyway.

Used by the admin gate (HTTP Basic) and meant for the admin dashboard's login form: `wait_turn` before
checking a password, then `failed` or `succeeded`.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import logging
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass

from ownstream.net.client_address import parse_ip

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ThrottlePolicy:
    window: float = 600.0
    free_failures: int = 10
    first_delay: float = 1.0
    max_delay: float = 30.0
    max_tracked: int = 10_000
    """Addresses remembered at most (about 200 bytes each)."""


class _Record:
    __slots__ = ("cleared", "failures", "next_delay", "turn_at")

    def __init__(self, free_failures: int, first_delay: float) -> None:
        self.failures: deque[float] = deque(maxlen=max(free_failures, 1))
        self.next_delay = first_delay
        self.turn_at = 0.0
        self.cleared: asyncio.Event | None = None


class LoginThrottle:
    def __init__(self, policy: ThrottlePolicy, clock: Callable[[], float] = time.monotonic) -> None:
        self.policy = policy
        self._clock = clock
        self._records: OrderedDict[str, _Record] = OrderedDict()

    @property
    def tracked(self) -> int:
        return len(self._records)

    async def wait_turn(self, address: str) -> float:
        """Wait until an attempt from `address` may be checked; returns the seconds waited (0 unless
        the address is throttled)."""
        record = self._records.get(_key(address))
        now = self._clock()
        if record is None or not self._throttled(record, now):
            return 0.0
        turn = max(now, record.turn_at) + record.next_delay
        record.turn_at = turn
        record.next_delay = min(record.next_delay * 2, self.policy.max_delay)
        if record.cleared is None:
            record.cleared = asyncio.Event()
        cleared = record.cleared
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(turn - now):
                await cleared.wait()
        return self._clock() - now

    def failed(self, address: str) -> None:
        """Count wrong credentials from `address`, and log it (never the credentials)."""
        key = _key(address)
        now = self._clock()
        record = self._records.get(key)
        if record is None:
            record = _Record(self.policy.free_failures, self.policy.first_delay)
            self._records[key] = record
        else:
            self._records.move_to_end(key)
        if not self._throttled(record, now):
            record.next_delay = self.policy.first_delay
        record.failures.append(now)
        self._forget_old(now)
        if self._throttled(record, now):
            log.warning(
                "wrong admin credentials from %s; %d or more in %.0f s, so its further attempts are delayed",
                address,
                self.policy.free_failures,
                self.policy.window,
            )
        else:
            log.warning("wrong admin credentials from %s", address)

    def succeeded(self, address: str) -> None:
        record = self._records.pop(_key(address), None)
        if record is not None and record.cleared is not None:
            record.cleared.set()

    def _throttled(self, record: _Record, now: float) -> bool:
        failures = record.failures
        return len(failures) >= self.policy.free_failures and now - failures[0] < self.policy.window

    def _forget_old(self, now: float) -> None:
        records = self._records
        while records:
            oldest = next(iter(records.values()))
            if len(records) <= self.policy.max_tracked and now - oldest.failures[-1] < self.policy.window:
                break
            records.popitem(last=False)


def _key(address: str) -> str:
    parsed = parse_ip(address)
    if isinstance(parsed, ipaddress.IPv6Address):
        return str(ipaddress.IPv6Network((parsed, 64), strict=False))
    return str(parsed) if parsed is not None else address
