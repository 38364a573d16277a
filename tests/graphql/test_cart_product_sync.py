"""Cart lines follow the catalogue: a price change re-prices them (flagged PRICE_CHANGED), a
deleted variant flags them VARIANT_UNAVAILABLE without losing them, and the cached cart is
dropped so the next read shows it. (The Kafka consumer calling this is tested end to end.)"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from subgraphs.cart.adapters.product_sync import refresh_lines
from subgraphs.cart.entrypoints.workers import CATALOG
from subgraphs.cart.graphql.wiring import CART_CACHE
from tests.conftest import Caller, GraphQLClient
from tests.graphql.cart_helpers import add, cart_of
from tests.graphql.catalog import CatalogBuilder, Taxonomy

UPDATE_PRICE = """mutation($p: ID!, $v: ID!, $price: Int!) {
  productVariantsBulkUpdate(productId: $p, variants: [{id: $v, price: $price}]) { userErrors { code } } }"""
DELETE_VARIANT = """mutation($v: ID!) { productVariantDelete(id: $v) { userErrors { code } } }"""


async def test_price_changes_and_deletions_reach_the_cart(
    cart_gql: GraphQLClient,
    gql: GraphQLClient,
    cart_services: dict[str, Any],
    cart_engine: AsyncEngine,
    builder: CatalogBuilder,
    seller: Caller,
    taxonomy: Taxonomy,
    make_caller: Any,
) -> None:
    product = await builder.product(seller, taxonomy)
    variant = product["variants"][0]["id"]
    buyer: Caller = make_caller("buyer")
    await add(cart_gql, variant, 2, buyer)
    assert (await cart_of(cart_gql, buyer))["subtotal"]["amount"] == 3998  # cached now

    changed = await gql(UPDATE_PRICE, {"p": product["id"], "v": variant, "price": 1499}, seller)
    assert changed["data"]["productVariantsBulkUpdate"]["userErrors"] == []
    owners = await _refresh(cart_services, cart_engine, product_id=uuid.UUID(product["id"]))
    assert owners == {buyer.user_id}
    cart = await cart_of(cart_gql, buyer)
    line = cart["items"][0]
    assert (line["unitPrice"]["amount"], line["priceAtAdd"]["amount"]) == (1499, 1999)
    assert line["problems"] == ["PRICE_CHANGED"]
    assert cart["subtotal"]["amount"] == 2998

    deleted = await gql(DELETE_VARIANT, {"v": variant}, seller)
    assert deleted["data"]["productVariantDelete"]["userErrors"] == []
    await _refresh(cart_services, cart_engine, variant_id=uuid.UUID(variant))
    cart = await cart_of(cart_gql, buyer)
    assert [i["problems"] for i in cart["items"]] == [["VARIANT_UNAVAILABLE"]]  # flagged, not lost
    assert cart["hasProblems"] is True
    assert cart["subtotal"]["amount"] == 0
    # Replaying the same event changes nothing (the consumer is idempotent by construction too).
    assert await _refresh(cart_services, cart_engine, variant_id=uuid.UUID(variant)) == set()


async def _refresh(services: dict[str, Any], engine: AsyncEngine, **target: uuid.UUID) -> set[uuid.UUID]:
    async with engine.begin() as conn:
        owners = await refresh_lines(conn, services[CATALOG], **target)
    await services[CART_CACHE].drop(owners)
    return owners
