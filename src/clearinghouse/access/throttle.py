"""Failed-authentication throttling: moving windows per client address and per key prefix.

The counters live in this process's memory (the `limits` library's MemoryStorage): each worker
process counts on its own, and a restart forgets. Only failures are counted; a caller that is
throttled is refused before its key is checked, so guessing cannot go on at full speed.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterator
from dataclasses import dataclass

from limits import RateLimitItem, RateLimitItemPerSecond
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter


@dataclass(frozen=True)
class ThrottleLimits:
    per_client: int
    per_key_prefix: int
    window_seconds: int


class FailedAuthThrottle:
    def __init__(self, limits: ThrottleLimits) -> None:
        self._limiter = MovingWindowRateLimiter(MemoryStorage())
        self._per_client = RateLimitItemPerSecond(
            limits.per_client, limits.window_seconds, namespace="auth-client")
        self._per_prefix = RateLimitItemPerSecond(
            limits.per_key_prefix, limits.window_seconds, namespace="auth-prefix")

    def _limits(self, client: str, prefix: str | None) -> Iterator[tuple[RateLimitItem, str]]:
        yield self._per_client, client
        if prefix is not None:
            yield self._per_prefix, prefix

    def retry_after(self, client: str, prefix: str | None) -> int:
        """Whole seconds until this client may present this key again; 0: it may now."""
        wait = 0
        for limit, who in self._limits(client, prefix):
            if not self._limiter.test(limit, who):
                reset_at = self._limiter.get_window_stats(limit, who).reset_time
                wait = max(wait, math.ceil(reset_at - time.time()), 1)
        return wait

    def record_failure(self, client: str, prefix: str | None) -> bool:
        """Count one failed attempt; True when it used up a limit (the next attempt waits)."""
        for limit, who in self._limits(client, prefix):
            self._limiter.hit(limit, who)
        return self.retry_after(client, prefix) > 0
