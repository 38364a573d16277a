"""Cart lines follow the catalogue: a price change re-prices them (flagged PRICE_CHANGED), a
deleted variant flags them VARIANT_UNAVAILABLE without losing them, and the use case drops the
cached cart itself, so the next read (from the cache a moment ago) shows it. The Kafka consumer
calling this use case is tested end to end."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from subgraphs.cart.service_layer.services import CartServices
from subgraphs.platform.kernel.ids import new_id
from subgraphs.platform.kernel.unit_of_work import AlreadyProcessed, Claim
from tests.conftest import Caller, GraphQLClient
from tests.graphql.cart_helpers import add, cart_of
from tests.graphql.catalog import CatalogBuilder, Taxonomy

UPDATE_PRICE = """mutation($p: ID!, $v: ID!, $price: Int!) {
  productVariantsBulkUpdate(productId: $p, variants: [{id: $v, price: $price}]) { userErrors { code } } }"""
DELETE_VARIANT = """mutation($v: ID!) { productVariantDelete(id: $v) { userErrors { code } } }"""


async def test_price_changes_and_deletions_reach_the_cart(
    cart_gql: GraphQLClient,
    gql: GraphQLClient,
    cart_services: CartServices,
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
    await cart_services.carts.follow_catalogue(_claim(), product_id=uuid.UUID(product["id"]))
    cart = await cart_of(cart_gql, buyer)
    line = cart["items"][0]
    assert (line["unitPrice"]["amount"], line["priceAtAdd"]["amount"]) == (1499, 1999)
    assert line["problems"] == ["PRICE_CHANGED"]
    assert cart["subtotal"]["amount"] == 2998

    deleted = await gql(DELETE_VARIANT, {"v": variant}, seller)
    assert deleted["data"]["productVariantDelete"]["userErrors"] == []
    deletion = _claim()
    await cart_services.carts.follow_catalogue(deletion, variant_id=uuid.UUID(variant))
    cart = await cart_of(cart_gql, buyer)
    assert [i["problems"] for i in cart["items"]] == [["VARIANT_UNAVAILABLE"]]  # flagged, not lost
    assert cart["hasProblems"] is True
    assert cart["subtotal"]["amount"] == 0
    # The same event delivered again is refused by its claim and changes nothing.
    with pytest.raises(AlreadyProcessed):
        await cart_services.carts.follow_catalogue(deletion, variant_id=uuid.UUID(variant))
    assert (await cart_of(cart_gql, buyer))["items"] == cart["items"]


def _claim() -> Claim:
    return Claim("test-cart-product-sync", new_id())
