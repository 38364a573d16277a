"""The router's public-result cache: anonymous catalogue queries are answered from its memory
after the first, signed-in ones never are, and a catalogue change is visible within moments."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

import httpx

from subgraphs.platform.kernel.ids import new_id
from tests.conftest import Caller, GraphQLClient
from tests.graphql.catalog import CatalogBuilder
from tests.graphql.test_identity import LOGIN, PASSWORD, REGISTER

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


async def until(
    done: Callable[[httpx.Response], bool], http: httpx.AsyncClient, query: str, variables: dict[str, Any]
) -> httpx.Response:
    return await until_with({}, done, http, query, variables)


async def test_anonymous_catalogue_queries_are_served_from_the_router_until_the_catalogue_changes(
    router: GraphQLClient, router_http: httpx.AsyncClient, make_caller: Any
) -> None:
    admin: Caller = make_caller("admin")
    seller: Caller = make_caller("seller")
    builder = CatalogBuilder(router, admin)
    product = await builder.product(seller, await builder.taxonomy(), title="Cached at the edge")
    mine = {"s": str(seller.user_id)}
    first = await post(router_http, LISTING, mine)
    assert first.headers["x-cache"] == "MISS"
    # The product's own creation events may still be bumping the catalogue version (a cold
    # Kafka consumer group): repeat until the version settles and the router answers itself.
    hit = await until(lambda r: r.headers["x-cache"] == "HIT", router_http, LISTING, mine)
    assert hit.json() == first.json()
    # Credentials, and real-time fields, always go through to the subgraphs.
    signed_in = await post(router_http, LISTING, mine, seller.headers)
    assert "x-cache" not in signed_in.headers
    for _ in range(2):
        assert (await post(router_http, WITH_STOCK, mine)).headers["x-cache"] == "MISS"

    renamed = await router(
        RENAME, {"id": product["id"], "t": "Renamed at the edge", "v": product["version"]}, seller
    )
    assert renamed["data"]["productUpdate"]["userErrors"] == []
    renamed_listing = await until(
        lambda r: [n["title"] for n in r.json()["data"]["products"]["nodes"]] == ["Renamed at the edge"],
        router_http,
        LISTING,
        mine,
    )
    assert renamed_listing.json()["data"]["products"]["nodes"][0]["id"] == product["id"]


async def test_signed_in_shoppers_are_served_from_the_router_until_their_token_is_revoked(
    router_http: httpx.AsyncClient,
) -> None:
    email = f"shopper-{new_id().hex[-10:]}@example.com"
    register = {"input": {"email": email, "password": PASSWORD, "displayName": "Shopper"}}
    await router_http.post("/graphql", json={"query": REGISTER, "variables": register})
    login = {"input": {"email": email, "password": PASSWORD, "device": {"id": "edge"}}}
    session = (await router_http.post("/graphql", json={"query": LOGIN, "variables": login})).json()
    shopper = {"authorization": f"Bearer {session['data']['login']['accessToken']}"}
    everything = {"s": None}
    hit = await until_with(
        shopper, lambda r: r.headers.get("x-cache") == "HIT", router_http, LISTING, everything
    )
    assert "errors" not in hit.json()

    out = await router_http.post(
        "/graphql", json={"query": "mutation { logout { signedOut } }"}, headers=shopper
    )
    assert out.json()["data"]["logout"]["signedOut"] is True
    await asyncio.sleep(0.6)  # "not revoked" answers are reused for at most half a second
    after = await post(router_http, LISTING, everything, shopper)
    assert after.headers.get("x-cache") != "HIT"
    assert after.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def until_with(
    headers: dict[str, str],
    done: Callable[[httpx.Response], bool],
    http: httpx.AsyncClient,
    query: str,
    variables: dict[str, Any],
) -> httpx.Response:
    deadline = time.monotonic() + 30
    while True:
        response = await post(http, query, variables, headers)
        if done(response) or time.monotonic() > deadline:
            assert done(response), response.headers
            return response
        await asyncio.sleep(0.1)
