"""Search for `make bench`.

- The bench catalogue (≥ 100,000 products in the products subgraph) indexed by a full rebuild
  (timed when it runs: only when the index does not hold every listed product).
- Indexing from Kafka: `product.updated` events for 5,000 products whose documents the ledger
  marks stale, published straight to the topic; docs/s until the `search-indexer` group has
  rewritten all of them (a poll at a time: lock, ask products, write the engine, commit).
- 1,000,000 synthetic documents in their own alias, served by a second search subgraph process
  with the query cache off: search p50/p99 with every facet (one connection: latency; and under
  load), and autocomplete p99.
- Search via the router on the real catalogue, hits filled in by the products subgraph.
"""

from __future__ import annotations

import asyncio
import os
import random
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
from aiokafka import AIOKafkaProducer
from opensearchpy import AsyncOpenSearch

from bench.measure import LoadResult, bench_environment, load
from deploy.local.supergraph import Ports, Running, start_subgraph, stop
from subgraphs.contracts.products import PRODUCT_TOPIC, ProductUpdated
from subgraphs.platform.kernel.messages import Envelope
from subgraphs.platform.settings import Settings
from subgraphs.products.entrypoints.seed import ADJECTIVES, COLORS, MATERIALS, NOUNS, SIZES
from subgraphs.search.adapters.opensearch_index import OpenSearchIndex
from subgraphs.search.domain.documents import AttributePair, CategoryRef, ProductFacts, SearchDocument
from subgraphs.search.entrypoints.config import SearchConfig
from subgraphs.search.entrypoints.reindex import reindex
from subgraphs.search.service_layer.ports import Versioned

MILLION = int(os.environ.get("BENCH_SEARCH_DOCS", "1000000"))
MILLION_ALIAS = "bench-million"
FROM_KAFKA = 5_000
ENGINE_PORTS = Ports(router=25999, subgraph_offset=21000)
FACETS = "facets { categories { category { id } count } brands { brand { id } count } priceRanges { min count } attributes { name values { value count } } }"
SEARCH_IDS = (
    "query S($q: String!) { search(query: $q, first: 20) { totalCount nodes { id } " + FACETS + " } }"
)
SEARCH_TITLES = "query S($q: String!) { search(query: $q, first: 20) { totalCount nodes { id title priceRange { min { amount } } } } }"
SUGGEST = "query A($p: String!) { searchSuggest(prefix: $p) { text } }"
FOR_PRODUCT = (
    "query R($p: ID!) { recommendationsForProduct(productId: $p, first: 10) "
    "{ servedId items { reason product { id title priceRange { min { amount } } } } } }"
)
TRENDING = "query T { trending(first: 10) { servedId items { reason product { id title } } } }"


@dataclass
class SearchFigures:
    lines: list[str] = field(default_factory=list)
    results: list[LoadResult] = field(default_factory=list)


def _queries(rng: random.Random, n: int) -> list[str]:
    words = [w.lower() for w in ADJECTIVES + NOUNS + COLORS]
    out = []
    for _ in range(n):
        picked = rng.sample(words, rng.choice([1, 2, 2, 3]))
        if rng.random() < 0.2:  # a typo
            w = picked[0]
            i = rng.randrange(1, len(w))
            picked[0] = w[:i] + w[i + 1 :]
        out.append(" ".join(picked))
    return out


def _synthetic(
    n: int, rng: random.Random, roots: list[CategoryRef], leaves: list[list[CategoryRef]]
) -> SearchDocument:
    r = rng.randrange(len(roots))
    leaf = rng.choice(leaves[r])
    brand = uuid.UUID(int=rng.randrange(300) + 1)
    noun = rng.choice(NOUNS)
    price = rng.randrange(199, 99_999)
    title = f"{rng.choice(ADJECTIVES)} {rng.choice(COLORS)} {noun} {n}"
    return SearchDocument.from_facts(
        ProductFacts(
            product_id=uuid.UUID(int=(1 << 120) + n),
            seller_id=uuid.UUID(int=rng.randrange(500) + 1),
            title=title,
            description=f"{title}: {rng.choice(MATERIALS).lower()} {noun.lower()}, made for the benchmark.",
            brand_id=brand,
            brand_name=f"Brand {brand.int}",
            category_path=(roots[r], leaf),
            attributes=(
                AttributePair("Color", rng.choice(COLORS)),
                AttributePair("Size", rng.choice(SIZES)),
                AttributePair("Material", rng.choice(MATERIALS)),
            ),
            variant_skus=(f"BM-{n:08d}",),
            currency="USD",
            price_min=price,
            price_max=price + 300,
            available=rng.choice([0, 5, 20]),
            popularity=rng.randrange(100_000),
            version=1,
            created_at=datetime(2026, 1, 1, tzinfo=UTC) + timedelta(seconds=n),
        )
    )


async def _ensure_million(client: AsyncOpenSearch, lines: list[str]) -> None:
    index = OpenSearchIndex(client, alias=MILLION_ALIAS)
    await index.ensure()
    have = int((await client.count(index=MILLION_ALIAS))["count"])
    if have >= MILLION:
        lines.append(f"- {MILLION_ALIAS}: {have:,} documents already indexed (kept from an earlier run)")
        return
    rng = random.Random(14)
    roots = [CategoryRef(uuid.UUID(int=(2 << 120) + r), f"Root {r}") for r in range(8)]
    leaves = [
        [CategoryRef(uuid.UUID(int=(3 << 120) + r * 10 + c), f"Leaf {r}.{c}") for c in range(5)]
        for r in range(8)
    ]
    started = time.monotonic()
    batch = 2_000
    slots = asyncio.Semaphore(2)

    async def write(start: int) -> None:
        async with slots:
            docs = [_synthetic(n, rng, roots, leaves) for n in range(start, min(start + batch, MILLION))]
            await index.write([Versioned(d.product_id, 1, d) for d in docs])

    await asyncio.gather(*(write(s) for s in range(have, MILLION, batch)))
    await index.refresh()
    took = time.monotonic() - started
    await client.indices.forcemerge(
        index=MILLION_ALIAS, params={"max_num_segments": "5"}, request_timeout=600
    )
    lines.append(
        f"- {MILLION_ALIAS}: bulk-loaded {MILLION - have:,} synthetic documents in {took:.0f} s "
        f"({(MILLION - have) / took:,.0f} docs/s, 2 bulk requests of {batch:,} in flight)"
    )


async def _ensure_catalogue_index(
    settings: Settings, env: dict[str, str], products_url: str, lines: list[str]
) -> None:
    client = AsyncOpenSearch(hosts=[env["OPENSEARCH_URL"]], timeout=60)
    try:
        await OpenSearchIndex(client, alias="products").ensure()
        have = int((await client.count(index="products"))["count"])
    finally:
        await client.close()
    conn = await asyncpg.connect(settings.asyncpg_dsn)
    try:
        listed = int(await conn.fetchval("SELECT count(*) FROM products.products WHERE status = 'ACTIVE'"))
    finally:
        await conn.close()
    if have == listed:
        lines.append(f"- catalogue index: {have:,} products already indexed")
        return
    search_env = {**env, "SEARCH_PRODUCTS_URL": products_url}
    started = time.monotonic()
    report = await reindex(
        Settings.from_env("search", env=search_env), SearchConfig.from_env(search_env), show_progress=False
    )
    took = time.monotonic() - started
    lines.append(
        f"- full rebuild from the products subgraph: {report.products:,} products in {took:.0f} s "
        f"({report.products / took:,.0f} docs/s; `_entities` batches of 50, 4 in flight)"
    )


async def _from_kafka(settings: Settings, env: dict[str, str], lines: list[str]) -> None:
    conn = await asyncpg.connect(settings.asyncpg_dsn)
    producer = AIOKafkaProducer(bootstrap_servers=env["KAFKA_BOOTSTRAP_SERVERS"], linger_ms=5)
    await producer.start()
    try:
        rows = await conn.fetch(
            "SELECT p.id, p.seller_id, p.category_id, p.version FROM products.products p "
            "JOIN search.indexed_products s ON s.product_id = p.id "
            "WHERE p.status = 'ACTIVE' AND s.fingerprint IS NOT NULL ORDER BY random() LIMIT $1",
            FROM_KAFKA,
        )
        ids = [r["id"] for r in rows]
        await conn.execute(
            "UPDATE search.indexed_products SET fingerprint = 'stale' WHERE product_id = ANY($1)", ids
        )
        started = time.monotonic()
        for r in rows:
            event = ProductUpdated(
                product_id=r["id"],
                seller_id=r["seller_id"],
                status="ACTIVE",
                category_id=r["category_id"],
                version=r["version"],
            )
            envelope = Envelope.wrap(event)
            await producer.send(PRODUCT_TOPIC.name, envelope.to_json(), key=str(r["id"]).encode())
        await producer.flush()
        left = len(ids)
        while left and time.monotonic() - started < 600:
            await asyncio.sleep(0.5)
            left = int(
                await conn.fetchval(
                    "SELECT count(*) FROM search.indexed_products WHERE product_id = ANY($1) AND fingerprint = 'stale'",
                    ids,
                )
            )
        took = time.monotonic() - started
        lines.append(
            f"- indexing from Kafka: {len(ids) - left:,} of {len(ids):,} `product.updated` events applied in "
            f"{took:.1f} s = {(len(ids) - left) / took:,.0f} docs/s (one consumer group, 3 partitions, "
            "a poll at a time: chunks of 50, 4 in flight, each one ledger transaction, one `_entities` "
            "call and one bulk write)"
        )
    finally:
        await producer.stop()
        await conn.close()


def measure_search(
    sg: Running, settings: Settings, env: dict[str, str], log_dir: Path, seconds: int, connections: int
) -> SearchFigures:
    figures = SearchFigures()
    lines = figures.lines
    asyncio.run(_ensure_catalogue_index(settings, env, sg.urls["products"], lines))
    asyncio.run(_from_kafka(settings, env, lines))

    async def million() -> None:
        client = AsyncOpenSearch(hosts=[env["OPENSEARCH_URL"]], timeout=120)
        try:
            await _ensure_million(client, lines)
        finally:
            await client.close()

    asyncio.run(million())
    rng = random.Random(41)
    queries = [{"query": SEARCH_IDS, "variables": {"q": q}} for q in _queries(rng, 500)]
    prefixes = [{"query": SUGGEST, "variables": {"p": q[: rng.randint(2, 6)]}} for q in _queries(rng, 300)]
    engine = Running()
    engine_env = {
        **env,
        "SEARCH_INDEX_ALIAS": MILLION_ALIAS,
        "SEARCH_QUERY_CACHE": "0",
        "RUN_CONSUMERS": "0",
        "RUN_OUTBOX_RELAY": "0",
        "SEARCH_PRODUCTS_URL": sg.urls["products"],
    }
    try:
        start_subgraph(engine, "search", engine_env, log_dir / "bench-million", ENGINE_PORTS)
        url = engine.urls["search"]
        load("warm-up", url, queries, seconds=3, connections=4)
        for name, bodies, conns in (
            (f"search + all facets, {MILLION:,} docs — direct, 1 connection", queries, 1),
            (
                f"search + all facets, {MILLION:,} docs — direct, {connections} connections",
                queries,
                connections,
            ),
            (f"autocomplete, {MILLION:,} docs — direct, 1 connection", prefixes, 1),
        ):
            figures.results.append(load(name, url, bodies, seconds=seconds, connections=conns))
    finally:
        stop(engine)
    titles = [{"query": SEARCH_TITLES, "variables": {"q": q}} for q in _queries(rng, 500)]
    routed = sg.router_url
    load("warm-up", routed, titles, seconds=2, connections=4)
    figures.results.append(
        load(
            "search, titles from products — via router, catalogue (query cache on)",
            routed,
            titles,
            seconds=seconds,
            connections=connections,
        )
    )
    # Recommendations via the router (lists precomputed after the first request per product).
    product_ids = asyncio.run(_some_products(settings, 2_000))
    per_product = [{"query": FOR_PRODUCT, "variables": {"p": p}} for p in product_ids]
    load("warm-up", routed, per_product, seconds=3, connections=4)
    figures.results.append(
        load(
            "recommendations for a product (2,000 products) — via router",
            routed,
            per_product,
            seconds=seconds,
            connections=connections,
        )
    )
    figures.results.append(
        load("trending — via router", routed, [{"query": TRENDING}], seconds=seconds, connections=connections)
    )
    return figures


async def _some_products(settings: Settings, n: int) -> list[str]:
    conn = await asyncpg.connect(settings.asyncpg_dsn)
    try:
        rows = await conn.fetch(
            "SELECT product_id FROM search.indexed_products WHERE fingerprint IS NOT NULL ORDER BY product_id LIMIT $1",
            n,
        )
    finally:
        await conn.close()
    return [str(r["product_id"]) for r in rows]


def main() -> int:
    """`python -m bench.search` inside the bench stack: this section alone."""
    from bench.run import PORTS, WORKERS
    from deploy.local.profiles import get_profile
    from deploy.local.supergraph import running_supergraph
    from subgraphs.accounts.entrypoints.dev_signer import TestSigner
    from subgraphs.accounts.entrypoints.revocation_keeper import restore_once
    from subgraphs.products.entrypoints.seed import prepare_catalogue

    profile = get_profile("bench")
    signer = TestSigner()
    env = bench_environment(signer, profile.data_dir)
    settings = Settings.from_env("products", env=env)
    asyncio.run(prepare_catalogue(settings, int(os.environ.get("BENCH_SIZE", "100000"))))
    asyncio.run(restore_once(Settings.from_env("accounts", env=env)))
    router_env = {"ROUTER_DEDUPE": "0", "ROUTER_RATE_LIMIT": "0"}
    with running_supergraph(env, profile.logs_dir, PORTS, workers=WORKERS, router_env=router_env) as sg:
        figures = measure_search(sg, settings, env, profile.logs_dir, 10, 16)
    print("\n".join(figures.lines))
    for r in figures.results:
        print(r.row())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
