"""Seller and admin mutations: who may call them, userErrors for bad input, nothing half-written."""

from __future__ import annotations

import asyncio
from typing import Any

from tests.conftest import Caller, GraphQLClient
from tests.graphql.catalog import ADJUST, CREATE_CATEGORIES, CREATE_PRODUCT, CatalogBuilder, Taxonomy, unique

UPDATE = """
mutation($id: ID!, $input: ProductUpdateInput!) {
  productUpdate(id: $id, input: $input) { product { id title version status } userErrors { field message code } }
}"""
DELETE = "mutation($id: ID!) { productDelete(id: $id) { deletedId userErrors { field code } } }"
VARIANTS_CREATE = """
mutation($productId: ID!, $variants: [ProductVariantCreateInput!]!) {
  productVariantsBulkCreate(productId: $productId, variants: $variants) {
    product { priceRange { min { amount } max { amount } } variants { sku } }
    productVariants { sku }
    userErrors { field message code }
  }
}"""
VARIANTS_UPDATE = """
mutation($productId: ID!, $variants: [ProductVariantUpdateInput!]!) {
  productVariantsBulkUpdate(productId: $productId, variants: $variants) {
    product { priceRange { min { amount } } } productVariants { sku price { amount } } userErrors { field code }
  }
}"""
COUNT_SKUS = "query($sku: String) { variants(filter: {sku: $sku}) { nodes { id } } }"


async def test_a_seller_creates_a_product_with_variants_stock_images_and_attributes(
    gql: GraphQLClient, builder: CatalogBuilder, seller: Caller, taxonomy: Taxonomy
) -> None:
    product = await builder.product(seller, taxonomy)
    assert product["priceRange"] == {"min": {"amount": 1999, "currency": "USD"}, "max": {"amount": 2999}}
    body = await gql(
        "query($id: ID) { product(id: $id) { sellerId images { url } attributes { value } } }",
        {"id": product["id"]},
    )
    assert body["data"]["product"]["sellerId"] == str(seller.user_id)
    assert body["data"]["product"]["attributes"] == [{"value": "Red"}]


async def test_every_bad_field_is_reported_and_nothing_is_written(
    gql: GraphQLClient, seller: Caller, taxonomy: Taxonomy
) -> None:
    sku = unique("SKU")
    payload = {
        "title": "  ",
        "categoryId": taxonomy.leaf_id,
        "currency": "usd",
        "variants": [{"sku": sku, "price": -1}, {"sku": sku, "price": 10}],
    }
    body = await gql(CREATE_PRODUCT, {"input": payload}, seller)
    result = body["data"]["productCreate"]
    assert result["product"] is None
    codes = {(tuple(e["field"]), e["code"]) for e in result["userErrors"]}
    assert (("title",), "BAD_USER_INPUT") in codes
    assert (("currency",), "BAD_USER_INPUT") in codes
    assert (("variants", "0", "price"), "BAD_USER_INPUT") in codes
    assert (("variants", "1", "sku"), "DUPLICATE_SKU") in codes
    assert (await gql(COUNT_SKUS, {"sku": sku}, seller))["data"]["variants"]["nodes"] == []


async def test_a_sku_taken_by_another_seller_is_refused(
    gql: GraphQLClient, builder: CatalogBuilder, seller: Caller, make_caller: Any, taxonomy: Taxonomy
) -> None:
    product = await builder.product(seller, taxonomy)
    taken = product["variants"][0]["sku"]
    body = await gql(
        CREATE_PRODUCT,
        {
            "input": {
                "title": "Copycat",
                "categoryId": taxonomy.leaf_id,
                "currency": "USD",
                "variants": [{"sku": taken, "price": 1}],
            }
        },
        make_caller("seller"),
    )
    assert body["data"]["productCreate"]["userErrors"][0]["code"] == "DUPLICATE_SKU"


async def test_unknown_category_and_brand_are_user_errors(gql: GraphQLClient, seller: Caller) -> None:
    body = await gql(
        CREATE_PRODUCT,
        {
            "input": {
                "title": "x",
                "categoryId": "00000000-0000-7000-8000-000000000000",
                "brandId": "junk",
                "currency": "USD",
            }
        },
        seller,
    )
    fields = {e["field"][0]: e["code"] for e in body["data"]["productCreate"]["userErrors"]}
    assert fields["brandId"] == "NOT_FOUND"


async def test_anonymous_callers_and_buyers_cannot_write(
    gql: GraphQLClient, make_caller: Any, taxonomy: Taxonomy
) -> None:
    payload = {"input": {"title": "x", "categoryId": taxonomy.leaf_id, "currency": "USD"}}
    anonymous = await gql(CREATE_PRODUCT, payload)
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    buyer = await gql(CREATE_PRODUCT, payload, make_caller("buyer"))
    assert buyer["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    seller_makes_category = await gql(
        CREATE_CATEGORIES, {"categories": [{"name": unique("x")}]}, make_caller("seller")
    )
    assert seller_makes_category["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_another_sellers_product_cannot_be_changed_and_looks_missing(
    gql: GraphQLClient, builder: CatalogBuilder, seller: Caller, make_caller: Any, taxonomy: Taxonomy
) -> None:
    product = await builder.product(seller, taxonomy)
    intruder = make_caller("seller")
    update = await gql(UPDATE, {"id": product["id"], "input": {"title": "hijacked"}}, intruder)
    assert update["data"]["productUpdate"]["userErrors"][0]["code"] == "NOT_FOUND"
    delete = await gql(DELETE, {"id": product["id"]}, intruder)
    assert delete["data"]["productDelete"]["userErrors"][0]["code"] == "NOT_FOUND"
    adjust = await gql(
        ADJUST,
        {
            "input": {
                "variantId": product["variants"][0]["id"],
                "warehouse": "EU-1",
                "delta": -5,
                "reason": "SALE",
                "idempotencyKey": "x",
            }
        },
        intruder,
    )
    assert adjust["data"]["adjustInventory"]["userErrors"][0]["code"] == "NOT_FOUND"
    body = await gql("query($id: ID) { product(id: $id) { title } }", {"id": product["id"]})
    assert body["data"]["product"]["title"] == "Test sneakers"


async def test_an_admin_can_change_any_product(
    gql: GraphQLClient, builder: CatalogBuilder, seller: Caller, admin: Caller, taxonomy: Taxonomy
) -> None:
    product = await builder.product(seller, taxonomy)
    body = await gql(UPDATE, {"id": product["id"], "input": {"status": "ARCHIVED"}}, admin)
    assert body["data"]["productUpdate"]["product"]["status"] == "ARCHIVED"


async def test_updates_bump_the_version_and_stale_versions_conflict(
    gql: GraphQLClient, builder: CatalogBuilder, seller: Caller, taxonomy: Taxonomy
) -> None:
    product = await builder.product(seller, taxonomy)
    ok = await gql(UPDATE, {"id": product["id"], "input": {"title": "Renamed", "expectedVersion": 1}}, seller)
    assert ok["data"]["productUpdate"]["product"]["version"] == 2
    stale = await gql(
        UPDATE, {"id": product["id"], "input": {"title": "Again", "expectedVersion": 1}}, seller
    )
    assert stale["data"]["productUpdate"]["userErrors"][0]["code"] == "CONFLICT"


async def test_deleting_a_product_removes_it_and_frees_its_skus(
    gql: GraphQLClient, builder: CatalogBuilder, seller: Caller, taxonomy: Taxonomy
) -> None:
    product = await builder.product(seller, taxonomy)
    sku = product["variants"][0]["sku"]
    body = await gql(DELETE, {"id": product["id"]}, seller)
    assert body["data"]["productDelete"] == {"deletedId": product["id"], "userErrors": []}
    assert (await gql("query($id: ID) { product(id: $id) { id } }", {"id": product["id"]}))["data"][
        "product"
    ] is None
    again = await gql(
        CREATE_PRODUCT,
        {
            "input": {
                "title": "Reuse",
                "categoryId": taxonomy.leaf_id,
                "currency": "USD",
                "variants": [{"sku": sku, "price": 1}],
            }
        },
        seller,
    )
    assert again["data"]["productCreate"]["userErrors"] == []


async def test_bulk_variants_are_all_or_nothing_and_reprice_the_product(
    gql: GraphQLClient, builder: CatalogBuilder, seller: Caller, taxonomy: Taxonomy
) -> None:
    product = await builder.product(seller, taxonomy)
    sku = unique("BULK")
    bad = await gql(
        VARIANTS_CREATE,
        {
            "productId": product["id"],
            "variants": [{"sku": f"{sku}-1", "price": 10}, {"sku": f"{sku} bad", "price": 5}],
        },
        seller,
    )
    assert bad["data"]["productVariantsBulkCreate"]["userErrors"][0]["field"] == ["variants", "1", "sku"]
    assert (await gql(COUNT_SKUS, {"sku": f"{sku}-1"}, seller))["data"]["variants"]["nodes"] == []
    good = await gql(
        VARIANTS_CREATE,
        {
            "productId": product["id"],
            "variants": [{"sku": f"{sku}-1", "price": 10}, {"sku": f"{sku}-2", "price": 5000}],
        },
        seller,
    )
    result = good["data"]["productVariantsBulkCreate"]
    assert result["userErrors"] == []
    assert result["product"]["priceRange"] == {"min": {"amount": 10}, "max": {"amount": 5000}}
    variant_id = product["variants"][0]["id"]
    updated = await gql(
        VARIANTS_UPDATE, {"productId": product["id"], "variants": [{"id": variant_id, "price": 1}]}, seller
    )
    assert updated["data"]["productVariantsBulkUpdate"]["product"]["priceRange"]["min"]["amount"] == 1


async def test_inventory_adjustments_are_idempotent_and_never_negative(
    gql: GraphQLClient, builder: CatalogBuilder, seller: Caller, taxonomy: Taxonomy
) -> None:
    product = await builder.product(seller, taxonomy)
    variant_id = product["variants"][0]["id"]

    def adjust(delta: int, key: str) -> dict[str, Any]:
        return {
            "input": {
                "variantId": variant_id,
                "warehouse": "EU-1",
                "delta": delta,
                "reason": "SALE",
                "idempotencyKey": key,
            }
        }

    first = (await gql(ADJUST, adjust(-2, "order-1"), seller))["data"]["adjustInventory"]
    retry = (await gql(ADJUST, adjust(-2, "order-1"), seller))["data"]["adjustInventory"]
    assert first["inventoryItem"]["onHand"] == 3
    assert (retry["replayed"], retry["inventoryItem"]["onHand"]) == (True, 3)
    reused = (await gql(ADJUST, adjust(-1, "order-1"), seller))["data"]["adjustInventory"]
    assert reused["userErrors"][0]["code"] == "IDEMPOTENCY_KEY_REUSED"
    too_much = (await gql(ADJUST, adjust(-4, "order-2"), seller))["data"]["adjustInventory"]
    assert too_much["userErrors"][0]["code"] == "INSUFFICIENT_STOCK"
    bad_reason = await gql(ADJUST, {"input": {**adjust(1, "x")["input"], "reason": "GIFT"}}, seller)
    assert bad_reason["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_concurrent_adjustments_never_oversell(
    gql: GraphQLClient, builder: CatalogBuilder, seller: Caller, taxonomy: Taxonomy
) -> None:
    product = await builder.product(seller, taxonomy)
    variant_id = product["variants"][0]["id"]
    calls = [
        gql(
            ADJUST,
            {
                "input": {
                    "variantId": variant_id,
                    "warehouse": "EU-1",
                    "delta": -1,
                    "reason": "SALE",
                    "idempotencyKey": f"k{i}",
                }
            },
            seller,
        )
        for i in range(12)
    ]
    results = [r["data"]["adjustInventory"] for r in await asyncio.gather(*calls)]
    ok = [r for r in results if not r["userErrors"]]
    refused = [r for r in results if r["userErrors"]]
    assert len(ok) == 5
    assert {r["userErrors"][0]["code"] for r in refused} == {"INSUFFICIENT_STOCK"}
    stock = await gql("query($v: ID) { variant(id: $v) { stock { onHand } } }", {"v": variant_id})
    assert stock["data"]["variant"]["stock"]["onHand"] == 0


async def test_the_same_key_sent_concurrently_applies_once(
    gql: GraphQLClient, builder: CatalogBuilder, seller: Caller, taxonomy: Taxonomy
) -> None:
    product = await builder.product(seller, taxonomy)
    variant_id = product["variants"][0]["id"]
    doc = {
        "input": {
            "variantId": variant_id,
            "warehouse": "EU-1",
            "delta": 10,
            "reason": "RESTOCK",
            "idempotencyKey": "restock-1",
        }
    }
    results = [
        r["data"]["adjustInventory"]
        for r in await asyncio.gather(*(gql(ADJUST, doc, seller) for _ in range(8)))
    ]
    assert sum(1 for r in results if not r["replayed"]) == 1
    assert {r["inventoryItem"]["onHand"] for r in results} == {15}
