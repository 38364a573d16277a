"""End to end inside the subgraph: a product change → outbox → Kafka → invalidator → new cache version."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager
from redis.asyncio import Redis

from subgraphs.platform.settings import Settings
from subgraphs.products.entrypoints.workers import CATALOG_CACHE
from tests.conftest import Caller
from tests.graphql.catalog import CREATE_BRANDS, unique

LISTING = "{ brands(first: 3) { nodes { id } } }"


@pytest.fixture(scope="module")
async def live_http(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    from subgraphs.products.entrypoints.asgi import create

    live = dataclasses.replace(settings, run_outbox_relay=True, run_consumers=True, response_cache=True)
    app = create(live)
    async with LifespanManager(app, startup_timeout=30, shutdown_timeout=30) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://products.test") as client:
            yield client


async def cache_version(redis: Redis) -> int:
    return int(await redis.get(f"cachever:{CATALOG_CACHE}") or 0)


async def test_a_catalogue_change_invalidates_cached_listings(
    live_http: httpx.AsyncClient, settings: Settings, make_caller: Any
) -> None:
    admin: Caller = make_caller("admin")
    redis = Redis.from_url(settings.redis_url)
    try:
        await live_http.post("/graphql", json={"query": LISTING})
        assert (await live_http.post("/graphql", json={"query": LISTING})).headers["x-cache"] == "HIT"
        before = await cache_version(redis)
        created = await live_http.post(
            "/graphql",
            json={"query": CREATE_BRANDS, "variables": {"brands": [{"name": unique("Fresh")}]}},
            headers=admin.headers,
        )
        assert created.json()["data"]["brandsBulkCreate"]["userErrors"] == []
        for _ in range(300):
            if await cache_version(redis) > before:
                break
            await asyncio.sleep(0.1)
        assert await cache_version(redis) > before
        assert (await live_http.post("/graphql", json={"query": LISTING})).headers["x-cache"] == "MISS"
    finally:
        await redis.aclose()
