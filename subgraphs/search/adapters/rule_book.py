"""Every merchandising rule, held in each process and reloaded when one changes.

Rules are few and read on every search: a process keeps them and checks a version counter in
Valkey at most once a second; an admin's change bumps it. With Valkey away the rules are
reloaded from PostgreSQL every few seconds instead, so a change is never missed for long.
"""

from __future__ import annotations

import contextlib
import time

from redis.asyncio import Redis
from redis.exceptions import RedisError

from subgraphs.search.domain.rules import Rule
from subgraphs.search.service_layer.discovery_ports import DiscoveryReads

CHECK_EVERY = 1.0
RELOAD_WITHOUT_VALKEY = 5.0


class CachedRuleBook:
    def __init__(self, reads: DiscoveryReads, redis: Redis, prefix: str = "search") -> None:
        self._reads = reads
        self._redis = redis
        self._key = f"{prefix}:rules-version"
        self._rules: list[Rule] | None = None
        self._version: bytes | str | None = None
        self._checked = 0.0
        self._loaded = 0.0

    async def current(self) -> list[Rule]:
        now = time.monotonic()
        if self._rules is not None and now - self._checked < CHECK_EVERY:
            return self._rules
        try:
            version: bytes | str | None = await self._redis.get(self._key) or b"0"
        except (RedisError, OSError):
            version = None
        stale = version is None and now - self._loaded >= RELOAD_WITHOUT_VALKEY
        if self._rules is None or version != self._version or stale:
            self._rules = await self._reads.all_rules()
            self._version = version
            self._loaded = now
        self._checked = now
        return self._rules

    async def changed(self) -> None:
        self._rules = None  # this process reloads at once
        # Valkey away: the others reload within RELOAD_WITHOUT_VALKEY.
        with contextlib.suppress(RedisError, OSError):
            await self._redis.incr(self._key)
