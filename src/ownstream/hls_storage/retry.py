"""Retrying one storage operation with exponential back-off; failures are logged, never raised."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)

DEFAULT_ATTEMPTS = 4


async def with_backoff(
    operation: Callable[[], Awaitable[None]],
    *,
    what: str,
    attempts: int = DEFAULT_ATTEMPTS,
    first_delay: float = 0.5,
) -> bool:
    """Run `operation` up to `attempts` times, sleeping `first_delay`, then twice that, … between tries.

    True once it succeeds; False (after one error line) when every try failed. Cancellation is not retried.
    """
    delay = first_delay
    for attempt in range(1, attempts + 1):
        try:
            await operation()
        except Exception as exc:
            if attempt == attempts:
                log.error("%s failed after %d tries: %s", what, attempts, _describe(exc))
                return False
            log.warning(
                "%s failed (try %d of %d): %s; retrying in %.1f s",
                what,
                attempt,
                attempts,
                _describe(exc),
                delay,
            )
            await asyncio.sleep(delay)
            delay *= 2
        else:
            return True
    return False


def _describe(exc: BaseException) -> str:
    text = str(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
