"""The brake on password guessing (issue 7, item 15), as a service: thresholds and durations injected,
so nothing here waits seconds."""

from __future__ import annotations

import asyncio
import itertools
import logging

import pytest

from ownstream.auth.login_throttle import LoginThrottle, ThrottlePolicy

FAST = ThrottlePolicy(window=60.0, free_failures=10, first_delay=0.05, max_delay=0.2)


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def timed_turn(throttle: LoginThrottle, address: str) -> float:
    loop = asyncio.get_running_loop()
    started = loop.time()
    await throttle.wait_turn(address)
    return loop.time() - started


async def test_ten_failures_are_free_then_each_attempt_waits_doubling_to_the_ceiling() -> None:
    throttle = LoginThrottle(FAST)
    for _ in range(10):
        assert await timed_turn(throttle, "198.51.100.7") < 0.03
        throttle.failed("198.51.100.7")
    waits = []
    for _ in range(5):
        waits.append(await timed_turn(throttle, "198.51.100.7"))
        throttle.failed("198.51.100.7")
    for waited, expected in zip(waits, (0.05, 0.1, 0.2, 0.2, 0.2), strict=True):
        assert expected - 0.01 <= waited < expected + 0.1, waits
    assert await timed_turn(throttle, "198.51.100.8") < 0.03, "another address is not braked"


async def test_parallel_attempts_wait_their_turn_one_after_another() -> None:
    throttle = LoginThrottle(ThrottlePolicy(window=60.0, free_failures=1, first_delay=0.05, max_delay=0.1))
    throttle.failed("198.51.100.7")
    loop = asyncio.get_running_loop()
    started = loop.time()
    finished: list[float] = []

    async def attempt() -> None:
        await throttle.wait_turn("198.51.100.7")
        finished.append(loop.time() - started)

    await asyncio.gather(*(attempt() for _ in range(4)))
    # Turns at 0.05, 0.15, 0.25, 0.35: sending in parallel buys no extra guesses.
    assert finished[-1] >= 0.34, finished
    assert all(later - earlier >= 0.04 for earlier, later in itertools.pairwise(finished))


async def test_the_right_password_clears_the_record_and_wakes_the_waiting() -> None:
    throttle = LoginThrottle(ThrottlePolicy(window=60.0, free_failures=1, first_delay=5.0, max_delay=30.0))
    throttle.failed("198.51.100.7")
    waiting = asyncio.create_task(throttle.wait_turn("198.51.100.7"))
    await asyncio.sleep(0.05)
    assert not waiting.done()
    throttle.succeeded("198.51.100.7")
    assert await asyncio.wait_for(waiting, 1.0) < 1.0
    assert await timed_turn(throttle, "198.51.100.7") < 0.03
    assert throttle.tracked == 0


async def test_failures_age_out_of_the_window() -> None:
    clock = FakeClock()
    throttle = LoginThrottle(ThrottlePolicy(window=600.0, free_failures=3, first_delay=0.05), clock)
    for _ in range(3):
        throttle.failed("198.51.100.7")
        clock.now += 100
    assert await timed_turn(throttle, "198.51.100.7") >= 0.04
    clock.now += 400  # the first failure is now 700 s old: 2 in the window
    assert await timed_turn(throttle, "198.51.100.7") < 0.03


def test_the_table_is_bounded_and_forgets_old_records_first() -> None:
    clock = FakeClock()
    throttle = LoginThrottle(ThrottlePolicy(window=600.0, max_tracked=100), clock)
    for n in range(1000):
        throttle.failed(f"10.0.{n // 256}.{n % 256}")
    assert throttle.tracked == 100
    clock.now += 601
    throttle.failed("198.51.100.7")
    assert throttle.tracked == 1


async def test_ipv6_counts_per_64() -> None:
    throttle = LoginThrottle(ThrottlePolicy(window=60.0, free_failures=2, first_delay=0.05))
    throttle.failed("2001:db8:1:2::1")
    throttle.failed("2001:db8:1:2:ffff::9")
    assert await timed_turn(throttle, "2001:db8:1:2::abcd") >= 0.04
    assert await timed_turn(throttle, "2001:db8:1:3::1") < 0.03


def test_each_failure_is_logged_with_the_address(caplog: pytest.LogCaptureFixture) -> None:
    throttle = LoginThrottle(ThrottlePolicy(free_failures=2))
    with caplog.at_level(logging.WARNING, logger="ownstream.auth.login_throttle"):
        for _ in range(3):
            throttle.failed("198.51.100.7")
    lines = [record.getMessage() for record in caplog.records]
    assert len(lines) == 3 and all("198.51.100.7" in line for line in lines)
    assert "delayed" in lines[-1] and "delayed" not in lines[0]
