"""Redis cache with versioned namespaces: invalidation is one INCR, never a key scan.

An entry stores the namespace version it was computed under; a read fetches the entry and
the current version in one MGET and ignores entries from an older version. Consumers of
domain events bump the version, which invalidates every entry of the namespace at once.
"""

from __future__ import annotations

import time
from typing import cast

from redis.asyncio import Redis

from subgraphs.platform.cache.soft import soft

_SEP = b"|"
# A version never repeats, even after Redis lost it: at least the current time in ms, so a
# router still holding answers of an older "catalog:1" never takes a new "catalog:1" for it.
_BUMP = """
local floor = tonumber(ARGV[1])
local v = redis.call('INCR', KEYS[1])
if v < floor then
  redis.call('SET', KEYS[1], floor)
  v = floor
end
return v
"""


class VersionedCache:
    def __init__(self, redis: Redis, namespace: str, ttl_seconds: int = 300) -> None:
        self._redis = redis
        self.namespace = namespace
        self._version_key = f"cachever:{namespace}"
        self._ttl = ttl_seconds

    def _key(self, key: str) -> str:
        return f"cache:{self.namespace}:{key}"

    async def get(self, key: str) -> tuple[bytes | None, bytes]:
        """(value or None, current version) — pass the version back to `set`."""
        read = await soft(self._redis.mget(self._version_key, self._key(key)), None)
        if read is None:
            return None, b""  # Redis is down: compute, and store nothing
        version, entry = cast(list[bytes | None], read)
        if version is None:
            # Redis restarted empty (or never had it): start a version no earlier one equals.
            version = await self._start_version()
        current = version
        if entry is None:
            return None, current
        stored_version, _, value = entry.partition(_SEP)
        return (value if stored_version == current else None), current

    async def set(self, key: str, value: bytes, version: bytes) -> None:
        if version:
            await soft(self._redis.set(self._key(key), version + _SEP + value, ex=self._ttl), None)

    async def _start_version(self) -> bytes:
        await soft(self._redis.set(self._version_key, str(int(time.time() * 1000)).encode(), nx=True), None)
        started = await soft(self._redis.get(self._version_key), None)
        return started if isinstance(started, bytes) else b""

    async def invalidate(self) -> int:
        """Retire every entry; raises when Redis is down (the consumer retries: a bump is never lost)."""
        floor = int(time.time() * 1000)
        return int(await self._redis.eval(_BUMP, 1, self._version_key, floor))
