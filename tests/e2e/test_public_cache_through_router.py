"""The router's public-result cache: anonymous catalogue queries are answered from its memory
after the first, signed-in ones never are, and a catalogue change is visible within moments."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx

from tests.conftest import Caller, GraphQLClient
from tests.graphql.catalog import CatalogBuilder

LISTING = "query Mine($s: ID) { products(filter: {sellerId: $s}, first: 5) { nodes { id title } } }"
WITH_STOCK = "query($s: ID) { products(filter: {sellerId: $s}, first: 5) { nodes { variants { stock { available } } } } }"
RENAME = "mutation($id: ID!, $t: String!, $v: Int!) { productUpdate(id: $id, input: {title: $t, expectedVersion: $v}) { userErrors { code } } }"


async def post(
    http: httpx.AsyncClient, query: str, variables: dict[str, Any], headers: dict[str, str] | None = None
) -> httpx.Response:
    response = await http.post(
        "/graphql", json={"query": query, "variables": variables}, headers=headers or {}
    )
    assert response.status_code == 200, response.text
    return response


async def test_anonymous_catalogue_queries_are_served_from_the_router_until_the_catalogue_changes(
    router: GraphQLClient, router_http: httpx.AsyncClient, make_caller: Any
) -> None:
    admin: Caller = make_caller("admin")
    seller: Caller = make_caller("seller")
    builder = CatalogBuilder(router, admin)
    product = await builder.product(seller, await builder.taxonomy(), title="Cached at the edge")
    mine = {"s": str(seller.user_id)}
    first = await post(router_http, LISTING, mine)
    second = await post(router_http, LISTING, mine)
    assert (first.headers["x-cache"], second.headers["x-cache"]) == ("MISS", "HIT")
    assert second.json() == first.json()
    # Credentials, and real-time fields, always go through to the subgraphs.
    signed_in = await post(router_http, LISTING, mine, seller.headers)
    assert "x-cache" not in signed_in.headers
    for _ in range(2):
        assert (await post(router_http, WITH_STOCK, mine)).headers["x-cache"] == "MISS"

    renamed = await router(
        RENAME, {"id": product["id"], "t": "Renamed at the edge", "v": product["version"]}, seller
    )
    assert renamed["data"]["productUpdate"]["userErrors"] == []
    deadline = time.monotonic() + 30
    titles: list[str] = []
    while time.monotonic() < deadline:
        titles = [
            n["title"] for n in (await post(router_http, LISTING, mine)).json()["data"]["products"]["nodes"]
        ]
        if titles == ["Renamed at the edge"]:
            break
        await asyncio.sleep(0.25)
    assert titles == ["Renamed at the edge"]
