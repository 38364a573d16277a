"""Oversized, deep, wide and costly operations against the real supergraph, through the router.

Each is refused by the router itself (a 4xx with a code, in milliseconds) before the query
planner or any subgraph sees it; the subgraphs keep their own limits as the second wall.
"""

from __future__ import annotations

import time
from typing import Any

import httpx

DEPTH_48 = "{ categories(first: 1) { nodes { " + "children { " * 45 + "id" + " }" * 45 + " } } }"


async def post(router_http: httpx.AsyncClient, payload: dict[str, Any] | bytes) -> httpx.Response:
    if isinstance(payload, bytes):
        return await router_http.post(
            "/graphql", content=payload, headers={"content-type": "application/json"}
        )
    return await router_http.post("/graphql", json=payload)


def code_of(response: httpx.Response) -> str:
    return str(response.json()["errors"][0]["extensions"]["code"])


async def test_a_document_48_levels_deep_is_a_coded_400_not_a_planner_crash(
    router_http: httpx.AsyncClient,
) -> None:
    for document in (
        DEPTH_48,
        DEPTH_48.replace("children { " * 45, "children { " * 300).replace(" }" * 45, " }" * 300),
    ):
        response = await post(router_http, {"query": document})
        assert response.status_code == 400, response.text
        assert code_of(response) == "QUERY_TOO_COMPLEX"
        assert response.json()["errors"][0]["extensions"]["limit"] == "depth"


async def test_bodies_of_2_and_20_mb_are_refused_unread(router_http: httpx.AsyncClient) -> None:
    for megabytes in (2, 20):
        padding = "x" * (megabytes * 1024 * 1024)
        started = time.monotonic()
        response = await post(
            router_http, b'{"query": "{ __typename }", "variables": {"p": "' + padding.encode() + b'"}}'
        )
        assert response.status_code == 413
        assert code_of(response) == "REQUEST_TOO_LARGE"
        assert time.monotonic() - started < 5


async def test_an_alias_flood_never_runs(router_http: httpx.AsyncClient) -> None:
    flood = "{ " + " ".join(f"a{i}: __typename" for i in range(120_000)) + " }"
    response = await post(router_http, {"query": flood})
    assert response.status_code == 413  # 1.7 MB: over the body limit before it is even parsed
    wide = "{ " + " ".join(f"a{i}: __typename" for i in range(1_000)) + " }"
    response = await post(router_http, {"query": wide})
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["limit"] == "aliases"


async def test_directive_and_root_field_floods_are_refused(router_http: httpx.AsyncClient) -> None:
    directives = "{ brands(first: 1) { nodes { " + "id @include(if: true) " * 60 + "} } }"
    response = await post(router_http, {"query": directives})
    assert (response.status_code, response.json()["errors"][0]["extensions"]["limit"]) == (400, "directives")
    roots = "{ " + "brands(first: 1) { nodes { id } } " * 25 + "}"
    response = await post(router_http, {"query": roots})
    assert (response.status_code, response.json()["errors"][0]["extensions"]["limit"]) == (400, "rootFields")


async def test_the_cost_of_an_operation_is_estimated_before_and_reported_after(
    router_http: httpx.AsyncClient,
) -> None:
    listing = "{ products(first: 20) { nodes { id title variants { id price { amount } } images { url } } } }"
    response = await post(router_http, {"query": listing})
    assert response.status_code == 200, response.text
    cost = response.json()["extensions"]["cost"]
    # A page of 20 products, each with 10 expected variants and 10 images; money is free.
    assert cost["requestedQueryCost"] == 1 + 20 * (1 + 10 + 10)
    assert 0 < cost["actualQueryCost"] <= cost["requestedQueryCost"]
    assert cost["throttleStatus"]["maximumAvailable"] >= cost["requestedQueryCost"]

    costly = listing.replace("first: 20", "first: 100")
    response = await post(router_http, {"query": costly})
    assert response.status_code == 400
    body = response.json()
    assert code_of(response) == "QUERY_TOO_COSTLY"
    assert body["errors"][0]["extensions"]["cost"] == 1 + 100 * 21
    assert body.get("data") is None


async def test_a_document_of_queries_and_mutations_runs_the_operation_named(
    router_http: httpx.AsyncClient,
) -> None:
    # Valid GraphQL the Rust planner alone fails on (a 500) when a mutation sits beside the query
    # to run; the router's edge passes on only the named operation and the fragments it uses.
    document = (
        "query Brands { ...B } mutation SignOut { logout { userErrors { code } } } "
        "query Products { products(first: 1) { nodes { id } } } fragment B on Query { brands(first: 1) { nodes { id } } }"
    )
    for name, field in (("Brands", "brands"), ("Products", "products")):
        response = await post(router_http, {"query": document, "operationName": name})
        assert response.status_code == 200, response.text
        body = response.json()
        assert "errors" not in body, body
        assert field in body["data"]
    response = await post(router_http, {"query": document, "operationName": "SignOut"})
    assert [e["extensions"]["code"] for e in response.json()["errors"]] == ["UNAUTHENTICATED"]
