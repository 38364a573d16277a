"""Precomputed recommendation lists in Valkey (JSON), by shopper, product and category.

Valkey away: a miss, so the list is computed from PostgreSQL and the index instead.
A drop bumps the key's stamp, so a list computed from reads older than the drop is not stored.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Sequence

import orjson
from redis.asyncio import Redis
from redis.exceptions import RedisError

from subgraphs.search.domain.rules import Candidate
from subgraphs.search.service_layer.discovery_ports import CachedList

# Store the list only while the key's drop count is still the one read before computing it.
_PUT_IF_UNCHANGED = """
local seen = redis.call('GET', KEYS[2]) or '0'
if seen ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3])
return 1
"""
STAMP_TTL = 86_400  # outlives any computation; a stamp that expired only refuses one put
UNREADABLE = "?"  # Valkey away when read: nothing is stored from that computation


class RedisRecommendationCache:
    def __init__(self, redis: Redis, prefix: str = "search") -> None:
        self._redis = redis
        self._prefix = f"{prefix}:recs"
        self._put_if_unchanged = redis.register_script(_PUT_IF_UNCHANGED)

    def _key(self, key: str) -> str:
        return f"{self._prefix}:{key}"

    def _stamp_key(self, key: str) -> str:
        return f"{self._prefix}:drops:{key}"

    async def get(self, key: str) -> CachedList:
        try:
            raw, stamp = await self._redis.mget(self._key(key), self._stamp_key(key))
        except (RedisError, OSError):
            return CachedList(None, UNREADABLE)
        stamp = stamp.decode() if isinstance(stamp, bytes) else str(stamp or "0")
        return CachedList(_decoded(raw) if raw is not None else None, stamp)

    async def put(self, key: str, candidates: Sequence[Candidate], ttl_seconds: int, stamp: str) -> bool:
        if stamp == UNREADABLE:
            return False
        body = [
            {"p": str(c.product_id), "s": c.score, "r": c.reason, "u": str(c.rule_id) if c.rule_id else None}
            for c in candidates
        ]
        try:
            stored = await self._put_if_unchanged(
                keys=[self._key(key), self._stamp_key(key)], args=[stamp, orjson.dumps(body), ttl_seconds]
            )
        except (RedisError, OSError):
            return False
        return bool(stored)

    async def drop(self, keys: Sequence[str]) -> None:
        if not keys:
            return
        with contextlib.suppress(RedisError, OSError):
            async with self._redis.pipeline(transaction=True) as pipe:
                for k in keys:
                    pipe.delete(self._key(k))
                    pipe.incr(self._stamp_key(k))
                    pipe.expire(self._stamp_key(k), STAMP_TTL)
                await pipe.execute()


def _decoded(raw: bytes | str) -> list[Candidate] | None:
    try:
        return [
            Candidate(
                product_id=uuid.UUID(c["p"]),
                score=float(c["s"]),
                reason=str(c["r"]),
                rule_id=uuid.UUID(c["u"]) if c.get("u") else None,
            )
            for c in orjson.loads(raw)
        ]
    except (ValueError, KeyError, TypeError):
        return None
