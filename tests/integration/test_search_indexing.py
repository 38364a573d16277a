"""The indexer and the rebuild on the real PostgreSQL ledger, against both engines: the
OpenSearch node and the PostgreSQL full-text fallback.

The catalogue is an in-memory stand-in (what the products subgraph would answer), so a test can
change a product between two steps and check what the index ends with.
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import random
import uuid
from collections.abc import AsyncIterator, Sequence
from types import SimpleNamespace
from typing import Any

import pytest
from opensearchpy import AsyncOpenSearch
from opensearchpy.exceptions import NotFoundError
from redis.asyncio import Redis
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from subgraphs.contracts.products import ProductUpdated
from subgraphs.platform.kernel.messages import Envelope
from subgraphs.platform.kernel.unit_of_work import AlreadyProcessed, Claim
from subgraphs.platform.settings import Settings
from subgraphs.search.adapters import tables
from subgraphs.search.adapters.opensearch_index import OpenSearchIndex
from subgraphs.search.adapters.postgres_index import PostgresIndex
from subgraphs.search.adapters.query_cache import RedisQueryCache
from subgraphs.search.adapters.unit_of_work import search_unit_of_work
from subgraphs.search.domain.documents import ProductFacts, SearchDocument
from subgraphs.search.domain.errors import SearchUnavailable
from subgraphs.search.domain.query import SearchRequest
from subgraphs.search.entrypoints.consumers import index_products
from subgraphs.search.service_layer.indexing import Indexer
from subgraphs.search.service_layer.ports import Versioned
from subgraphs.search.service_layer.rebuild import Rebuild
from tests.integration.search_catalogue import drop_postgres_alias, product, taxonomy


class MemoryCatalog:
    """The visible products, as the products subgraph would list and describe them."""

    def __init__(self) -> None:
        self.products: dict[uuid.UUID, ProductFacts] = {}
        self.listing_pauses: asyncio.Event | None = None
        self.paused = asyncio.Event()
        self.listed_pages = 0

    async def facts(self, product_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, ProductFacts]:
        await asyncio.sleep(0)
        return {i: self.products[i] for i in product_ids if i in self.products}

    async def listed(self, after: str | None, size: int) -> tuple[list[uuid.UUID], str | None]:
        ids = sorted(self.products)
        start = int(after or 0)
        self.listed_pages += 1
        if self.listing_pauses is not None and self.listed_pages == 2:
            self.paused.set()
            await self.listing_pauses.wait()  # the rebuild is half way: let the test act
        page = ids[start : start + size]
        return page, (str(start + size) if start + size < len(ids) else None)

    async def count_listed(self) -> int | None:
        return len(self.products)


Index = OpenSearchIndex | PostgresIndex


class Peek:
    """What an engine holds, read past the port (as an operator would look)."""

    def __init__(self, index: Index, client: AsyncOpenSearch, engine: AsyncEngine) -> None:
        self.index, self._client, self._engine = index, client, engine

    async def stored_title(self, product_id: uuid.UUID) -> str | None:
        if isinstance(self.index, OpenSearchIndex):
            try:
                found = await self._client.get(index=self.index.alias, id=str(product_id))
            except NotFoundError:
                return None
            return str(found["_source"]["title"])
        d, di = tables.documents, tables.document_indexes
        reading = select(di.c.name).where(di.c.alias == self.index.alias, di.c.role == "reading")
        async with self._engine.connect() as conn:
            row = (
                await conn.execute(
                    select(d.c.title).where(
                        d.c.index_name.in_(reading.scalar_subquery()),
                        d.c.product_id == product_id,
                        d.c.deleted.is_(False),
                    )
                )
            ).one_or_none()
        return None if row is None else str(row.title)

    async def reading(self) -> set[str]:
        if isinstance(self.index, OpenSearchIndex):
            return set(await self._client.indices.get_alias(name=self.index.alias))
        di = tables.document_indexes
        async with self._engine.connect() as conn:
            rows = await conn.execute(
                select(di.c.name).where(di.c.alias == self.index.alias, di.c.role == "reading")
            )
            return {r.name for r in rows}

    async def any_exists(self, names: set[str]) -> bool:
        if isinstance(self.index, OpenSearchIndex):
            return bool(await self._client.indices.exists(index=",".join(names)))
        d, di = tables.documents, tables.document_indexes
        async with self._engine.connect() as conn:
            listed = await conn.execute(select(di.c.name).where(di.c.name.in_(names)))
            stored = await conn.execute(select(d.c.product_id).where(d.c.index_name.in_(names)).limit(1))
            return bool(listed.first() or stored.first())

    async def drop(self) -> None:
        if isinstance(self.index, OpenSearchIndex):
            await self._client.indices.delete(
                index=f"{self.index.alias}-*", params={"ignore_unavailable": "true"}
            )
            return
        await drop_postgres_alias(self._engine, self.index.alias)


World = tuple[Indexer, MemoryCatalog, Index, Peek]


@pytest.fixture(params=["opensearch", "postgres"])
async def world(
    request: pytest.FixtureRequest, search_database: AsyncEngine, settings: Settings
) -> AsyncIterator[World]:
    client = AsyncOpenSearch(hosts=[os.environ["OPENSEARCH_URL"]], timeout=30)
    redis = Redis.from_url(settings.redis_url)
    alias = f"t{uuid.uuid4().hex[:10]}"
    # The fallback gets a pool of its own, as in bootstrap (the indexer holds one of the
    # ledger's connections while it writes).
    own_pool = create_async_engine(settings.database_url, pool_size=4, max_overflow=4)
    index: Index = (
        OpenSearchIndex(client, alias=alias)
        if request.param == "opensearch"
        else PostgresIndex(own_pool, alias=alias)
    )
    catalog = MemoryCatalog()
    indexer = Indexer(
        uow=search_unit_of_work(search_database),
        catalog=catalog,
        index=index,
        cache=RedisQueryCache(redis, prefix=alias),
    )
    peek = Peek(index, client, search_database)
    yield indexer, catalog, index, peek
    await peek.drop()
    await own_pool.dispose()
    await client.close()
    await redis.aclose()


async def _titles(index: Index, text: str) -> set[str]:
    await index.refresh()
    page = await index.search(SearchRequest.build(text, first=50), None)
    return {str(h.product_id) for h in page.hits}


async def test_an_event_converges_on_what_the_catalogue_says_now(
    world: World,
) -> None:
    indexer, catalog, index, _ = world
    rng = random.Random()
    tax = taxonomy(rng)
    facts = product(rng, tax, 1, title="Amber Kettle")
    catalog.products[facts.product_id] = facts
    assert await indexer.refresh([facts.product_id], Claim("t", uuid.uuid4())) == 1
    # The same state again writes nothing; a replayed event is refused by its claim.
    claim = Claim("t", uuid.uuid4())
    assert await indexer.refresh([facts.product_id], claim) == 0
    with pytest.raises(AlreadyProcessed):
        await indexer.refresh([facts.product_id], claim)
    # Renamed, then an old event (an earlier version) arrives late: nothing moves back.
    catalog.products[facts.product_id] = dataclasses.replace(facts, title="Cobalt Kettle", version=3)
    assert await indexer.refresh([facts.product_id], seen_versions={facts.product_id: 3}) == 1
    assert await indexer.refresh([facts.product_id], seen_versions={facts.product_id: 1}) == 0
    assert await _titles(index, "cobalt") == {str(facts.product_id)}
    assert await _titles(index, "amber") == set()
    # Hidden (unlisted or deleted): removed.
    del catalog.products[facts.product_id]
    assert await indexer.refresh([facts.product_id]) == 1
    assert await _titles(index, "kettle") == set()


async def test_concurrent_writers_leave_the_index_and_the_ledger_agreeing(
    world: World, search_database: AsyncEngine
) -> None:
    """The catalogue moves on while 40 writers index one product at once. Whatever order they
    finish in, the document in the engine is the one the ledger has the fingerprint of (else a
    later event with that content would be skipped and the index stay stale for good)."""
    indexer, catalog, index, peek = world
    rng = random.Random()
    tax = taxonomy(rng)
    facts = product(rng, tax, 1, title="Lamp v0")
    catalog.products[facts.product_id] = facts
    await indexer.refresh([facts.product_id])  # the product's ledger row exists from now on
    served: dict[str, str] = {}  # fingerprint → title of every answer the catalogue gave
    calls = 0

    async def moving(product_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, ProductFacts]:
        nonlocal calls
        calls += 1
        now = dataclasses.replace(facts, title=f"Lamp v{calls}", version=calls)
        catalog.products[facts.product_id] = now
        served[SearchDocument.from_facts(now).fingerprint()] = now.title
        await asyncio.sleep(random.random() / 50)  # answers arrive in any order
        return {facts.product_id: now} if facts.product_id in product_ids else {}

    catalog.facts = moving  # type: ignore[method-assign]

    class SlowToAnswer:
        """The engine took the write; its answer is slow to come back (the commit waits)."""

        def __getattr__(self, name: str) -> Any:
            return getattr(index, name)

        async def write(self, changes: Sequence[Versioned], *, only_index: str | None = None) -> None:
            await index.write(changes, only_index=only_index)
            await asyncio.sleep(random.random() / 50)

    racing = dataclasses.replace(indexer, index=SlowToAnswer())
    for _ in range(3):  # a race: three rounds make missing it unlikely
        await asyncio.gather(*(racing.refresh([facts.product_id]) for _ in range(40)))
        async with search_database.connect() as conn:
            row = (
                await conn.execute(
                    select(tables.indexed_products.c.fingerprint).where(
                        tables.indexed_products.c.product_id == facts.product_id
                    )
                )
            ).one()
        assert served[row.fingerprint] == await peek.stored_title(facts.product_id)


async def test_a_rebuild_swaps_the_alias_and_keeps_live_changes_made_during_it(
    world: World,
) -> None:
    indexer, catalog, index, peek = world
    rng = random.Random()
    tax = taxonomy(rng)
    for n in range(300):
        facts = product(rng, tax, n, title=f"Walnut Chair {n}")
        catalog.products[facts.product_id] = facts
    ids = sorted(catalog.products)
    await indexer.refresh(ids[:150])  # the live index knows half of them (the rest came by SQL)
    old_indices = await peek.reading()

    catalog.listing_pauses = asyncio.Event()
    copied: list[int] = []
    first_page_copied = asyncio.Event()

    def progress(done: int) -> None:
        copied.append(done)
        if sum(copied) >= 100:
            first_page_copied.set()

    running = asyncio.create_task(Rebuild(indexer=indexer, catalog=catalog, index=index).run(progress))
    await asyncio.wait_for(catalog.paused.wait(), 30)
    await asyncio.wait_for(first_page_copied.wait(), 30)  # ids[0] is in the new index already
    # Half way through the copy: a copied product changes, an uncopied one goes away, a new one comes.
    changed, gone = ids[0], ids[-1]
    catalog.products[changed] = dataclasses.replace(
        catalog.products[changed], title="Renamed Stool", version=2
    )
    await indexer.refresh([changed])
    del catalog.products[gone]
    await indexer.refresh([gone])
    fresh = product(rng, tax, 999, title="Brand New Bench")
    catalog.products[fresh.product_id] = fresh
    await indexer.refresh([fresh.product_id])
    catalog.listing_pauses.set()
    report = await running

    now = await peek.reading()
    assert now == {report.index}
    assert not old_indices & now
    assert not await peek.any_exists(old_indices)  # the old index is dropped
    assert await _titles(index, "stool") == {str(changed)}
    assert await _titles(index, "bench") == {str(fresh.product_id)}
    assert await peek.stored_title(gone) is None
    total = (await index.search(SearchRequest.build("walnut"), None)).total
    assert total == 298


async def test_the_engine_away_leaves_the_ledger_unchanged_and_the_event_retried(
    world: World,
    settings: Settings,
) -> None:
    indexer, catalog, index, _ = world
    rng = random.Random()
    facts = product(rng, taxonomy(rng), 1, title="Velvet Scarf")
    catalog.products[facts.product_id] = facts
    dead = AsyncOpenSearch(hosts=["http://127.0.0.1:9"], timeout=2, max_retries=0)
    dead_database = create_async_engine("postgresql+asyncpg://postgres@127.0.0.1:9/none")
    unreachable: Index = (
        OpenSearchIndex(dead, alias=index.alias)
        if isinstance(index, OpenSearchIndex)
        else PostgresIndex(dead_database, alias=index.alias)
    )
    away = dataclasses.replace(indexer, index=unreachable)
    claim = Claim("t", uuid.uuid4())
    try:
        with pytest.raises(SearchUnavailable):
            await away.refresh([facts.product_id], claim)
    finally:
        await dead.close()
        await dead_database.dispose()
    # The claim was not kept (the event comes back) and the retry, with the engine back, lands.
    assert await indexer.refresh([facts.product_id], claim) == 1
    assert await _titles(index, "velvet") == {str(facts.product_id)}


def _updated(facts: ProductFacts, version: int) -> Envelope:
    return Envelope.wrap(
        ProductUpdated(
            product_id=facts.product_id,
            seller_id=facts.seller_id,
            status="ACTIVE",
            category_id=facts.category_path[-1].id if facts.category_path else uuid.uuid4(),
            version=version,
        )
    )


async def test_a_poll_is_indexed_at_once_and_only_a_failing_event_is_set_aside(world: World) -> None:
    """The Kafka consumer hands the indexer a whole poll; a product the catalogue answers
    with something unindexable (no category) fails alone, the others land."""
    indexer, catalog, index, _ = world
    rng = random.Random()
    tax = taxonomy(rng)
    good = [product(rng, tax, n, title=f"Maple Desk {n}") for n in range(120)]
    for facts in good:
        catalog.products[facts.product_id] = facts
    broken = dataclasses.replace(product(rng, tax, 500, title="Maple Broken"), category_path=())
    catalog.products[broken.product_id] = broken
    asked: list[int] = []
    answer = catalog.facts

    async def counting(product_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, ProductFacts]:
        asked.append(len(product_ids))
        return await answer(product_ids)

    catalog.facts = counting  # type: ignore[method-assign]
    services = SimpleNamespace(indexer=indexer)
    envelopes = [_updated(f, 1) for f in good] + [_updated(broken, 1)] + [_updated(good[0], 1)]
    rejected = await index_products(services, envelopes)  # type: ignore[arg-type]
    set_aside = [e.event() for e, _ in rejected]
    assert [e.product_id for e in set_aside if isinstance(e, ProductUpdated)] == [broken.product_id]
    assert len(set_aside) == 1
    assert isinstance(rejected[0][1], ValueError)
    await index.refresh()
    assert len((await index.search(SearchRequest.build("maple desk", first=50), None)).hits) == 50
    assert (await index.search(SearchRequest.build("maple desk", first=1), None)).total == 120
    # The first try read the catalogue in chunks of 50 (then one product at a time).
    assert sorted(asked[:3]) == [21, 50, 50]  # in flight side by side: any order
    # Redelivered, the batch changes nothing (and an old announced version is not even read).
    asked.clear()
    again = await index_products(services, [_updated(f, 0) for f in good])  # type: ignore[arg-type]
    assert list(again) == []
    assert asked == []
