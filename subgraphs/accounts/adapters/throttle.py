"""Login throttling in Redis: per account with exponential backoff, per client IP fairly.

Per account: each failed login bumps a counter that expires after a window; past a free
allowance the account is locked for 2^(extra failures) seconds, capped; a success clears it.
INCR + EXPIRE run in one MULTI so concurrent failures all count.

Per client IP: a sliding window of the *accounts* that failed to sign in from the address
(a sorted set: member = account digest, score = its last failure). The address is refused
while `IP_DISTINCT_ACCOUNTS` different accounts failed from it within `IP_WINDOW_SECONDS`,
and only until the oldest of them ages out. One person fumbling their own password behind a
shared proxy (an office, a mobile carrier's NAT) counts once and never locks out the others
there (their account is locked by the account rule); a credential-stuffing run across many
accounts from one address is slowed to `IP_DISTINCT_ACCOUNTS` accounts per window.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import cast

from redis.asyncio import Redis

WINDOW_SECONDS = 15 * 60
MAX_LOCK_SECONDS = 15 * 60
IP_WINDOW_SECONDS = 10 * 60
IP_DISTINCT_ACCOUNTS = 50


@dataclass(frozen=True)
class Rule:
    kind: str
    free_failures: int


ACCOUNT = Rule("account", free_failures=5)


def _digest(value: str) -> str:
    # Hashed, so the throttle keys do not store addresses or emails in clear text.
    return hashlib.sha256(value.lower().encode()).hexdigest()[:32]


def _account_key(email: str) -> str:
    return f"throttle:login:account:{_digest(email)}"


def _ip_key(ip: str) -> str:
    # A sorted set: a new name, so the counters the earlier rule left under `...:ip:` never clash.
    return f"throttle:login:ip-accounts:{_digest(ip)}"


class LoginThrottle:
    def __init__(
        self,
        redis: Redis,
        *,
        ip_window_seconds: int = IP_WINDOW_SECONDS,
        ip_distinct_accounts: int = IP_DISTINCT_ACCOUNTS,
        now: Callable[[], float] = time.time,
    ) -> None:
        self._redis = redis
        self._ip_window = ip_window_seconds
        self._ip_accounts = ip_distinct_accounts
        self._now = now

    async def retry_after(self, email: str, ip: str) -> int:
        """Seconds the caller must wait before trying again (0: go ahead)."""
        now = self._now()
        ip_key = _ip_key(ip)
        async with self._redis.pipeline(transaction=False) as pipe:
            pipe.pttl(_account_key(email) + ":lock")
            pipe.zremrangebyscore(ip_key, "-inf", now - self._ip_window)
            pipe.zcard(ip_key)
            pipe.zrange(ip_key, 0, 0, withscores=True)
            lock_ttl, _, accounts, oldest = await pipe.execute()
        waits = [0]
        if int(lock_ttl) > 0:
            waits.append(int(lock_ttl) // 1000 + 1)
        if int(accounts) >= self._ip_accounts and oldest:
            first_failure = float(cast(list[tuple[bytes, float]], oldest)[0][1])
            waits.append(max(1, math.ceil(first_failure + self._ip_window - now)))
        return max(waits)

    async def record_failure(self, email: str, ip: str) -> None:
        key = _account_key(email)
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.incr(key)
            pipe.expire(key, WINDOW_SECONDS, nx=True)
            pipe.zadd(_ip_key(ip), {_digest(email): self._now()})
            pipe.expire(_ip_key(ip), self._ip_window)
            failures = int(cast(list[int], await pipe.execute())[0])
        extra = failures - ACCOUNT.free_failures
        if extra > 0:
            lock = min(MAX_LOCK_SECONDS, 2 ** min(extra, 20))
            await self._redis.set(key + ":lock", b"1", ex=lock)

    async def record_success(self, email: str) -> None:
        key = _account_key(email)
        await self._redis.delete(key, key + ":lock")
