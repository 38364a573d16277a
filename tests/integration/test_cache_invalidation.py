"""End to end inside the subgraph: product changes → outbox → Kafka → consumers (cache, counts)."""

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
from subgraphs.products.adapters.catalog_cache import NAMESPACE as CATALOG_CACHE
from tests.conftest import Caller, GraphQLClient
from tests.graphql.catalog import CREATE_BRANDS, CatalogBuilder, unique

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
        # Other tests' subgraph processes also bump the shared catalogue version, so a HIT may
        # take a couple of tries to observe.
        hits = [
            (await live_http.post("/graphql", json={"query": LISTING})).headers["x-cache"] for _ in range(10)
        ]
        assert "HIT" in hits
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


COUNT = "query($id: ID) { category(id: $id) { productCount } }"


async def count_of(http: httpx.AsyncClient, category_id: str, caller: Caller) -> int:
    body = (
        await http.post(
            "/graphql", json={"query": COUNT, "variables": {"id": category_id}}, headers=caller.headers
        )
    ).json()
    return int(body["data"]["category"]["productCount"])


async def eventually(http: httpx.AsyncClient, category_id: str, caller: Caller, expected: int) -> int:
    count = -1
    for _ in range(300):
        count = await count_of(http, category_id, caller)
        if count == expected:
            break
        await asyncio.sleep(0.1)
    return count


async def test_category_counts_follow_product_events(live_http: httpx.AsyncClient, make_caller: Any) -> None:
    admin: Caller = make_caller("admin")
    seller: Caller = make_caller("seller")
    builder = CatalogBuilder(GraphQLClient(live_http), admin)
    tax = await builder.taxonomy()
    active = await builder.product(seller, tax)
    await builder.product(seller, tax, status="DRAFT")
    assert await eventually(live_http, tax.root_id, admin, 1) == 1
    assert await count_of(live_http, tax.leaf_id, admin) == 1
    archive = (
        "mutation($id: ID!) { productUpdate(id: $id, input: {status: ARCHIVED}) { userErrors { code } } }"
    )
    await live_http.post(
        "/graphql", json={"query": archive, "variables": {"id": active["id"]}}, headers=seller.headers
    )
    assert await eventually(live_http, tax.root_id, admin, 0) == 0
