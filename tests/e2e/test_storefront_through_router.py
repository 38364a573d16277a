"""Journeys through Hive Gateway on the real subgraph processes."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
from redis.asyncio import Redis

from subgraphs.accounts.entrypoints.dev_signer import TestSigner
from subgraphs.platform.kernel.ids import new_id
from subgraphs.platform.settings import Settings
from tests.conftest import Caller, GraphQLClient
from tests.graphql.catalog import ADJUST, CatalogBuilder, Taxonomy

STOREFRONT = """
query($filter: ProductFilter, $after: String) {
  products(filter: $filter, first: 2, after: $after, sort: {field: PRICE}) {
    nodes { id title priceRange { min { amount currency } } brand { name } category { name ancestors { name } }
            variants { sku price { amount } } images { url } }
    pageInfo { hasNextPage endCursor }
  }
}"""


async def test_a_seller_builds_a_listing_and_a_shopper_pages_through_it(
    router: GraphQLClient, make_caller: Any
) -> None:
    admin: Caller = make_caller("admin")
    seller: Caller = make_caller("seller")
    builder = CatalogBuilder(router, admin)
    tax: Taxonomy = await builder.taxonomy()
    for i, price in enumerate([300, 100, 200]):
        await builder.product(
            seller,
            tax,
            title=f"Router item {i}",
            variants=[{"sku": f"{seller.user_id.hex[-8:]}-{i}", "price": price}],
        )
    mine = {"sellerId": str(seller.user_id)}
    first = await router(STOREFRONT, {"filter": mine})
    assert "errors" not in first, first
    page = first["data"]["products"]
    assert [n["priceRange"]["min"]["amount"] for n in page["nodes"]] == [100, 200]
    assert page["nodes"][0]["category"]["ancestors"][0]["name"].startswith("Root-")
    second = await router(STOREFRONT, {"filter": mine, "after": page["pageInfo"]["endCursor"]})
    assert [n["title"] for n in second["data"]["products"]["nodes"]] == ["Router item 0"]
    assert second["data"]["products"]["pageInfo"]["hasNextPage"] is False


async def test_errors_keep_their_codes_through_the_router(router: GraphQLClient, make_caller: Any) -> None:
    bad_cursor = await router('{ products(first: 1, after: "junk") { nodes { id } } }')
    assert bad_cursor["errors"][0]["extensions"]["code"] == "INVALID_CURSOR"
    anonymous_write = await router('mutation { productDelete(id: "x") { deletedId } }')
    assert anonymous_write["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    buyer_write = await router(
        'mutation { productDelete(id: "x") { deletedId } }', caller=make_caller("buyer")
    )
    assert buyer_write["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_inventory_is_real_time_through_the_router(router: GraphQLClient, make_caller: Any) -> None:
    admin: Caller = make_caller("admin")
    seller: Caller = make_caller("seller")
    builder = CatalogBuilder(router, admin)
    product = await builder.product(seller, await builder.taxonomy())
    variant_id = product["variants"][0]["id"]
    query = "query($id: ID) { variant(id: $id) { stock { available } } }"
    assert (await router(query, {"id": variant_id}))["data"]["variant"]["stock"]["available"] == 5
    sale = {
        "input": {
            "variantId": variant_id,
            "warehouse": "EU-1",
            "delta": -3,
            "reason": "SALE",
            "idempotencyKey": "e2e-1",
        }
    }
    results = await asyncio.gather(*(router(ADJUST, sale, seller) for _ in range(3)))
    assert sorted(r["data"]["adjustInventory"]["replayed"] for r in results) == [False, True, True]
    assert (await router(query, {"id": variant_id}))["data"]["variant"]["stock"]["available"] == 2


async def test_the_request_id_travels_to_the_subgraph_and_back(router_http: httpx.AsyncClient) -> None:
    # The subgraph names the request id in its errors: that it is the client's proves it arrived.
    response = await router_http.post(
        "/graphql",
        json={"query": '{ brands(first: 1, after: "junk") { nodes { id } } }'},
        headers={"x-request-id": "trace-me-123"},
    )
    assert response.status_code == 200
    assert response.headers.get("x-request-id") == "trace-me-123"
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "INVALID_CURSOR"
    assert error["extensions"]["requestId"] == "trace-me-123"


async def test_graphiql_opens_on_example_operations(router_http: httpx.AsyncClient) -> None:
    response = await router_http.get("/graphql", headers={"accept": "text/html"})
    assert response.status_code == 200
    assert "<html" in response.text.lower()
    # The example document and the headers template are in the page GraphiQL boots from.
    assert "query Storefront" in response.text
    assert "mutation SignIn" in response.text
    assert "authorization" in response.text


async def test_oversized_operations_are_refused_by_the_router_itself(router_http: httpx.AsyncClient) -> None:
    flood = "{ " + " ".join(f"a{i}: brands(first: 1) {{ nodes {{ id }} }}" for i in range(40)) + " }"
    response = await router_http.post("/graphql", json={"query": flood})
    assert response.status_code == 400
    body = response.json()
    assert body.get("data") is None
    assert [(e["extensions"]["code"], e["extensions"]["limit"]) for e in body["errors"]] == [
        ("QUERY_TOO_COMPLEX", "aliases")
    ]


async def test_the_router_refuses_forged_tokens_before_any_subgraph(router_http: httpx.AsyncClient) -> None:
    from subgraphs.accounts.entrypoints.dev_signer import TestSigner

    stranger = TestSigner()  # a key the accounts JWKS does not publish
    response = await router_http.post(
        "/graphql",
        json={"query": "{ brands(first: 1) { nodes { id } } }"},
        headers={"authorization": f"Bearer {stranger.token(roles=['admin'])}"},
    )
    assert response.status_code == 401
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_the_router_enforces_scopes_from_the_schema(
    router: GraphQLClient, signer: TestSigner, settings: Settings
) -> None:
    # A subgraph that sees a token records its device's last activity; the router does not.
    # So a refusal that left no trace came from the router, before any subgraph was asked.
    refused, allowed = f"e2e-refused-{new_id().hex}", f"e2e-allowed-{new_id().hex}"
    buyer = Caller(new_id(), signer.token(roles=["buyer"], did=refused))
    body = await router('mutation { productDelete(id: "x") { deletedId } }', caller=buyer)
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert body["errors"][0]["extensions"]["requiredScopes"] == ["catalog:write"]
    seller = Caller(new_id(), signer.token(roles=["seller"], did=allowed))
    assert "errors" not in await router('mutation { productDelete(id: "x") { deletedId } }', caller=seller)
    redis = Redis.from_url(settings.redis_url)
    try:
        assert await redis.exists(f"device:lastseen:{allowed}") == 1  # the subgraph did see this one
        assert await redis.exists(f"device:lastseen:{refused}") == 0
    finally:
        await redis.aclose()
