"""Facet counts through the router equal a brute-force count over the products subgraph's own
tables (the source of truth), for random filter combinations: the index, its feeding by events
and the disjunctive facet queries agree with PostgreSQL."""

from __future__ import annotations

import os
import random
import uuid
from collections import Counter
from typing import Any

import asyncpg

from subgraphs.search.domain.query import PRICE_BUCKETS
from tests.conftest import Caller, GraphQLClient
from tests.graphql.catalog import (
    CREATE_ATTRIBUTES,
    CREATE_BRANDS,
    CREATE_CATEGORIES,
    CatalogBuilder,
    Taxonomy,
    unique,
)
from tests.waiting import eventually

COLORS = ["Red", "Blue", "Green"]
SEARCH = """query($f: SearchFilter) { search(filter: $f, first: 50) { totalCount
  facets { categories { category { id } count } brands { brand { id } count } priceRanges { min max count }
           attributes { name values { value count } } } } }"""


async def _made(
    router: GraphQLClient, admin: Caller, query: str, key: str, field: str, rows: list[dict[str, Any]]
) -> list[str]:
    body = await router(query, {key: rows}, admin)
    return [x["id"] for x in body["data"][field][key]]


def _brute_force(
    rows: list[asyncpg.Record], chosen: dict[str, Any], parents: dict[Any, Any]
) -> dict[str, Counter[str]]:
    def keeps(r: asyncpg.Record, leave_out: str) -> bool:
        path = {str(r["category_id"]), str(parents[r["category_id"]])}  # a leaf and its root
        if chosen["categories"] and leave_out != "category" and not path & set(chosen["categories"]):
            return False
        if chosen["brands"] and leave_out != "brand" and str(r["brand_id"]) not in chosen["brands"]:
            return False
        if leave_out != "price":
            if chosen["low"] is not None and r["min_price"] < chosen["low"]:
                return False
            if chosen["high"] is not None and r["min_price"] > chosen["high"]:
                return False
        return not (chosen["colors"] and leave_out != "color" and r["color"] not in chosen["colors"])

    counts: dict[str, Counter[str]] = {k: Counter() for k in ("total", "category", "brand", "price", "color")}
    for r in rows:
        if keeps(r, ""):
            counts["total"]["all"] += 1
        if keeps(r, "category"):
            counts["category"][str(r["category_id"])] += 1
        if keeps(r, "brand"):
            counts["brand"][str(r["brand_id"])] += 1
        if keeps(r, "price"):
            for lo, hi in PRICE_BUCKETS:
                if (lo is None or r["min_price"] >= lo) and (hi is None or r["min_price"] < hi):
                    counts["price"][f"{lo}-{hi}"] += 1
        if keeps(r, "color"):
            counts["color"][r["color"]] += 1
    return counts


async def test_facet_counts_match_postgres_for_random_filters(
    router: GraphQLClient, make_caller: Any
) -> None:
    admin: Caller = make_caller("admin")
    seller: Caller = make_caller("seller")
    rng = random.Random()
    (root,) = await _made(
        router, admin, CREATE_CATEGORIES, "categories", "categoriesBulkCreate", [{"name": unique("Root")}]
    )
    leaves = await _made(
        router,
        admin,
        CREATE_CATEGORIES,
        "categories",
        "categoriesBulkCreate",
        [{"name": unique("Leaf"), "parentId": root} for _ in range(2)],
    )
    brands = await _made(
        router,
        admin,
        CREATE_BRANDS,
        "brands",
        "brandsBulkCreate",
        [{"name": unique("Brand")} for _ in range(3)],
    )
    color_name = unique("Color")
    (color,) = await _made(
        router, admin, CREATE_ATTRIBUTES, "attributes", "attributesBulkCreate", [{"name": color_name}]
    )
    builder = CatalogBuilder(router, admin)

    for n in range(16):
        tax = Taxonomy(root, rng.choice(leaves), rng.choice(brands), color)
        sku = unique("FACET")
        await builder.product(
            seller,
            tax,
            title=f"Facet product {n}",
            variants=[
                {
                    "sku": sku,
                    "price": rng.choice([500, 1500, 3000, 7000, 20000]),
                    "stock": [{"warehouse": "EU-1", "quantity": 3}],
                }
            ],
            attributes=[{"attributeId": color, "value": rng.choice(COLORS)}],
        )

    async def all_indexed() -> bool | None:
        body = await router(SEARCH, {"f": {"sellerIds": [str(seller.user_id)]}})
        return body["data"]["search"]["totalCount"] == 16 or None

    await eventually(all_indexed, within=60, every=0.5)

    conn = await asyncpg.connect(os.environ["DATABASE_URL"].replace("postgresql+asyncpg://", "postgresql://"))
    try:
        rows = await conn.fetch(
            "SELECT p.id, p.category_id, p.brand_id, p.min_price, v.value AS color FROM products.products p "
            "JOIN products.attribute_values v ON v.product_id = p.id AND v.attribute_id = $2 "
            "WHERE p.seller_id = $1 AND p.status = 'ACTIVE'",
            seller.user_id,
            uuid.UUID(color),
        )
        parents = {
            r["id"]: r["parent_id"]
            for r in await conn.fetch(
                "SELECT id, parent_id FROM products.categories WHERE id = ANY($1::uuid[])", [*leaves, root]
            )
        }
    finally:
        await conn.close()
    assert len(rows) == 16

    for _ in range(8):
        chosen = {
            "categories": rng.sample([root, *leaves], rng.randint(0, 1)),
            "brands": rng.sample(brands, rng.randint(0, 2)),
            "low": rng.choice([None, 1000]),
            "high": rng.choice([None, 10000]),
            "colors": rng.sample(COLORS, rng.randint(0, 2)),
        }
        f: dict[str, Any] = {"sellerIds": [str(seller.user_id)]}
        if chosen["categories"]:
            f["categoryIds"] = chosen["categories"]
        if chosen["brands"]:
            f["brandIds"] = chosen["brands"]
        if chosen["low"] is not None:
            f["priceMin"] = chosen["low"]
        if chosen["high"] is not None:
            f["priceMax"] = chosen["high"]
        if chosen["colors"]:
            f["attributes"] = [{"name": color_name, "values": chosen["colors"]}]
        body = await router(SEARCH, {"f": f})
        assert "errors" not in body, body
        result = body["data"]["search"]
        expected = _brute_force(rows, chosen, parents)
        facets = result["facets"]
        assert result["totalCount"] == expected["total"]["all"], chosen
        assert {c["category"]["id"]: c["count"] for c in facets["categories"] if c["count"]} == dict(
            expected["category"]
        ), chosen
        assert {b["brand"]["id"]: b["count"] for b in facets["brands"] if b["count"]} == dict(
            expected["brand"]
        ), chosen
        assert {f"{p['min']}-{p['max']}": p["count"] for p in facets["priceRanges"] if p["count"]} == dict(
            expected["price"]
        ), chosen
        colors: dict[str, Any] = next(
            (a for a in facets["attributes"] if a["name"] == color_name), {"values": []}
        )
        assert {v["value"]: v["count"] for v in colors["values"] if v["count"]} == dict(expected["color"]), (
            chosen
        )
