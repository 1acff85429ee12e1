"""When to try again: exponential back-off with a cap, a number of retries and/or a deadline.

One policy object serves every caller that retries something outbound: webhook deliveries (3 retries,
1 s doubling), federation deliveries (for a day), and later a simulcast pusher restarting its ffmpeg
(`delay(n)` before restart n + 1, counting from zero again once a push has run healthily).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


@dataclass(frozen=True)
class RetryPolicy:
    retries: int | None = 3
    """Retries after the first attempt; None = no limit but `give_up_after`."""
    first_delay: float = 1.0
    factor: float = 2.0
    max_delay: float = 3600.0
    give_up_after: float | None = None
    """Seconds after the first attempt past which no retry is scheduled."""

    def delay(self, attempt: int) -> float:
        """The wait after failed attempt number `attempt` (0 = the first): `first_delay`, then
        `factor` times longer each time, never more than `max_delay`."""
        return float(min(self.max_delay, self.first_delay * self.factor**attempt))

    def retry_after(self, attempt: int, age: float) -> float | None:
        """The wait before the next attempt after failed attempt `attempt`, `age` seconds after the first
        one; None when the policy gives up instead."""
        if self.retries is not None and attempt >= self.retries:
            return None
        wait = self.delay(attempt)
        if self.give_up_after is not None and age + wait > self.give_up_after:
            return None
        return wait


class Verdict(Enum):
    DELIVERED = "delivered"
    RETRY = "retry"
    GIVE_UP = "give up"


def delivered_below_500(status: int) -> Verdict:
    """Webhooks (as before): any answer below 500 counts as delivered, a 5xx is retried."""
    return Verdict.RETRY if status >= 500 else Verdict.DELIVERED


def delivered_on_2xx(status: int) -> Verdict:
    """Servers that mean what they answer (ActivityPub inboxes): 2xx delivered; 408, 429 and 5xx are
    worth another try; any other answer will not change."""
    if 200 <= status < 300:
        return Verdict.DELIVERED
    if status >= 500 or status in (408, 429):
        return Verdict.RETRY
    return Verdict.GIVE_UP
