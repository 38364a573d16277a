"""Search answered by the PostgreSQL full-text fallback, through a router, on the real services.

Where OpenSearch cannot run, `make dev` starts the search subgraph with SEARCH_ENGINE=postgres.
Here a second search subgraph runs that way (its own alias, consumers off) behind a second
router that shares every other subgraph with the e2e supergraph; the same queries a client
sends to the OpenSearch-backed graph get the same kinds of answers from it.
"""

from __future__ import annotations

import os
import random
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import create_async_engine

from deploy.local.profiles import get_profile
from deploy.local.supergraph import Ports, Running, start_router, start_subgraph, stop, subgraph_urls
from subgraphs.accounts.entrypoints.dev_signer import TestSigner
from subgraphs.platform.kernel.ids import new_id
from subgraphs.platform.web.peer_client import AiohttpPeerClient, close_peer_sessions
from subgraphs.search.adapters.postgres_index import PostgresIndex
from subgraphs.search.adapters.products_catalog import ProductsCatalog
from subgraphs.search.domain.documents import SearchDocument
from subgraphs.search.service_layer.ports import Versioned
from tests.conftest import Caller, GraphQLClient
from tests.e2e.test_search_through_router import SEARCH, SUGGEST, made_up_word
from tests.graphql.catalog import CatalogBuilder
from tests.integration.search_catalogue import drop_postgres_alias

FALLBACK_PORTS = Ports(router=14090, subgraph_offset=10100)
ALIAS = f"fallback{uuid.uuid4().hex[:8]}"


@pytest.fixture(scope="module")
def fallback(supergraph: Running, jwks_file: Path, accounts_env: dict[str, str]) -> Iterator[Running]:
    env = {
        **os.environ,
        **accounts_env,
        "JWT_JWKS_FILE": str(jwks_file),
        "LOG_LEVEL": "WARNING",
        "SEARCH_ENGINE": "postgres",
        "SEARCH_INDEX_ALIAS": ALIAS,
        "RUN_CONSUMERS": "0",
        "RUN_OUTBOX_RELAY": "0",
    }
    logs = get_profile("test").logs_dir / "fallback"
    logs.mkdir(parents=True, exist_ok=True)
    running = Running(urls={k: v for k, v in supergraph.urls.items() if k not in {"search", "router"}})
    try:
        start_subgraph(running, "search", env, logs, FALLBACK_PORTS)
        start_router(running, env, logs, FALLBACK_PORTS.router, subgraph_urls(running))
        yield running
    finally:
        stop(running)


@pytest.fixture(scope="module")
async def fallback_router(fallback: Running) -> AsyncIterator[GraphQLClient]:
    async with httpx.AsyncClient(base_url=fallback.router_url.removesuffix("/graphql"), timeout=30) as http:
        yield GraphQLClient(http)


@pytest.fixture(scope="module")
async def listed(
    router: GraphQLClient, fallback: Running, signer: TestSigner
) -> AsyncIterator[tuple[str, list[dict[str, Any]]]]:
    """Two products published through the main router, written to the fallback's index as
    the indexer would write them (from the products subgraph's answer)."""
    word = made_up_word(random.Random())
    admin_id, seller_id = new_id(), new_id()
    builder = CatalogBuilder(router, Caller(admin_id, signer.token(admin_id, roles=["admin"])))
    seller = Caller(seller_id, signer.token(seller_id, roles=["seller"]))
    tax = await builder.taxonomy()
    products = [
        await builder.product(seller, tax, title=f"{word.capitalize()} Sneakers"),
        await builder.product(seller, tax, title=f"{word.capitalize()} Lamp", attributes=[]),
    ]
    engine = create_async_engine(os.environ["DATABASE_URL"])
    try:
        facts = await ProductsCatalog(AiohttpPeerClient(30.0), fallback.urls["products"]).facts(
            [uuid.UUID(p["id"]) for p in products]
        )
        await close_peer_sessions()
        docs = [SearchDocument.from_facts(f) for f in facts.values()]
        await PostgresIndex(engine, alias=ALIAS).write([Versioned(d.product_id, 1, d) for d in docs])
        yield word, products
    finally:
        await drop_postgres_alias(engine, ALIAS)
        await engine.dispose()


async def test_typos_synonyms_facets_and_highlights_come_from_postgres(
    fallback_router: GraphQLClient, listed: tuple[str, list[dict[str, Any]]]
) -> None:
    word, products = listed
    sneakers, lamp = products[0]["id"], products[1]["id"]
    body = await fallback_router(SEARCH, {"q": f"{word} sneakers"})
    assert "errors" not in body, body
    result = body["data"]["search"]
    hit = result["edges"][0]
    assert hit["node"]["id"] == sneakers
    assert hit["node"]["title"] == f"{word.capitalize()} Sneakers"  # filled in by the products subgraph
    assert any("<mark>" in f for h in hit["highlights"] for f in h["fragments"])
    assert sum(c["count"] for c in result["facets"]["categories"]) == 1
    assert result["facets"]["brands"][0]["count"] == 1

    async def ids(query: str) -> set[str]:
        found = await fallback_router(SEARCH, {"q": query, "first": 10})
        assert "errors" not in found, found
        return {e["node"]["id"] for e in found["data"]["search"]["edges"]}

    assert await ids(word[:4] + word[5:]) == {sneakers, lamp}  # a letter missing
    assert await ids(f"{word} trainers") == {sneakers}  # a synonym of sneakers
    assert await ids(f"{word} xylophone") == set()


async def test_pages_and_suggestions_come_from_postgres(
    fallback_router: GraphQLClient, listed: tuple[str, list[dict[str, Any]]]
) -> None:
    word, products = listed
    first = (await fallback_router(SEARCH, {"q": word, "first": 1}))["data"]["search"]
    assert first["pageInfo"]["hasNextPage"] is True
    after = first["pageInfo"]["endCursor"]
    second = (await fallback_router(SEARCH, {"q": word, "first": 1, "after": after}))["data"]["search"]
    seen = {first["edges"][0]["node"]["id"], second["edges"][0]["node"]["id"]}
    assert seen == {p["id"] for p in products}
    assert second["pageInfo"]["hasNextPage"] is False
    other = await fallback_router(SEARCH, {"q": "lamp", "first": 1, "after": after})
    assert other["errors"][0]["extensions"]["code"] == "INVALID_CURSOR"
    body = await fallback_router(SUGGEST, {"p": word[:6]})
    titles = {s["product"]["title"] for s in body["data"]["searchSuggest"]}
    assert titles == {f"{word.capitalize()} Sneakers", f"{word.capitalize()} Lamp"}
