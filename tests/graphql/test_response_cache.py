"""The anonymous response cache: hits skip execution; real-time and private data never cached."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager
from redis.asyncio import Redis

from subgraphs.accounts.entrypoints.dev_signer import TestSigner
from subgraphs.platform.cache.versioned import VersionedCache
from subgraphs.platform.settings import Settings
from subgraphs.products.adapters.catalog_cache import NAMESPACE as CATALOG_CACHE
from tests.conftest import Caller
from tests.graphql.catalog import CatalogBuilder, Taxonomy

LISTING = "query($s: ID) { products(filter: {sellerId: $s}, first: 5) { nodes { id title } } }"
WITH_STOCK = "query($s: ID) { products(filter: {sellerId: $s}, first: 5) { nodes { variants { stock { available } } } } }"


@pytest.fixture(scope="module")
def cache_settings(settings: Settings) -> Settings:
    # A Redis database of its own: subgraph processes other tests run (with their event
    # consumers) bump the shared catalogue version and would turn hits into misses.
    isolated = settings.redis_url.rsplit("/", 1)[0] + "/7"
    return dataclasses.replace(settings, response_cache=True, redis_url=isolated)


@pytest.fixture(scope="module")
async def cached_http(cache_settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    from subgraphs.platform.auth.revocations import RedisRevocations
    from subgraphs.products.entrypoints.asgi import create

    redis = Redis.from_url(cache_settings.redis_url)
    await RedisRevocations(redis).restore([])  # this database's revocation list is whole (empty)
    await redis.aclose()
    app = create(cache_settings)
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://products.test") as client:
            yield client


@pytest.fixture
async def stocked_seller(builder: CatalogBuilder, seller: Caller, taxonomy: Taxonomy) -> Caller:
    """A seller with one listed product and one draft only they (and admins) may see."""
    await builder.product(seller, taxonomy, title="Listed lamp")
    await builder.product(seller, taxonomy, title="Draft lamp", status="DRAFT")
    return seller


def titles(response: httpx.Response) -> list[str]:
    return sorted(n["title"] for n in response.json()["data"]["products"]["nodes"])


async def post(
    http: httpx.AsyncClient, query: str, variables: dict[str, Any], headers: dict[str, str] | None = None
) -> httpx.Response:
    response = await http.post(
        "/graphql", json={"query": query, "variables": variables}, headers=headers or {}
    )
    assert response.status_code == 200
    return response


async def test_the_second_anonymous_request_is_a_hit_with_the_same_body(
    cached_http: httpx.AsyncClient, stocked_seller: Caller
) -> None:
    variables = {"s": str(stocked_seller.user_id)}
    first = await post(cached_http, LISTING, variables)
    second = await post(cached_http, LISTING, variables)
    assert (first.headers["x-cache"], second.headers["x-cache"]) == ("MISS", "HIT")
    assert titles(first) == titles(second) == ["Listed lamp"]


async def test_sellers_and_admins_bypass_the_cache_and_see_what_the_public_does_not(
    cached_http: httpx.AsyncClient, stocked_seller: Caller, make_caller: Any
) -> None:
    variables = {"s": str(stocked_seller.user_id)}
    assert titles(await post(cached_http, LISTING, variables)) == ["Listed lamp"]  # now cached
    for caller in (stocked_seller, make_caller("admin")):
        response = await post(cached_http, LISTING, variables, caller.headers)
        assert "x-cache" not in response.headers
        assert titles(response) == ["Draft lamp", "Listed lamp"]


async def test_signed_in_shoppers_share_the_public_entries(
    cached_http: httpx.AsyncClient, stocked_seller: Caller, make_caller: Any
) -> None:
    variables = {"s": str(stocked_seller.user_id)}
    anonymous = await post(cached_http, LISTING, variables)
    shopper = await post(cached_http, LISTING, variables, make_caller("buyer").headers)
    assert shopper.headers["x-cache"] == "HIT"
    assert titles(shopper) == titles(anonymous) == ["Listed lamp"]


async def test_a_bad_token_is_never_answered_from_the_cache(
    cached_http: httpx.AsyncClient, seller: Caller, signer: TestSigner
) -> None:
    variables = {"s": str(seller.user_id)}
    await post(cached_http, LISTING, variables)
    for token in (signer.token(roles=["buyer"], ttl=-60), "not.a.jwt", signer.token(aud="elsewhere")):
        response = await post(cached_http, LISTING, variables, {"authorization": f"Bearer {token}"})
        assert "x-cache" not in response.headers
        assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_real_time_stock_is_never_cached(cached_http: httpx.AsyncClient, seller: Caller) -> None:
    for _ in range(2):
        response = await post(cached_http, WITH_STOCK, {"s": str(seller.user_id)})
        assert "x-cache" not in response.headers


async def test_errors_are_not_stored(cached_http: httpx.AsyncClient) -> None:
    query = "query($a: String) { products(first: 1, after: $a) { nodes { id } } }"
    for _ in range(2):
        response = await post(cached_http, query, {"a": "garbage"})
        assert response.headers["x-cache"] == "MISS"


async def test_bumping_the_catalogue_version_invalidates_every_entry(
    cached_http: httpx.AsyncClient, seller: Caller, cache_settings: Settings
) -> None:
    variables = {"s": str(seller.user_id)}
    await post(cached_http, LISTING, variables)
    assert (await post(cached_http, LISTING, variables)).headers["x-cache"] == "HIT"
    redis = Redis.from_url(cache_settings.redis_url)
    try:
        await VersionedCache(redis, CATALOG_CACHE).invalidate()
    finally:
        await redis.aclose()
    assert (await post(cached_http, LISTING, variables)).headers["x-cache"] == "MISS"


async def test_mutations_are_never_cached(cached_http: httpx.AsyncClient) -> None:
    response = await post(cached_http, 'mutation { productDelete(id: "x") { deletedId } }', {})
    assert "x-cache" not in response.headers
