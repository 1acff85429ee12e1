"""Token bucket and mute (time is passed in, so these run instantly)."""

from ownstream.chat.flood import BURST, MUTE_SECONDS, FloodGuard, TokenBucket, Verdict


def test_bucket_allows_a_burst_then_refills_at_the_rate() -> None:
    bucket = TokenBucket(rate=1.5, burst=5, now=0.0)
    assert [bucket.take(0.0) for _ in range(6)] == [True] * 5 + [False]
    assert not bucket.take(0.5)  # 0.75 tokens
    assert bucket.take(0.7)  # 1.05 tokens
    assert not bucket.take(0.7)


def test_bucket_never_holds_more_than_the_burst() -> None:
    bucket = TokenBucket(rate=1.5, burst=5, now=0.0)
    assert sum(bucket.take(1000.0) for _ in range(10)) == 5


def test_sustained_rate_is_allowed_forever() -> None:
    guard = FloodGuard(now=0.0)
    assert all(guard.check(i / 1.4) is Verdict.ALLOW for i in range(500))


def test_going_over_mutes_once_then_silently_until_the_mute_ends() -> None:
    guard = FloodGuard(now=0.0)
    verdicts = [guard.check(0.0) for _ in range(BURST + 3)]
    assert verdicts == [Verdict.ALLOW] * BURST + [Verdict.MUTE, Verdict.MUTED, Verdict.MUTED]
    assert guard.check(MUTE_SECONDS - 0.01) is Verdict.MUTED
    assert guard.check(MUTE_SECONDS + 0.01) is Verdict.ALLOW
