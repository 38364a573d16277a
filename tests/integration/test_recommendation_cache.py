"""Precomputed recommendation lists on real Valkey: a drop is never undone by a late store."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from subgraphs.platform.kernel.ids import new_id
from subgraphs.platform.settings import Settings
from subgraphs.search.adapters.recommendation_cache import RedisRecommendationCache
from subgraphs.search.domain.rules import Candidate


@pytest.fixture
async def cache(settings: Settings) -> AsyncIterator[RedisRecommendationCache]:
    client = Redis.from_url(settings.redis_url)
    yield RedisRecommendationCache(client, prefix=f"t{new_id().hex[-8:]}")
    await client.aclose()


def a_list() -> list[Candidate]:
    return [Candidate(new_id(), 2.5, "ALSO_BOUGHT"), Candidate(new_id(), 1.0, "SIMILAR", rule_id=new_id())]


async def test_a_list_stored_with_a_fresh_stamp_reads_back(cache: RedisRecommendationCache) -> None:
    key = f"product:{new_id()}"
    miss = await cache.get(key)
    assert miss.pool is None
    pool = a_list()
    assert await cache.put(key, pool, 60, miss.stamp)
    assert (await cache.get(key)).pool == pool


async def test_a_list_computed_before_a_drop_is_not_stored_after_it(cache: RedisRecommendationCache) -> None:
    # A reader misses and starts computing; a purchase lands and drops the key; the reader's
    # list (computed from reads older than the purchase) must not hide the purchase for the TTL.
    key = f"product:{new_id()}"
    stale = await cache.get(key)
    await cache.drop([key])
    assert not await cache.put(key, a_list(), 600, stale.stamp)
    fresh = await cache.get(key)
    assert fresh.pool is None
    pool = a_list()
    assert await cache.put(key, pool, 600, fresh.stamp)
    assert (await cache.get(key)).pool == pool


async def test_a_drop_retires_a_stored_list(cache: RedisRecommendationCache) -> None:
    key, other = f"user:{new_id()}", f"user:{new_id()}"
    for k in (key, other):
        assert await cache.put(k, a_list(), 60, (await cache.get(k)).stamp)
    await cache.drop([key])
    assert (await cache.get(key)).pool is None
    assert (await cache.get(other)).pool is not None
