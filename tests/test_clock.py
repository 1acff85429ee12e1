"""The periodic timer stops even when its action swallows the cancellation (as a Redis client now and
then does inside a blocking read)."""

from __future__ import annotations

import asyncio
import contextlib

from ownstream.clock import PeriodicTimer


async def test_a_timer_whose_action_swallows_the_cancellation_still_stops() -> None:
    entered = asyncio.Event()
    runs = 0

    async def swallowing() -> None:
        nonlocal runs
        runs += 1
        entered.set()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.sleep(30)

    timer = PeriodicTimer("swallowing", 0.01, swallowing, run_at_start=True)
    timer.start()
    await entered.wait()
    await asyncio.wait_for(timer.stop(), 1.0)
    assert not timer.running and runs == 1


async def test_a_stopped_timer_runs_again_when_started_again() -> None:
    ran = asyncio.Event()
    timer = PeriodicTimer("again", 0.01, ran.set)
    timer.start()
    await asyncio.wait_for(ran.wait(), 1.0)
    await timer.stop()
    ran.clear()
    timer.start()
    await asyncio.wait_for(ran.wait(), 1.0)
    await timer.stop()
