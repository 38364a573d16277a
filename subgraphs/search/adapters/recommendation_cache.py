"""Precomputed recommendation lists in Valkey (JSON), by shopper, product and category.

Valkey away: a miss, so the list is computed from PostgreSQL and the index instead.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Sequence

import orjson
from redis.asyncio import Redis
from redis.exceptions import RedisError

from subgraphs.search.domain.rules import Candidate


class RedisRecommendationCache:
    def __init__(self, redis: Redis, prefix: str = "search") -> None:
        self._redis = redis
        self._prefix = f"{prefix}:recs"

    def _key(self, key: str) -> str:
        return f"{self._prefix}:{key}"

    async def get(self, key: str) -> list[Candidate] | None:
        try:
            raw = await self._redis.get(self._key(key))
        except (RedisError, OSError):
            return None
        if raw is None:
            return None
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

    async def put(self, key: str, candidates: Sequence[Candidate], ttl_seconds: int) -> None:
        body = [
            {"p": str(c.product_id), "s": c.score, "r": c.reason, "u": str(c.rule_id) if c.rule_id else None}
            for c in candidates
        ]
        with contextlib.suppress(RedisError, OSError):
            await self._redis.set(self._key(key), orjson.dumps(body), ex=ttl_seconds)

    async def drop(self, keys: Sequence[str]) -> None:
        if keys:
            with contextlib.suppress(RedisError, OSError):
                await self._redis.delete(*(self._key(k) for k in keys))
