"""Search through Hive Gateway on the real services: products published by sellers reach the
OpenSearch index by their events, hits are Product entities, facets name categories and brands,
and every bad input is a coded error."""

from __future__ import annotations

import random
import string
from typing import Any

import pytest

from subgraphs.accounts.entrypoints.dev_signer import TestSigner
from subgraphs.platform.kernel.ids import new_id
from tests.conftest import Caller, GraphQLClient
from tests.graphql.catalog import ADJUST, CatalogBuilder, Taxonomy
from tests.waiting import eventually

SEARCH = """query($q: String, $f: SearchFilter, $after: String, $first: Int! = 10, $sort: SearchSort! = RELEVANCE) {
  search(query: $q, filter: $f, first: $first, after: $after, sort: $sort, highlight: true) {
    totalCount didYouMean
    pageInfo { hasNextPage endCursor }
    edges { cursor highlights { field fragments } node { id title status priceRange { min { amount } } } }
    facets {
      categories { category { id name } count selected }
      brands { brand { id name } count selected }
      priceRanges { min max count }
      attributes { name values { value count selected } }
    }
  }
}"""
IDS = """query($q: String, $f: SearchFilter) { search(query: $q, filter: $f, first: 50) { nodes { id } } }"""
SUGGEST = """query($p: String!) { searchSuggest(prefix: $p) { text product { id title } } }"""
UPDATE = """mutation($id: ID!, $input: ProductUpdateInput!) {
  productUpdate(id: $id, input: $input) { product { id version } userErrors { code } } }"""


def made_up_word(rng: random.Random) -> str:
    """A word no other test's product has (letters only, so typos of it are still words)."""
    return "".join(rng.choice(string.ascii_lowercase) for _ in range(10))


async def found_ids(router: GraphQLClient, query: str | None, f: dict[str, Any] | None = None) -> set[str]:
    body = await router(IDS, {"q": query, "f": f})
    assert "errors" not in body, body
    return {n["id"] for n in body["data"]["search"]["nodes"]}


async def until_found(
    router: GraphQLClient, query: str, expected: set[str], f: dict[str, Any] | None = None
) -> None:
    async def check() -> bool | None:
        return (await found_ids(router, query, f)) == expected or None

    await eventually(check, within=30, every=0.3)


@pytest.fixture(scope="module")
async def listed(
    router: GraphQLClient, signer: TestSigner
) -> tuple[str, Taxonomy, list[dict[str, Any]], Caller]:
    rng = random.Random()
    word = made_up_word(rng)
    admin_id, seller_id = new_id(), new_id()
    admin = Caller(admin_id, signer.token(admin_id, roles=["admin"]))
    seller = Caller(seller_id, signer.token(seller_id, roles=["seller"]))
    builder = CatalogBuilder(router, admin)
    tax = await builder.taxonomy()
    products = [
        await builder.product(seller, tax, title=f"{word.capitalize()} Sneakers"),
        await builder.product(seller, tax, title=f"{word.capitalize()} Lamp", attributes=[]),
        await builder.product(seller, tax, title=f"{word.capitalize()} Kettle", status="DRAFT"),
    ]
    await until_found(router, word, {products[0]["id"], products[1]["id"]})
    return word, tax, products, seller


async def test_published_products_are_found_with_any_product_field_through_the_router(
    router: GraphQLClient, listed: tuple[str, Taxonomy, list[dict[str, Any]], Caller]
) -> None:
    word, tax, products, _ = listed
    body = await router(SEARCH, {"q": f"{word} sneakers"})
    assert "errors" not in body, body
    result = body["data"]["search"]
    hit = result["edges"][0]
    assert hit["node"]["id"] == products[0]["id"]
    assert hit["node"]["title"] == f"{word.capitalize()} Sneakers"  # filled in by the products subgraph
    assert hit["node"]["priceRange"]["min"]["amount"] == 1999
    assert any("<mark>" in f for h in hit["highlights"] for f in h["fragments"])
    categories = {c["category"]["id"]: c for c in result["facets"]["categories"]}
    assert categories[tax.leaf_id]["count"] == 1
    assert categories[tax.leaf_id]["category"]["name"].startswith("Leaf")
    assert result["facets"]["brands"][0]["brand"]["id"] == tax.brand_id


async def test_a_typo_a_synonym_and_a_category_filter(
    router: GraphQLClient, listed: tuple[str, Taxonomy, list[dict[str, Any]], Caller]
) -> None:
    word, tax, products, _ = listed
    sneakers, lamp = products[0]["id"], products[1]["id"]
    assert await found_ids(router, word[:4] + word[5:]) == {sneakers, lamp}  # a letter missing
    assert await found_ids(router, f"{word} trainers") == {sneakers}  # sneakers, trainers
    # The product is in the leaf; filtering by its root includes descendants.
    assert await found_ids(router, word, {"categoryIds": [tax.root_id]}) == {sneakers, lamp}
    assert await found_ids(router, word, {"attributes": [{"name": "x", "values": ["y"]}]}) == set()


async def test_changes_follow_the_catalogue(
    router: GraphQLClient, listed: tuple[str, Taxonomy, list[dict[str, Any]], Caller]
) -> None:
    word, _, products, seller = listed
    sneakers, lamp, kettle = (p["id"] for p in products)
    # A draft published later appears.
    body = await router(UPDATE, {"id": kettle, "input": {"status": "ACTIVE"}}, seller)
    assert body["data"]["productUpdate"]["userErrors"] == []
    await until_found(router, word, {sneakers, lamp, kettle})
    # Sold out: the in-stock filter drops it (the second variant never had stock).
    variant = products[0]["variants"][0]["id"]
    adjusted = await router(
        ADJUST,
        {
            "input": {
                "variantId": variant,
                "warehouse": "EU-1",
                "delta": -5,
                "reason": "CORRECTION",
                "idempotencyKey": variant,
            }
        },
        seller,
    )
    assert adjusted["data"]["adjustInventory"]["userErrors"] == [], adjusted
    await until_found(router, word, {lamp, kettle}, {"inStock": True})
    # Unlisted again: gone from search.
    await router(UPDATE, {"id": kettle, "input": {"status": "DRAFT"}}, seller)
    await until_found(router, word, {sneakers, lamp})


async def test_suggestions_and_did_you_mean(
    router: GraphQLClient, listed: tuple[str, Taxonomy, list[dict[str, Any]], Caller]
) -> None:
    word = listed[0]
    body = await router(SUGGEST, {"p": word[:6]})
    titles = {s["product"]["title"] for s in body["data"]["searchSuggest"]}
    assert f"{word.capitalize()} Sneakers" in titles
    garbled = word[1] + word[0] + word[2:5] + word[6] + word[5] + word[7:]  # two swaps: beyond typo tolerance
    body = await router(SEARCH, {"q": garbled})
    result = body["data"]["search"]
    if result["totalCount"] == 0:
        assert result["didYouMean"] is not None


@pytest.mark.parametrize(
    ("variables", "code"),
    [
        ({"q": "   "}, "QUERY_EMPTY"),
        ({"q": "a" * 10_000}, "QUERY_TOO_LONG"),
        ({"q": "lamp", "after": "bm90LWEtY3Vyc29y"}, "INVALID_CURSOR"),
        ({"q": "lamp", "first": 500}, "PAGE_SIZE_EXCEEDED"),
        ({"q": "lamp", "f": {"brandIds": ["not-an-id"]}}, "BAD_USER_INPUT"),
        ({"q": "lamp", "f": {"priceMin": 500, "priceMax": 100}}, "INVALID_FILTER"),
        ({"q": "lamp", "f": {"priceMin": -1}}, "INVALID_FILTER"),
        ({"q": "lamp\u0000"}, "BAD_USER_INPUT"),
    ],
)
async def test_bad_input_is_a_coded_error(
    router: GraphQLClient, variables: dict[str, Any], code: str
) -> None:
    body = await router(SEARCH, variables)
    assert body.get("data") is None or body["data"].get("search") is None
    assert body["errors"][0]["extensions"]["code"] == code, body


async def test_a_cursor_pages_on_and_is_bound_to_its_search(
    router: GraphQLClient, listed: tuple[str, Taxonomy, list[dict[str, Any]], Caller]
) -> None:
    word, _, products, _ = listed
    first = (await router(SEARCH, {"q": word, "first": 1}))["data"]["search"]
    assert first["pageInfo"]["hasNextPage"] is True
    cursor = first["pageInfo"]["endCursor"]
    second = (await router(SEARCH, {"q": word, "first": 1, "after": cursor}))["data"]["search"]
    assert {first["edges"][0]["node"]["id"], second["edges"][0]["node"]["id"]} <= {p["id"] for p in products}
    assert first["edges"][0]["node"]["id"] != second["edges"][0]["node"]["id"]
    other = await router(SEARCH, {"q": "lamp", "first": 1, "after": cursor})
    assert other["errors"][0]["extensions"]["code"] == "INVALID_CURSOR"
