"""The retry policy and the verdicts on an answer."""

from ownstream.outbound.retry import RetryPolicy, Verdict, delivered_below_500, delivered_on_2xx


def test_delays_double_from_the_first_and_are_capped() -> None:
    policy = RetryPolicy(retries=10, first_delay=1.0, factor=2.0, max_delay=5.0)
    assert [policy.delay(attempt) for attempt in range(5)] == [1.0, 2.0, 4.0, 5.0, 5.0]


def test_a_number_of_retries() -> None:
    policy = RetryPolicy(retries=3, first_delay=0.5)
    assert [policy.retry_after(attempt, age=0) for attempt in range(5)] == [0.5, 1.0, 2.0, None, None]


def test_a_deadline_instead_of_a_count() -> None:
    day = RetryPolicy(retries=None, first_delay=60, max_delay=3600, give_up_after=86400)
    assert day.retry_after(50, age=3600) == 3600
    assert day.retry_after(50, age=86400 - 3600) == 3600  # lands exactly on the deadline
    assert day.retry_after(50, age=86400 - 3599) is None


def test_webhook_verdicts() -> None:
    assert [delivered_below_500(status) for status in (200, 302, 404, 499)] == [Verdict.DELIVERED] * 4
    assert delivered_below_500(500) is delivered_below_500(503) is Verdict.RETRY


def test_inbox_verdicts() -> None:
    assert delivered_on_2xx(202) is Verdict.DELIVERED
    assert delivered_on_2xx(429) is delivered_on_2xx(408) is delivered_on_2xx(502) is Verdict.RETRY
    assert delivered_on_2xx(401) is delivered_on_2xx(410) is delivered_on_2xx(302) is Verdict.GIVE_UP
