"""Login throttling in Redis, per account and per client IP, with exponential backoff.

Each failed login bumps two counters (the email, the IP) that expire after a window. Past a
free allowance, the key is locked for 2^(extra failures) seconds, capped; a success clears
the account's counter. INCR + EXPIRE run in one MULTI so concurrent failures all count.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import cast

from redis.asyncio import Redis

WINDOW_SECONDS = 15 * 60
MAX_LOCK_SECONDS = 15 * 60


@dataclass(frozen=True)
class Rule:
    kind: str
    free_failures: int


ACCOUNT = Rule("account", free_failures=5)
CLIENT_IP = Rule("ip", free_failures=30)


def _key(rule: Rule, value: str) -> str:
    # Hash the email so the throttle keys do not store addresses in clear text.
    digest = hashlib.sha256(value.lower().encode()).hexdigest()[:32]
    return f"throttle:login:{rule.kind}:{digest}"


class LoginThrottle:
    def __init__(self, redis: Redis) -> None:
        self._redis = redis

    async def retry_after(self, email: str, ip: str) -> int:
        """Seconds the caller must wait before trying again (0: go ahead)."""
        async with self._redis.pipeline(transaction=False) as pipe:
            pipe.pttl(_key(ACCOUNT, email) + ":lock")
            pipe.pttl(_key(CLIENT_IP, ip) + ":lock")
            ttls = cast(list[int], await pipe.execute())
        return max([0, *(t // 1000 + 1 for t in ttls if t > 0)])

    async def record_failure(self, email: str, ip: str) -> None:
        for rule, value in ((ACCOUNT, email), (CLIENT_IP, ip)):
            key = _key(rule, value)
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.incr(key)
                pipe.expire(key, WINDOW_SECONDS, nx=True)
                failures = int(cast(list[int], await pipe.execute())[0])
            extra = failures - rule.free_failures
            if extra > 0:
                lock = min(MAX_LOCK_SECONDS, 2 ** min(extra, 20))
                await self._redis.set(key + ":lock", b"1", ex=lock)

    async def record_success(self, email: str) -> None:
        key = _key(ACCOUNT, email)
        await self._redis.delete(key, key + ":lock")
