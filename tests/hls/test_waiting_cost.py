"""Thousands of blocking playlist requests waiting on the live window cost no CPU while they wait: each
waits on the store's change future (no polling, no timer ticking until its own 3-target-duration deadline),
and one new part wakes them all."""

from __future__ import annotations

import asyncio
import time

from ownstream.hls.blocking import Directives
from ownstream.hls.live_store import LiveHls
from tests.hls.live_feed import LiveFeed

WAITERS = 2000
IDLE_SECONDS = 1.0
IDLE_CPU_LIMIT = 0.1
"""Seconds of CPU the whole process may use while they all wait: a 10 ms poll each would be ~2 s."""


async def test_thousands_of_waiting_requests_use_no_cpu_and_all_wake_on_the_part() -> None:
    store = LiveHls()
    feed = LiveFeed(store)
    feed.push(9)  # part 0 of segment 2 is the newest; part 1 is next
    try:
        waiters = [
            asyncio.create_task(store.playlist(index % 2, Directives(msn=2, part=1)), name=f"waiter:{index}")
            for index in range(WAITERS)
        ]
        await asyncio.sleep(0.2)  # all of them are parked now
        assert not any(waiter.done() for waiter in waiters)
        cpu_before = time.process_time()
        await asyncio.sleep(IDLE_SECONDS)
        idle_cpu = time.process_time() - cpu_before
        assert not any(waiter.done() for waiter in waiters)
        assert idle_cpu < IDLE_CPU_LIMIT, f"{WAITERS} waiting requests used {idle_cpu:.3f} s of CPU in 1 s"

        feed.push()
        answers = await asyncio.wait_for(asyncio.gather(*waiters), 10)
        assert all(answer is not None and answer.status == 200 and answer.blocked for answer in answers)
        assert all(answer is not None and b'URI="part-feed01-9.m4s"' in answer.body for answer in answers)
    finally:
        store.detach()
