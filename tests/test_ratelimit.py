"""The per-user token bucket."""

from __future__ import annotations

from bot.ratelimit import UserRateLimiter, Verdict


def test_burst_then_one_notice_then_silence() -> None:
    """Up to capacity passes; the first refusal notifies, later ones are dropped quietly."""
    limiter = UserRateLimiter(capacity=3, per_minute=6)
    verdicts = [limiter.check(1, now=0.0) for _ in range(6)]
    assert verdicts == [Verdict.ALLOW] * 3 + [Verdict.NOTIFY, Verdict.DROP, Verdict.DROP]


def test_tokens_refill_over_time_and_users_are_independent() -> None:
    """After 10 s at 6/min one more update passes; another user is unaffected."""
    limiter = UserRateLimiter(capacity=1, per_minute=6)
    assert limiter.check(1, 0.0) is Verdict.ALLOW
    assert limiter.check(1, 1.0) is Verdict.NOTIFY
    assert limiter.check(2, 1.0) is Verdict.ALLOW
    assert limiter.check(1, 11.0) is Verdict.ALLOW


def test_memory_is_bounded() -> None:
    """Only the most recent users are remembered."""
    limiter = UserRateLimiter(capacity=1, per_minute=1, max_users=100)
    for user_id in range(1000):
        limiter.check(user_id, 0.0)
    assert len(limiter._buckets) == 100
