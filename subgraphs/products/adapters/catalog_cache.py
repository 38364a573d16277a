"""The public catalogue's cached answers: one Redis namespace that a version bump retires."""

from __future__ import annotations

from redis.asyncio import Redis

from subgraphs.platform.cache.versioned import VersionedCache

NAMESPACE = "catalog"


def catalog_cache(redis: Redis, ttl_seconds: int) -> VersionedCache:
    return VersionedCache(redis, NAMESPACE, ttl_seconds)
