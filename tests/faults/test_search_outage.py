"""OpenSearch killed under the running supergraph: searches get a coded SEARCH_UNAVAILABLE (or a
cached first page), the indexer waits on its event, and once the node is back the index catches
up from Kafka with nothing lost."""

from __future__ import annotations

import asyncio
import random
import string
from typing import Any

import httpx

from deploy.local.supergraph import Running
from tests.conftest import Caller, GraphQLClient
from tests.faults.harness import FaultStack
from tests.graphql.catalog import CatalogBuilder
from tests.waiting import eventually

SEARCH = "query($q: String!) { search(query: $q, first: 5) { nodes { id } } }"
UPDATE = """mutation($id: ID!, $title: String!) {
  productUpdate(id: $id, input: {title: $title}) { userErrors { code } } }"""


def word() -> str:
    return "".join(random.choice(string.ascii_lowercase) for _ in range(10))


async def search_ready(supergraph: Running) -> dict[str, Any]:
    url = supergraph.urls["search"].removesuffix("/graphql") + "/ready"
    async with httpx.AsyncClient(timeout=5) as client:
        body: dict[str, Any] = (await client.get(url)).json()
    return body


async def test_searches_are_coded_while_opensearch_is_down_and_indexing_catches_up(
    fault_supergraph: Running, fault_router: httpx.AsyncClient, fault_stack: FaultStack, make_caller: Any
) -> None:
    router = GraphQLClient(fault_router)
    admin: Caller = make_caller("admin")
    seller: Caller = make_caller("seller")
    builder = CatalogBuilder(router, admin)
    before, after, other = word(), word(), word()
    product = await builder.product(seller, await builder.taxonomy(), title=f"{before.capitalize()} Kettle")

    async def found(text: str) -> list[str] | None:
        body = await router(SEARCH, {"q": text})
        nodes = (body.get("data") or {}).get("search") or {"nodes": []}
        return [n["id"] for n in nodes["nodes"]] or None

    assert await eventually(lambda: found(before), within=30, every=0.3) == [product["id"]]
    # The index version settles (it moves again one refresh after each write); then the page is
    # cached under it.
    await asyncio.sleep(3)
    assert await found(before) == [product["id"]]

    fault_stack.kill("opensearch")
    try:
        # A first page cached before the outage still answers; anything else is coded.
        assert await found(before) == [product["id"]]
        body = await router(SEARCH, {"q": other})
        assert body["errors"][0]["extensions"]["code"] == "SEARCH_UNAVAILABLE", body
        # A change made meanwhile waits in Kafka for the index.
        renamed = await router(UPDATE, {"id": product["id"], "title": f"{after.capitalize()} Kettle"}, seller)
        assert renamed["data"]["productUpdate"]["userErrors"] == []

        async def indexer_waits() -> str | None:
            state = (await search_ready(fault_supergraph))["workers"].get("consumer:search-indexer", "")
            return state if state == "retrying: opensearch" else None

        await eventually(indexer_waits, within=20, every=0.3)
    finally:
        await fault_stack.restart("opensearch")

    assert await eventually(lambda: found(after), within=60, every=0.5) == [product["id"]]

    async def old_title_gone() -> bool | None:
        return (await found(before)) is None or None

    await eventually(old_title_gone, within=30, every=0.5)
