from __future__ import annotations

import asyncio
import logging
import time

import pytest

from ownstream.hls_storage.retry import with_backoff


class Flaky:
    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.calls: list[float] = []

    async def __call__(self) -> None:
        self.calls.append(time.monotonic())
        if len(self.calls) <= self.failures:
            raise ConnectionError(f"refused #{len(self.calls)}")


async def test_retries_with_doubling_delays_until_success(caplog: pytest.LogCaptureFixture) -> None:
    operation = Flaky(failures=2)
    assert await with_backoff(operation, what="uploading x", attempts=4, first_delay=0.05)
    assert len(operation.calls) == 3
    gaps = [later - earlier for earlier, later in zip(operation.calls, operation.calls[1:], strict=False)]
    assert gaps[0] >= 0.05 and gaps[1] >= 0.1
    assert [r.levelno for r in caplog.records] == [logging.WARNING, logging.WARNING]
    assert "try 1 of 4" in caplog.records[0].getMessage()


async def test_gives_up_after_the_last_try_with_one_error(caplog: pytest.LogCaptureFixture) -> None:
    operation = Flaky(failures=10)
    assert not await with_backoff(operation, what="uploading y", attempts=4, first_delay=0.001)
    assert len(operation.calls) == 4
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 1
    assert "uploading y failed after 4 tries: ConnectionError: refused #4" in errors[0].getMessage()


async def test_cancellation_is_not_retried() -> None:
    calls = 0

    async def cancelled() -> None:
        nonlocal calls
        calls += 1
        raise asyncio.CancelledError

    with pytest.raises(asyncio.CancelledError):
        await with_backoff(cancelled, what="z", attempts=4, first_delay=0.001)
    assert calls == 1
