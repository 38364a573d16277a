"""What a checkout refuses, through the router: each a typed userError, and nothing written —
no checkout, no order, no stock held, no money moved."""

from __future__ import annotations

import asyncio
from typing import Any

from tests.conftest import Caller, GraphQLClient
from tests.e2e.checkout_helpers import ADDRESS, CART, check_out, fill_cart, stock
from tests.graphql.catalog import CatalogBuilder, unique
from tests.waiting import eventually

ADD_ADDRESS = """mutation($input: AddressBookInput!) { addressAdd(input: $input) {
  address { id isDefault name } userErrors { field code } } }"""
PRICE = """mutation($p: ID!, $v: ID!, $price: Int!) {
  productVariantsBulkUpdate(productId: $p, variants: [{id: $v, price: $price}]) { userErrors { code } } }"""
MY_ORDERS = "{ orders { nodes { id } } }"


def codes(payload: dict[str, Any]) -> list[str]:
    return [e["code"] for e in payload["userErrors"]]


async def a_product(
    router: GraphQLClient, make_caller: Any, **overrides: Any
) -> tuple[Caller, dict[str, Any]]:
    admin: Caller = make_caller("admin")
    seller: Caller = make_caller("seller")
    builder = CatalogBuilder(router, admin)
    return seller, await builder.product(seller, await builder.taxonomy(), **overrides)


async def test_an_empty_cart_a_stale_version_and_a_bad_address_are_refused(
    router: GraphQLClient, make_caller: Any
) -> None:
    buyer: Caller = make_caller("buyer")
    assert codes(await check_out(router, buyer, 1)) == ["CART_EMPTY"]
    seller, product = await a_product(router, make_caller)
    variant = product["variants"][0]
    version = await fill_cart(router, buyer, [(variant["id"], 1)])

    stale = await check_out(router, buyer, version - 1)
    assert codes(stale) == ["STALE_CART_VERSION"]
    assert stale["checkout"] is None
    bad = await check_out(router, buyer, version, address={**ADDRESS, "country": "Britain", "city": "  "})
    assert sorted(e["field"][-1] for e in bad["userErrors"]) == ["city", "country"]
    assert set(codes(bad)) == {"INVALID_ADDRESS"}
    both = await router(
        "mutation($i: CheckoutInput!) { checkout(input: $i) { userErrors { field code } } }",
        {"i": {"shippingAddress": {}, "idempotencyKey": unique("k"), "expectedCartVersion": version}},
        buyer,
    )
    assert codes(both["data"]["checkout"]) == ["BAD_USER_INPUT"]
    assert (await router(MY_ORDERS, caller=buyer))["data"]["orders"]["nodes"] == []
    assert await stock(router, seller, variant["id"]) == {"onHand": 5, "reserved": 0, "available": 5}


async def test_a_saved_address_is_used_and_someone_elses_is_not_found(
    router: GraphQLClient, make_caller: Any
) -> None:
    buyer: Caller = make_caller("buyer")
    other: Caller = make_caller("buyer")
    fields = {k: v for k, v in ADDRESS.items()}
    theirs = (await router(ADD_ADDRESS, {"input": fields}, other))["data"]["addressAdd"]["address"]
    mine = (await router(ADD_ADDRESS, {"input": {**fields, "label": "Home"}}, buyer))["data"]["addressAdd"]
    assert mine["userErrors"] == []
    assert mine["address"]["isDefault"]  # the first address saved is the default
    _, product = await a_product(router, make_caller)
    version = await fill_cart(router, buyer, [(product["variants"][0]["id"], 1)])

    refused = await check_out(router, buyer, version, address_id=theirs["id"])
    assert codes(refused) == ["ADDRESS_NOT_FOUND"]
    assert [e["field"] for e in refused["userErrors"]] == [["shippingAddress", "addressId"]]
    placed = await check_out(router, buyer, version, address_id=mine["address"]["id"])
    assert placed["checkout"]["status"] == "COMPLETED", placed


async def test_a_retry_with_the_same_key_returns_the_same_checkout_and_another_body_is_refused(
    router: GraphQLClient, make_caller: Any
) -> None:
    seller, product = await a_product(router, make_caller)
    variant = product["variants"][0]
    buyer: Caller = make_caller("buyer")
    version = await fill_cart(router, buyer, [(variant["id"], 2)])
    key = unique("retry")
    first = await check_out(router, buyer, version, key=key)
    again = await check_out(router, buyer, version, key=key)
    assert again["checkout"]["id"] == first["checkout"]["id"]
    assert again["checkout"]["status"] == "COMPLETED"
    other_body = await check_out(router, buyer, version, key=key, payment_method="pm_card_mastercard")
    assert codes(other_body) == ["IDEMPOTENCY_KEY_REUSED"]
    assert len((await router(MY_ORDERS, caller=buyer))["data"]["orders"]["nodes"]) == 1

    # Stock taken once: 5 → 3.
    async def sold_once() -> dict[str, int] | None:
        found = await stock(router, seller, variant["id"])
        return found if found["reserved"] == 0 else None

    assert (await eventually(sold_once, within=20, every=0.2))["onHand"] == 3


async def test_more_than_the_stock_and_a_moved_price_are_reported_not_charged(
    router: GraphQLClient, make_caller: Any
) -> None:
    seller, product = await a_product(router, make_caller)
    variant = product["variants"][0]  # 5 in stock at 19.99
    buyer: Caller = make_caller("buyer")
    version = await fill_cart(router, buyer, [(variant["id"], 5)])
    changed = await router(PRICE, {"p": product["id"], "v": variant["id"], "price": 2499}, seller)
    assert changed["data"]["productVariantsBulkUpdate"]["userErrors"] == []

    # Before the cart follows the new price: PRICE_CHANGED; after: the cart moved on a version.
    refused = await check_out(router, buyer, version)
    assert codes(refused)[0] in {"PRICE_CHANGED", "STALE_CART_VERSION"}, refused
    if codes(refused)[0] == "PRICE_CHANGED":
        [problem] = refused["userErrors"]
        assert problem["field"] == ["cart", "items", "0"]

    async def repriced() -> dict[str, Any] | None:
        cart = (await router(CART, caller=buyer))["data"]["cart"]
        return cart if cart["items"][0]["unitPrice"]["amount"] == 2499 else None

    cart = await eventually(repriced, within=20, every=0.2)
    assert cart["version"] > version
    assert codes(await check_out(router, buyer, version)) == ["STALE_CART_VERSION"]

    # Someone else buys 3 of the 5: the cart's 5 are now more than the stock.
    rival: Caller = make_caller("buyer")
    rival_version = await fill_cart(router, rival, [(variant["id"], 3)])
    assert (await check_out(router, rival, rival_version))["checkout"]["status"] == "COMPLETED"
    short = await check_out(router, buyer, cart["version"])
    if short["checkout"] is not None:  # the cart's stock copy was stale: the reservation refused it
        assert short["checkout"]["failureCode"] == "OUT_OF_STOCK"
        assert short["checkout"]["problems"][0]["requested"] == 5
    else:
        assert "OUT_OF_STOCK" in codes(short)
    assert (await router(MY_ORDERS, caller=buyer))["data"]["orders"]["nodes"] == []


async def test_another_buyers_idempotency_key_is_just_a_new_key(
    router: GraphQLClient, make_caller: Any
) -> None:
    """Keys belong to their buyer: someone else's key neither replays nor reveals their checkout."""
    _, product = await a_product(router, make_caller)
    variant = product["variants"][0]
    first: Caller = make_caller("buyer")
    second: Caller = make_caller("buyer")
    key = unique("shared")
    theirs = await check_out(router, first, await fill_cart(router, first, [(variant["id"], 1)]), key=key)
    mine = await check_out(router, second, await fill_cart(router, second, [(variant["id"], 1)]), key=key)
    assert theirs["checkout"]["status"] == mine["checkout"]["status"] == "COMPLETED"
    assert mine["checkout"]["id"] != theirs["checkout"]["id"]


async def test_a_double_click_with_two_keys_buys_the_cart_once(
    router: GraphQLClient, make_caller: Any
) -> None:
    _, product = await a_product(router, make_caller)
    variant = product["variants"][0]
    buyer: Caller = make_caller("buyer")
    version = await fill_cart(router, buyer, [(variant["id"], 1)])
    first, second = await asyncio.gather(check_out(router, buyer, version), check_out(router, buyer, version))
    placed = [p for p in (first, second) if p["checkout"] is not None]
    refused = [p for p in (first, second) if p["checkout"] is None]
    assert len(placed) == 1, (first, second)
    assert codes(refused[0]) == ["CHECKOUT_IN_PROGRESS"]
    assert refused[0]["userErrors"][0]["field"] == ["expectedCartVersion"]
    assert placed[0]["checkout"]["status"] == "COMPLETED"
    assert len((await router(MY_ORDERS, caller=buyer))["data"]["orders"]["nodes"]) == 1
