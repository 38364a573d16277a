"""The search index on both engines: the real OpenSearch node, and the PostgreSQL full-text
fallback behind the same port. Relevance, facets, paging, versions, outages: one suite, run
against each.
"""

from __future__ import annotations

import os
import random
import uuid
from collections.abc import AsyncIterator

import orjson
import pytest
from opensearchpy import AsyncOpenSearch
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from subgraphs.platform.kernel.errors import InvalidCursor
from subgraphs.search.adapters.opensearch_index import OpenSearchIndex
from subgraphs.search.adapters.postgres_index import PostgresIndex
from subgraphs.search.domain.documents import SearchDocument
from subgraphs.search.domain.errors import QueryEmpty, SearchUnavailable
from subgraphs.search.domain.query import (
    AttributeFilter,
    FacetRequest,
    SearchFilter,
    SearchRequest,
    SortOrder,
)
from subgraphs.search.domain.results import SearchCursor
from subgraphs.search.domain.rules import Shaping
from subgraphs.search.service_layer.ports import Versioned
from tests.integration.search_catalogue import (
    COLORS,
    SIZES,
    Taxonomy,
    brute_force_facets,
    drop_postgres_alias,
    matches,
    product,
    taxonomy,
)

ALL_FACETS = FacetRequest(categories=True, brands=True, price_ranges=True, attributes=True)


Index = OpenSearchIndex | PostgresIndex
Seeded = tuple[Index, list[SearchDocument], Taxonomy]


@pytest.fixture(scope="module")
async def client() -> AsyncIterator[AsyncOpenSearch]:
    client = AsyncOpenSearch(hosts=[os.environ["OPENSEARCH_URL"]], timeout=30)
    yield client
    await client.close()


class Indexes:
    """Fresh, empty indexes of one engine, each under its own alias, dropped at the end."""

    def __init__(self, kind: str, client: AsyncOpenSearch, database: AsyncEngine) -> None:
        self.kind, self._client, self._database = kind, client, database
        self._made: list[Index] = []

    def new(self) -> Index:
        alias = f"t{uuid.uuid4().hex[:10]}"
        made: Index = (
            OpenSearchIndex(self._client, alias=alias)
            if self.kind == "opensearch"
            else PostgresIndex(self._database, alias=alias)
        )
        self._made.append(made)
        return made

    async def drop(self) -> None:
        for index in self._made:
            if isinstance(index, OpenSearchIndex):
                await self._client.indices.delete(
                    index=f"{index.alias}-*", params={"ignore_unavailable": "true"}
                )
            else:
                await drop_postgres_alias(self._database, index.alias)


@pytest.fixture(scope="module", params=["opensearch", "postgres"])
async def indexes(
    request: pytest.FixtureRequest, client: AsyncOpenSearch, search_database: AsyncEngine
) -> AsyncIterator[Indexes]:
    made = Indexes(request.param, client, search_database)
    yield made
    await made.drop()


@pytest.fixture(scope="module")
async def seeded(indexes: Indexes) -> Seeded:
    rng = random.Random(1414)
    tax = taxonomy(rng)
    facts = [product(rng, tax, n) for n in range(240)]
    facts.append(product(rng, tax, 900, title="Wireless Headphones Deluxe"))
    facts.append(product(rng, tax, 901, title="Leather Sofa"))
    facts.append(product(rng, tax, 902, title="Carbon Bicycle"))
    docs = [SearchDocument.from_facts(f) for f in facts]
    index = indexes.new()
    await index.write([Versioned(d.product_id, 1, d) for d in docs])
    await index.refresh()
    return index, docs, tax


def _titles_found(page_hits: tuple[object, ...], docs: list[SearchDocument]) -> set[str]:
    by_id = {d.product_id: d.title for d in docs}
    return {by_id[h.product_id] for h in page_hits}  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Wireless Headphones", "Wireless Headphones Deluxe"),
        ("wireles headphones", "Wireless Headphones Deluxe"),  # one letter missing
        ("wirelesss", "Wireless Headphones Deluxe"),  # one letter too many
        ("headphnoes", "Wireless Headphones Deluxe"),  # two letters swapped
        ("bicycel", "Carbon Bicycle"),
        ("earbuds", "Wireless Headphones Deluxe"),  # synonym
        ("couch", "Leather Sofa"),  # synonym
        ("couches", "Leather Sofa"),  # a synonym's plural: stemmed first
        ("bike", "Carbon Bicycle"),
        ("headphone", "Wireless Headphones Deluxe"),  # stemming
    ],
)
async def test_typos_synonyms_and_stems_find_the_product(seeded: Seeded, typed: str, expected: str) -> None:
    index, docs, _ = seeded
    page = await index.search(SearchRequest.build(typed, first=5), None)
    assert expected in _titles_found(page.hits, docs)


async def test_an_unrelated_word_finds_nothing_and_a_near_miss_is_offered(
    seeded: Seeded,
) -> None:
    index, _, _ = seeded
    assert (await index.search(SearchRequest.build("xylophone"), None)).total == 0
    offered = await index.search(SearchRequest.build("lpma"), None)  # two edits from "lamp"
    assert offered.total == 0
    assert offered.did_you_mean == "lamp"
    assert (await index.search(SearchRequest.build(offered.did_you_mean), None)).total > 0


@pytest.mark.parametrize(
    "hostile",
    ["title:lamp OR *", '{"query": {"match_all": {}}}', "lamp) OR (1=1", "lamp^100 ~ /x/", "lamp\\"],
)
async def test_query_syntax_in_the_words_is_only_words(seeded: Seeded, hostile: str) -> None:
    index, docs, _ = seeded
    page = await index.search(SearchRequest.build(hostile, first=50), None)
    # Never everything: the input was analysed as text, not run as a query.
    assert page.total < len(docs)


@pytest.mark.parametrize("blank", ["*", '"', "\\", "   ", "{}"])
def test_a_query_without_words_is_refused(blank: str) -> None:
    with pytest.raises(QueryEmpty):
        SearchRequest.build(blank)


def _random_filter(rng: random.Random, tax: Taxonomy) -> SearchFilter:
    categories = rng.sample(
        [r.id for r in tax.roots] + [leaf.id for _, leaf in tax.leaves], rng.randint(0, 2)
    )
    brands = rng.sample([b for b, _ in tax.brands], rng.randint(0, 3))
    attributes = []
    if rng.random() < 0.6:
        attributes.append(AttributeFilter("Color", tuple(rng.sample(COLORS, rng.randint(1, 2)))))
    if rng.random() < 0.3:
        attributes.append(AttributeFilter("Size", tuple(rng.sample(SIZES, 1))))
    low = rng.choice([None, 1_000, 5_000])
    high = rng.choice([None, 30_000, 60_000])
    return SearchFilter(
        category_ids=tuple(categories),
        brand_ids=tuple(brands),
        seller_ids=tuple(rng.sample(list(tax.sellers), 1)) if rng.random() < 0.2 else (),
        price_min=low,
        price_max=high,
        attributes=tuple(attributes),
        in_stock=rng.choice([None, True]),
    )


@pytest.mark.parametrize("seed", range(12))
async def test_facet_counts_equal_a_brute_force_count(seeded: Seeded, seed: int) -> None:
    index, docs, tax = seeded
    rng = random.Random(seed)
    f = _random_filter(rng, tax)
    page = await index.search(SearchRequest.build(None, filter=f, first=50, facets=ALL_FACETS), None)
    expected = brute_force_facets(docs, f)
    assert page.total == sum(1 for d in docs if matches(d, f))
    assert {b.key: b.count for b in page.facets.categories if b.count} == dict(expected["category"])
    assert {b.key: b.count for b in page.facets.brands if b.count} == dict(expected["brand"])
    prices = {f"{p.min}-{p.max}": p.count for p in page.facets.price_ranges if p.count}
    assert prices == dict(expected["price"])
    for facet in page.facets.attributes:
        counted = {v.key: v.count for v in facet.values if v.count}
        assert counted == dict(expected.get(f"attr:{facet.name}", {})), facet.name
    # A chosen value is always listed and marked, even when it counts nothing.
    for attribute in f.attributes:
        listed = next(a for a in page.facets.attributes if a.name == attribute.name)
        assert {v.key for v in listed.values if v.selected} == set(attribute.values)


async def test_cursor_pages_visit_every_hit_once_in_order(
    seeded: Seeded,
) -> None:
    index, docs, _ = seeded
    request = SearchRequest.build(None, sort=SortOrder.PRICE_ASC, first=17)
    seen: list[uuid.UUID] = []
    cursor: SearchCursor | None = None
    pits: set[str | None] = set()
    while True:
        page = await index.search(request, cursor)
        seen += [h.product_id for h in page.hits]
        pits.add(page.pit_id)
        if not page.has_next_page:
            break
        cursor = SearchCursor.decode(page.cursor_of(len(page.hits) - 1, request), request)
    by_price = sorted(docs, key=lambda d: (d.price_min, str(d.product_id)))
    assert seen == [d.product_id for d in by_price]
    if isinstance(index, OpenSearchIndex):
        assert len(pits - {None}) == 1  # later pages share one point in time
    else:
        assert pits == {None}  # PostgreSQL pages by keyset: no snapshot to keep


async def test_a_cursor_only_works_for_its_own_search(
    seeded: Seeded,
) -> None:
    index, _, _ = seeded
    lamps = SearchRequest.build("lamp", first=2)
    page = await index.search(lamps, None)
    cursor = page.cursor_of(1, lamps)
    with pytest.raises(InvalidCursor):
        SearchCursor.decode(cursor, SearchRequest.build("kettle", first=2))
    with pytest.raises(InvalidCursor):
        SearchCursor.decode("not-a-cursor", lamps)
    forged = SearchCursor(lamps.fingerprint(), ("not-a-number", "x"), 2, pit_id="bogus").encode()
    with pytest.raises(InvalidCursor):
        await index.search(lamps, SearchCursor.decode(forged, lamps))


async def test_an_older_revision_never_replaces_a_newer_document(indexes: Indexes) -> None:
    index = indexes.new()
    rng = random.Random(7)
    tax = taxonomy(rng)
    old = SearchDocument.from_facts(product(rng, tax, 1, title="Old Kettle"))
    new = SearchDocument.from_facts(product(rng, tax, 1, title="New Kettle"))
    new = SearchDocument(**{**new.__dict__, "product_id": old.product_id})
    await index.write([Versioned(old.product_id, 5, new)])
    await index.write([Versioned(old.product_id, 4, old)])  # late, out of order
    await index.write([Versioned(old.product_id, 3, None)])  # an older removal
    await index.refresh()
    page = await index.search(SearchRequest.build("kettle"), None)
    assert [h.product_id for h in page.hits] == [old.product_id]
    assert (await index.search(SearchRequest.build("old"), None)).total == 0
    await index.write([Versioned(old.product_id, 6, None)])
    await index.refresh()
    assert (await index.search(SearchRequest.build("kettle"), None)).total == 0


async def test_suggestions_complete_a_prefix(
    seeded: Seeded,
) -> None:
    index, docs, _ = seeded
    found = await index.suggest("wirel", 5)
    assert "Wireless Headphones Deluxe" in {s.text for s in found}
    assert all(s.product_id in {d.product_id for d in docs} for s in found)
    assert await index.suggest("qqqzzz", 5) == []


async def test_an_unreachable_engine_is_search_unavailable(indexes: Indexes) -> None:
    dead_client = AsyncOpenSearch(hosts=["http://127.0.0.1:9"], timeout=2, max_retries=0)
    dead_database = create_async_engine("postgresql+asyncpg://postgres@127.0.0.1:9/none")
    try:
        index: Index = (
            OpenSearchIndex(dead_client, alias="nowhere")
            if indexes.kind == "opensearch"
            else PostgresIndex(dead_database, alias="nowhere")
        )
        with pytest.raises(SearchUnavailable) as raised:
            await index.search(SearchRequest.build("lamp"), None)
        assert raised.value.code == "SEARCH_UNAVAILABLE"
        doc = SearchDocument.from_facts(product(random.Random(1), taxonomy(random.Random(1)), 1))
        with pytest.raises(SearchUnavailable):
            await index.write([Versioned(doc.product_id, 1, doc)])
    finally:
        await dead_client.close()
        await dead_database.dispose()


async def test_merchandising_pins_excludes_boosts_and_buries(
    seeded: Seeded,
) -> None:
    index, docs, _ = seeded
    request = SearchRequest.build("lamp", first=50)
    plain = [h.product_id for h in (await index.search(request, None)).hits]
    assert len(plain) >= 4
    top, second, last = plain[0], plain[1], plain[-1]
    rule = uuid.uuid4()
    shape = Shaping(
        pinned=((last, rule),),
        excluded=frozenset({second}),
        buried={top: (9, rule)},
    )
    shaped = [h.product_id for h in (await index.search(request, None, shape)).hits]
    assert shaped[0] == last
    assert second not in shaped
    assert shaped.index(top) > 1
    assert len(shaped) == len(plain) - 1
    # A sort the shopper chose is theirs: no pin moves a product up a price order.
    by_price = SearchRequest.build("lamp", first=50, sort=SortOrder.PRICE_ASC)
    ordered = [h.product_id for h in (await index.search(by_price, None, shape)).hits]
    prices = {d.product_id: d.price_min for d in docs}
    assert [prices[p] for p in ordered] == sorted(prices[p] for p in ordered)
    assert second not in ordered
    boosted = Shaping(boosted={last: (100, rule)})
    assert (await index.search(request, None, boosted)).hits[0].product_id == last


async def test_every_answer_can_go_into_the_query_cache(seeded: Seeded) -> None:
    """The cache stores pages with orjson, which takes only plain types (not a driver's own)."""
    index, _, _ = seeded
    request = SearchRequest.build("lamp", first=5, facets=ALL_FACETS, highlight=True)
    page = await index.search(request, None)
    assert page.hits
    assert all(type(h.product_id) is uuid.UUID for h in page.hits)
    assert all(any("<mark>" in f for h in hit.highlights for f in h.fragments) for hit in page.hits)
    orjson.dumps(page)
    assert all(type(s.product_id) is uuid.UUID for s in await index.suggest("lam", 5))
