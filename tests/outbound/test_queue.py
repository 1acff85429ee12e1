"""The delivery queue against real HTTP servers on loopback: retries and back-off (timings injected
through the policy), the bounded queue, persistence across a restart on a real SQLite file, and the
per-caller address rule."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from ownstream.clock import SystemClock
from ownstream.database.db import open_database
from ownstream.database.repos.deliveries import DeliveryRepository
from ownstream.outbound.http import NOT_PUBLIC, OutboundHttp, Reply
from ownstream.outbound.queue import Delivery, DeliveryQueue, OutboundRequest, QueuePolicy
from ownstream.outbound.retry import RetryPolicy, delivered_on_2xx
from tests.e2e.waiting import wait_until
from tests.outbound.receiver import endpoint

log = logging.getLogger("tests.outbound")
QUICK = RetryPolicy(retries=3, first_delay=0.05)


@dataclass
class Outcomes:
    delivered: list[tuple[str, Reply]] = field(default_factory=list)
    abandoned: list[tuple[str, str]] = field(default_factory=list)

    async def on_delivered(self, delivery: Delivery, reply: Reply) -> None:
        self.delivered.append((delivery.request.tag, reply))

    def on_abandoned(self, delivery: Delivery, reason: str) -> None:
        self.abandoned.append((delivery.request.tag, reason))


@pytest.fixture
async def http() -> AsyncIterator[OutboundHttp]:
    client = OutboundHttp()
    yield client
    await client.close()


def make_queue(
    http: OutboundHttp, outcomes: Outcomes, policy: QueuePolicy, **options: object
) -> DeliveryQueue:
    queue = DeliveryQueue(
        "test",
        http,
        policy,
        logger=log,
        on_delivered=outcomes.on_delivered,
        on_abandoned=outcomes.on_abandoned,
        **options,  # type: ignore[arg-type]
    )
    queue.start()
    return queue


def request(url: str, tag: str = "t", body: bytes = b'{"n":1}') -> OutboundRequest:
    return OutboundRequest(url, body, topic="test delivery", tag=tag)


async def until(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    async def check() -> bool:
        return condition()

    await wait_until(check, timeout, "the outcome", interval=0.01)


async def test_failures_are_retried_with_growing_waits_until_delivered(http: OutboundHttp) -> None:
    outcomes = Outcomes()
    queue = make_queue(http, outcomes, QueuePolicy(retry=QUICK, allow_private=True, max_reply_bytes=64))
    try:
        async with endpoint(script=[500, 503, 502], reply="thanks") as target:
            assert queue.offer(request(target.url(), tag="hook-7"))
            await until(lambda: len(outcomes.delivered) == 1)
            gaps = [b.at - a.at for a, b in zip(target.requests, target.requests[1:], strict=False)]
    finally:
        await queue.stop(drain_timeout=0.1)
    assert len(gaps) == 3
    assert gaps[0] >= 0.045 and gaps[1] >= 0.095 and gaps[2] >= 0.195
    assert outcomes.delivered[0][0] == "hook-7" and outcomes.delivered[0][1].body == b"thanks"
    assert (queue.delivered, queue.failed_attempts, queue.abandoned) == (1, 3, 0)


async def test_after_the_last_retry_the_delivery_is_given_up(
    http: OutboundHttp, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, "tests.outbound")
    outcomes = Outcomes()
    queue = make_queue(
        http, outcomes, QueuePolicy(retry=RetryPolicy(retries=2, first_delay=0.02), allow_private=True)
    )
    try:
        async with endpoint(status=503) as target:
            queue.offer(request(target.url("/hook?token=s3cret")))
            await until(lambda: len(outcomes.abandoned) == 1)
            await asyncio.sleep(0.1)
            assert len(target.requests) == 3
    finally:
        await queue.stop(drain_timeout=0.1)
    assert outcomes.abandoned == [("t", "HTTP 503")]
    assert (queue.failed_attempts, queue.abandoned) == (3, 1)
    assert sum("retrying" in record.getMessage() for record in caplog.records) == 2
    assert any("gave up on test delivery" in record.getMessage() for record in caplog.records)
    assert "s3cret" not in caplog.text and "/hook" not in caplog.text


async def test_an_answer_that_will_not_change_is_not_retried(http: OutboundHttp) -> None:
    outcomes = Outcomes()
    queue = make_queue(
        http, outcomes, QueuePolicy(retry=QUICK, allow_private=True), classify=delivered_on_2xx
    )
    try:
        async with endpoint(status=410) as target:
            queue.offer(request(target.url()))
            await until(lambda: len(outcomes.abandoned) == 1)
            await asyncio.sleep(0.15)
            assert len(target.requests) == 1
    finally:
        await queue.stop(drain_timeout=0.1)


async def test_headers_are_made_fresh_for_every_attempt(http: OutboundHttp) -> None:
    stamps = iter(range(100))

    async def sign(outbound: OutboundRequest) -> dict[str, str]:
        return {"Signature": f"{outbound.tag}-{next(stamps)}"}

    outcomes = Outcomes()
    queue = make_queue(http, outcomes, QueuePolicy(retry=QUICK, allow_private=True), prepare=sign)
    try:
        async with endpoint(script=[500]) as target:
            queue.offer(request(target.url(), tag="a"))
            await until(lambda: len(outcomes.delivered) == 1)
    finally:
        await queue.stop(drain_timeout=0.1)
    assert [seen.headers["Signature"] for seen in target.requests] == ["a-0", "a-1"]
    assert target.requests[0].headers["Content-Type"] == "application/json"


async def test_a_full_queue_drops_new_deliveries_with_one_warning(
    http: OutboundHttp, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, "tests.outbound")
    outcomes = Outcomes()
    queue = make_queue(http, outcomes, QueuePolicy(workers=1, queue_size=2, allow_private=True))
    try:
        async with endpoint(hang=True) as target:
            assert queue.offer(request(target.url(), tag="first"))
            await target.wait_for(1)  # the only worker now waits on it
            accepted = [queue.offer(request(target.url(), tag=str(n))) for n in range(5)]
            assert accepted == [True, True, False, False, False]
            assert (queue.dropped, queue.queued) == (3, 2)
            warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
            assert len(warnings) == 1 and "test queue is full" in warnings[0]
            target.release()
            await until(lambda: len(outcomes.delivered) == 3)
    finally:
        await queue.stop(drain_timeout=0.1)
    assert [tag for tag, _ in outcomes.delivered] == ["first", "0", "1"]


async def test_private_addresses_are_refused_unless_the_caller_allows_them(http: OutboundHttp) -> None:
    outcomes = Outcomes()
    public_only = make_queue(http, outcomes, QueuePolicy(retry=QUICK))  # federation's setting
    trusting = make_queue(http, outcomes, QueuePolicy(retry=QUICK, allow_private=True))  # webhooks'
    try:
        async with endpoint() as target:
            public_only.offer(request(target.url(), tag="stranger"))
            public_only.offer(request(f"http://localhost:{target.port}/inbox", tag="by-name"))
            await until(lambda: len(outcomes.abandoned) == 2)
            await asyncio.sleep(0.1)
            assert target.requests == []  # refused before connecting, and not retried
            trusting.offer(request(target.url(), tag="admin-chosen"))
            await until(lambda: len(outcomes.delivered) == 1)
    finally:
        await public_only.stop(drain_timeout=0.1)
        await trusting.stop(drain_timeout=0.1)
    assert sorted(outcomes.abandoned) == [("by-name", NOT_PUBLIC), ("stranger", NOT_PUBLIC)]
    assert public_only.failed_attempts == 2 and public_only.abandoned == 2


async def test_stop_cancels_its_tasks_and_pending_retries(http: OutboundHttp) -> None:
    outcomes = Outcomes()
    queue = make_queue(http, outcomes, QueuePolicy(retry=RetryPolicy(first_delay=0.2), allow_private=True))
    async with endpoint(status=500) as target:
        queue.offer(request(target.url()))
        await target.wait_for(1)
        await queue.stop(drain_timeout=0.1)
        await asyncio.sleep(0.3)
        assert len(target.requests) == 1
    assert [t for t in asyncio.all_tasks() if t.get_name().startswith("test:")] == []


# --- persistence ------------------------------------------------------------------------------------
async def open_journal(path: Path) -> tuple[AsyncEngine, DeliveryRepository]:
    engine = await open_database(f"sqlite+aiosqlite:///{path}")
    return engine, DeliveryRepository(engine)


async def test_deliveries_survive_a_restart(http: OutboundHttp, tmp_path: Path) -> None:
    database = tmp_path / "ownstream.db"
    policy = QueuePolicy(
        retry=RetryPolicy(retries=None, first_delay=0.05, give_up_after=3600), allow_private=True
    )
    async with endpoint(status=503) as target:
        # First run: the receiver is failing; two deliveries are tried and wait for a retry.
        engine, journal = await open_journal(database)
        outcomes = Outcomes()
        queue = make_queue(http, outcomes, policy, journal=journal)
        await queue.submit(request(target.url(), tag="a", body=b'{"n":"a"}'))
        await queue.submit(request(target.url(), tag="b", body=b'{"n":"b"}'))
        await target.wait_for(2)
        await queue.stop(drain_timeout=0.2)
        assert await journal.count("test") == 2
        pending = await journal.due("test", datetime.now(UTC) + timedelta(hours=1), 10)
        assert {entry.tag for entry in pending} == {"a", "b"} and all(entry.attempt >= 1 for entry in pending)
        await engine.dispose()

        # Second run, a new engine on the same file: the receiver is back; both arrive, once each.
        target.status = 200
        target.requests.clear()
        engine, journal = await open_journal(database)
        outcomes = Outcomes()
        queue = make_queue(http, outcomes, policy, journal=journal)
        try:
            await until(lambda: len(outcomes.delivered) == 2)
            await asyncio.sleep(0.1)
        finally:
            await queue.stop(drain_timeout=0.1)
        assert sorted(seen.body for seen in target.requests) == [b'{"n":"a"}', b'{"n":"b"}']
        assert await journal.count("test") == 0
        await engine.dispose()


async def test_a_persistent_queue_keeps_what_does_not_fit(http: OutboundHttp, tmp_path: Path) -> None:
    engine, journal = await open_journal(tmp_path / "ownstream.db")
    outcomes = Outcomes()
    queue = make_queue(
        http, outcomes, QueuePolicy(workers=1, queue_size=1, allow_private=True), journal=journal
    )
    try:
        async with endpoint(hang=True) as target:
            for n in range(5):
                await queue.submit(request(target.url(), tag=str(n)))
            await target.wait_for(1)
            assert queue.dropped == 0 and queue.queued == 1 and await journal.count("test") == 5
            target.release()
            await until(lambda: len(outcomes.delivered) == 5)
    finally:
        await queue.stop(drain_timeout=0.1)
    assert sorted(tag for tag, _ in outcomes.delivered) == ["0", "1", "2", "3", "4"]
    assert await journal.count("test") == 0
    await engine.dispose()


async def test_the_journal_holds_the_retry_time(http: OutboundHttp, tmp_path: Path) -> None:
    engine, journal = await open_journal(tmp_path / "ownstream.db")
    clock = SystemClock()
    outcomes = Outcomes()
    policy = QueuePolicy(retry=RetryPolicy(retries=5, first_delay=30.0), allow_private=True)
    queue = make_queue(http, outcomes, policy, journal=journal, clock=clock)
    try:
        async with endpoint(status=500) as target:
            before = clock.now()
            await queue.submit(request(target.url()))
            await target.wait_for(1)
            await until(lambda: queue.failed_attempts == 1)
            await asyncio.sleep(0.05)
            due = await journal.next_due("test")
            assert due is not None and before + timedelta(seconds=29) < due < clock.now() + timedelta(
                seconds=31
            )
            assert await journal.due("test", clock.now(), 10) == []  # not before its time
    finally:
        await queue.stop(drain_timeout=0.1)
    await engine.dispose()


async def test_offer_and_submit_belong_to_their_kind_of_queue(http: OutboundHttp, tmp_path: Path) -> None:
    memory = DeliveryQueue("m", http, logger=log)
    with pytest.raises(RuntimeError, match="keeps nothing"):
        await memory.submit(request("http://127.0.0.1:1/"))
    engine, journal = await open_journal(tmp_path / "ownstream.db")
    persistent = DeliveryQueue("p", http, logger=log, journal=journal)
    with pytest.raises(RuntimeError, match="persistent"):
        persistent.offer(request("http://127.0.0.1:1/"))
    await engine.dispose()


async def test_many_deliveries_are_journaled_together_and_each_sent_once(
    http: OutboundHttp, tmp_path: Path
) -> None:
    """A post to many inboxes: one insert for all, each delivered once although the sweeper reads the
    journal while they finish (a read begun before a removal must not bring a delivery back), and the
    finished ones removed in batches, the last of them when the queue stops."""
    engine, journal = await open_journal(tmp_path / "ownstream.db")
    outcomes = Outcomes()
    policy = QueuePolicy(workers=4, queue_size=50, allow_private=True, sweep_interval=0.001)
    queue = make_queue(http, outcomes, policy, journal=journal)
    try:
        async with endpoint() as target:
            await queue.submit_many([request(target.url(), tag=str(n)) for n in range(120)])
            await until(lambda: len(outcomes.delivered) == 120, timeout=20)
            await asyncio.sleep(0.3)
            assert len(target.requests) == 120
            assert sorted(int(tag) for tag, _ in outcomes.delivered) == list(range(120))
    finally:
        await queue.stop(drain_timeout=0.1)
    assert await journal.count("test") == 0
    await engine.dispose()


async def test_stop_removes_what_was_delivered_just_before(http: OutboundHttp, tmp_path: Path) -> None:
    engine, journal = await open_journal(tmp_path / "ownstream.db")
    outcomes = Outcomes()
    queue = make_queue(http, outcomes, QueuePolicy(allow_private=True), journal=journal)
    async with endpoint() as target:
        await queue.submit(request(target.url()))
        await until(lambda: len(outcomes.delivered) == 1)
        await queue.stop(drain_timeout=0.1)  # before the batch of removals is due
    assert await journal.count("test") == 0
    await engine.dispose()
