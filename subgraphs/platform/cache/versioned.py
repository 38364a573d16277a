"""Redis cache with versioned namespaces: invalidation is one INCR, never a key scan.

An entry stores the namespace version it was computed under; a read fetches the entry and
the current version in one MGET and ignores entries from an older version. Consumers of
domain events bump the version, which invalidates every entry of the namespace at once.
"""

from __future__ import annotations

from typing import cast

from redis.asyncio import Redis

_SEP = b"|"


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
        version, entry = cast(list[bytes | None], await self._redis.mget(self._version_key, self._key(key)))
        current = version or b"0"
        if entry is None:
            return None, current
        stored_version, _, value = entry.partition(_SEP)
        return (value if stored_version == current else None), current

    async def set(self, key: str, value: bytes, version: bytes) -> None:
        await self._redis.set(self._key(key), version + _SEP + value, ex=self._ttl)

    async def invalidate(self) -> int:
        return int(await self._redis.incr(self._version_key))
