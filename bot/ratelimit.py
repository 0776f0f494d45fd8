"""Per-user rate limit (token bucket): floods get one friendly notice, then silence."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass
from enum import Enum


class Verdict(Enum):
    ALLOW = "allow"
    NOTIFY = "notify"  # first refusal: tell the user once
    DROP = "drop"  # further refusals: ignore quietly


@dataclass
class _Bucket:
    tokens: float
    updated: float
    notified: bool = False


class UserRateLimiter:
    """``capacity`` updates at once, refilled at ``per_minute``; bounded memory (LRU)."""

    def __init__(self, capacity: int, per_minute: float, max_users: int = 50_000) -> None:
        self.capacity = float(capacity)
        self.rate = per_minute / 60.0
        self.max_users = max_users
        self._buckets: OrderedDict[Hashable, _Bucket] = OrderedDict()

    def check(self, user_id: Hashable, now: float) -> Verdict:
        bucket = self._buckets.get(user_id)
        if bucket is None:
            bucket = _Bucket(self.capacity, now)
            self._buckets[user_id] = bucket
            if len(self._buckets) > self.max_users:
                self._buckets.popitem(last=False)
        else:
            self._buckets.move_to_end(user_id)
            elapsed = max(0.0, now - bucket.updated)
            bucket.tokens = min(self.capacity, bucket.tokens + elapsed * self.rate)
            bucket.updated = now
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            bucket.notified = False
            return Verdict.ALLOW
        if bucket.notified:
            return Verdict.DROP
        bucket.notified = True
        return Verdict.NOTIFY
