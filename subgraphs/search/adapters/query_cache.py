"""First pages of searches in Valkey, keyed by the normalised search and the index version.

The version is a counter the indexer bumps after every write, and once more after the engine's
refresh interval (a page computed between the write and the refresh would otherwise be cached
under the new version without the change). A process reads the counter at most every 250 ms.
Valkey away: nothing is cached, searches go to the engine.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from typing import Any

import orjson
from redis.asyncio import Redis
from redis.exceptions import RedisError

from subgraphs.search.domain.results import (
    AttributeFacet,
    Bucket,
    Facets,
    Highlight,
    PriceBucket,
    SearchHit,
    SearchPage,
)

log = logging.getLogger(__name__)
VERSION_KEY = "search:index-version"
PAGE_TTL_SECONDS = 120
VERSION_READ_EVERY = 0.25
REFRESH_INTERVAL = 1.2


def _hit(raw: dict[str, Any]) -> SearchHit:
    return SearchHit(
        product_id=uuid.UUID(raw["product_id"]),
        score=raw["score"],
        sort_values=tuple(raw["sort_values"]),
        highlights=tuple(Highlight(h["field"], tuple(h["fragments"])) for h in raw["highlights"]),
    )


def _buckets(raw: list[dict[str, Any]]) -> tuple[Bucket, ...]:
    return tuple(Bucket(**b) for b in raw)


def page_from_json(raw: bytes | str) -> SearchPage:
    body = orjson.loads(raw)
    facets = body["facets"]
    return SearchPage(
        hits=tuple(_hit(h) for h in body["hits"]),
        total=body["total"],
        total_is_exact=body["total_is_exact"],
        has_next_page=body["has_next_page"],
        position=body["position"],
        pit_id=body["pit_id"],
        facets=Facets(
            categories=_buckets(facets["categories"]),
            brands=_buckets(facets["brands"]),
            price_ranges=tuple(PriceBucket(**p) for p in facets["price_ranges"]),
            attributes=tuple(AttributeFacet(a["name"], _buckets(a["values"])) for a in facets["attributes"]),
        ),
        did_you_mean=body["did_you_mean"],
    )


class RedisQueryCache:
    def __init__(self, redis: Redis, prefix: str = "search") -> None:
        self._redis = redis
        self._prefix = prefix
        self._version_key = f"{prefix}:index-version"
        self._seen: tuple[float, int] | None = None
        self._pending: set[asyncio.Task[None]] = set()

    async def version(self) -> int | None:
        now = time.monotonic()
        if self._seen is not None and now - self._seen[0] < VERSION_READ_EVERY:
            return self._seen[1]
        try:
            raw = await self._redis.get(self._version_key)
        except (RedisError, OSError):
            return None
        version = int(raw or 0)
        self._seen = (now, version)
        return version

    def _key(self, version: int, key: str) -> str:
        return f"{self._prefix}:page:{version}:{key}"

    async def get(self, version: int, key: str) -> SearchPage | None:
        try:
            raw = await self._redis.get(self._key(version, key))
        except (RedisError, OSError):
            return None
        if raw is None:
            return None
        try:
            return page_from_json(raw)
        except (ValueError, KeyError, TypeError):
            log.warning("dropping an unreadable cached search page")
            return None

    async def put(self, version: int, key: str, page: SearchPage) -> None:
        with contextlib.suppress(RedisError, OSError):
            await self._redis.set(self._key(version, key), orjson.dumps(page), ex=PAGE_TTL_SECONDS)

    async def bump(self) -> None:
        await self._bump_now()
        task = asyncio.get_running_loop().create_task(self._bump_later())
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    async def _bump_now(self) -> None:
        try:
            await self._redis.incr(self._version_key)
        except (RedisError, OSError):
            # Cached pages then live out their TTL; searches still reach the engine on a miss.
            log.warning("could not retire cached search pages (Valkey away)")
        self._seen = None

    async def _bump_later(self) -> None:
        await asyncio.sleep(REFRESH_INTERVAL)
        await self._bump_now()


class NoQueryCache:
    """Every search reaches the engine (the benchmark measures the engine, not the cache)."""

    async def version(self) -> int | None:
        return None

    async def get(self, version: int, key: str) -> SearchPage | None:  # noqa: ARG002 — the port's signature
        return None

    async def put(self, version: int, key: str, page: SearchPage) -> None:  # noqa: ARG002 — the port's signature
        return None

    async def bump(self) -> None:
        return None
