"""Seller orders after checkout, through the router: sellers accept and ship, buyers cancel (the
money comes back, the stock goes back on hand), illegal moves are refused; each reader lists
what they may see; the card processor's timeouts and duplicate callbacks never move money twice
nor keep money for a failed checkout."""

from __future__ import annotations

import os
from typing import Any

import pytest
from redis.asyncio import Redis

from tests.conftest import Caller, GraphQLClient
from tests.e2e.checkout_helpers import check_out, fill_cart, ledger, stock_settles
from tests.e2e.shipment_helpers import ship
from tests.graphql.catalog import CatalogBuilder
from tests.waiting import eventually

MOVE = """mutation($id: ID!, $s: OrderStatus!) { orderUpdateStatus(id: $id, status: $s) {
  order { id status version } userErrors { field code message } } }"""
CANCEL = """mutation($id: ID!) { orderCancel(id: $id, reason: "changed my mind") {
  order { id status } userErrors { field code } } }"""
ORDERS = """query($f: OrderFilter, $first: Int, $after: String) { orders(filter: $f, first: $first, after: $after) {
  nodes { id status sellerId buyerId items { sku } history { toStatus } } pageInfo { hasNextPage endCursor } } }"""
ITEMS = """query($f: OrderItemFilter) { orderItems(filter: $f) { nodes { id sku quantity orderId unitPrice { amount } } } }"""


async def cached_pages(buyer: Caller) -> int:
    redis = Redis.from_url(os.environ["REDIS_URL"])
    try:
        return len([k async for k in redis.scan_iter(f"orders:recent:{buyer.user_id}:*:*")])
    finally:
        await redis.aclose()


async def a_paid_order(
    router: GraphQLClient, make_caller: Any
) -> tuple[Caller, Caller, dict[str, Any], str, str]:
    admin: Caller = make_caller("admin")
    seller: Caller = make_caller("seller")
    builder = CatalogBuilder(router, admin)
    variant = (await builder.product(seller, await builder.taxonomy()))["variants"][0]
    buyer: Caller = make_caller("buyer")
    version = await fill_cart(router, buyer, [(variant["id"], 2)])
    checkout = (await check_out(router, buyer, version))["checkout"]
    assert checkout["status"] == "COMPLETED", checkout
    [order] = checkout["orders"]
    return seller, buyer, order, variant["id"], checkout["id"]


async def test_the_seller_accepts_and_ships_and_nobody_skips_a_step(
    router: GraphQLClient, make_caller: Any
) -> None:
    seller, buyer, order, _, _ = await a_paid_order(router, make_caller)
    refused = (await router(MOVE, {"id": order["id"], "s": "PROCESSING"}, buyer))["data"]["orderUpdateStatus"]
    assert [e["code"] for e in refused["userErrors"]] == ["ILLEGAL_TRANSITION"]  # buyers do not accept
    skipped = (await router(MOVE, {"id": order["id"], "s": "DELIVERED"}, seller))["data"]["orderUpdateStatus"]
    assert [e["code"] for e in skipped["userErrors"]] == ["ILLEGAL_TRANSITION"]
    other_seller: Caller = make_caller("seller")
    foreign = (await router(MOVE, {"id": order["id"], "s": "PROCESSING"}, other_seller))["data"][
        "orderUpdateStatus"
    ]
    assert [e["code"] for e in foreign["userErrors"]] == ["NOT_FOUND"]

    accepted = (await router(MOVE, {"id": order["id"], "s": "PROCESSING"}, seller))["data"][
        "orderUpdateStatus"
    ]
    assert accepted["userErrors"] == []
    assert accepted["order"]["status"] == "PROCESSING"
    # Shipped follows the parcels: a seller ships with shipmentCreate, not by saying so.
    claimed = (await router(MOVE, {"id": order["id"], "s": "SHIPPED"}, seller))["data"]["orderUpdateStatus"]
    assert [e["code"] for e in claimed["userErrors"]] == ["ILLEGAL_TRANSITION"]
    shipped = await ship(router, seller, order["id"])
    assert shipped["userErrors"] == []
    too_late = (await router(CANCEL, {"id": order["id"]}, buyer))["data"]["orderCancel"]
    assert [e["code"] for e in too_late["userErrors"]] == ["ILLEGAL_TRANSITION"]


async def test_a_buyer_cancelling_a_paid_order_gets_the_money_and_the_seller_the_stock_back(
    router: GraphQLClient, make_caller: Any
) -> None:
    seller, buyer, order, variant_id, checkout_id = await a_paid_order(router, make_caller)
    await stock_settles(router, seller, variant_id, {"onHand": 3, "reserved": 0, "available": 3})
    before = (await router(ORDERS, {"f": {}}, buyer))["data"]["orders"]["nodes"]
    assert [o["status"] for o in before] == ["PAID"]
    assert await cached_pages(buyer) == 1  # the buyer's recent orders are now cached
    cancelled = (await router(CANCEL, {"id": order["id"]}, buyer))["data"]["orderCancel"]
    assert cancelled["userErrors"] == []
    assert cancelled["order"]["status"] == "CANCELLED"
    after = (await router(ORDERS, {"f": {}}, buyer))["data"]["orders"]["nodes"]
    assert [o["status"] for o in after] == ["CANCELLED"]  # the cancel moved the cache on at once
    again = (await router(CANCEL, {"id": order["id"]}, buyer))["data"]["orderCancel"]
    assert [e["code"] for e in again["userErrors"]] == ["ILLEGAL_TRANSITION"]
    await stock_settles(router, seller, variant_id, {"onHand": 5, "reserved": 0, "available": 5})
    money = await ledger(os.environ["REDIS_URL"], checkout_id)
    assert money["state"] == "captured"
    assert int(money["refunded"]) == int(money["captured"]) == order["grandTotal"]["amount"]


async def test_each_reader_lists_only_what_they_may_see(router: GraphQLClient, make_caller: Any) -> None:
    seller, buyer, order, _, _ = await a_paid_order(router, make_caller)
    mine = (await router(ORDERS, {"f": {}}, buyer))["data"]["orders"]["nodes"]
    assert [o["id"] for o in mine] == [order["id"]]
    assert [h["toStatus"] for h in mine[0]["history"]] == ["PENDING", "PAID"]  # batched per page
    sales = (await router(ORDERS, {"f": {"scope": "SALES"}}, seller))["data"]["orders"]["nodes"]
    assert [(o["id"], o["buyerId"]) for o in sales] == [(order["id"], None)]
    assert (await router(ORDERS, {"f": {"scope": "SALES", "status": ["CANCELLED"]}}, seller))["data"][
        "orders"
    ]["nodes"] == []
    items = (await router(ITEMS, {"f": {"scope": "SALES"}}, seller))["data"]["orderItems"]["nodes"]
    assert [(i["orderId"], i["quantity"]) for i in items] == [(order["id"], 2)]
    assert (await router(ITEMS, {"f": {"scope": "SALES", "sku": "nope"}}, seller))["data"]["orderItems"][
        "nodes"
    ] == []

    stranger: Caller = make_caller("buyer")
    assert (await router(ORDERS, {"f": {}}, stranger))["data"]["orders"]["nodes"] == []
    refused = await router(ORDERS, {"f": {"scope": "SALES"}}, stranger)
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    refused = await router(ORDERS, {"f": {"scope": "ALL"}}, seller)
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    admin: Caller = make_caller("admin")
    everything = (await router(ORDERS, {"f": {"scope": "ALL", "buyerId": str(buyer.user_id)}}, admin))["data"]
    assert [o["id"] for o in everything["orders"]["nodes"]] == [order["id"]]
    anonymous = await router(ORDERS, {"f": {}})
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


@pytest.mark.parametrize("card", ["pm_card_timeout_once", "pm_card_duplicate_callbacks"])
async def test_a_timeout_retried_or_a_duplicate_callback_captures_once(
    router: GraphQLClient, make_caller: Any, card: str
) -> None:
    admin: Caller = make_caller("admin")
    seller: Caller = make_caller("seller")
    builder = CatalogBuilder(router, admin)
    variant = (await builder.product(seller, await builder.taxonomy()))["variants"][0]
    buyer: Caller = make_caller("buyer")
    version = await fill_cart(router, buyer, [(variant["id"], 1)])
    checkout = (await check_out(router, buyer, version, payment_method=card))["checkout"]
    assert checkout["status"] == "COMPLETED", checkout
    money = await ledger(os.environ["REDIS_URL"], checkout["id"])
    assert (money["state"], int(money["captured"]), int(money["refunded"])) == (
        "captured",
        checkout["grandTotal"]["amount"],
        0,
    )


async def test_a_payment_that_times_out_fails_the_checkout_and_its_late_success_is_voided(
    router: GraphQLClient, make_caller: Any
) -> None:
    admin: Caller = make_caller("admin")
    seller: Caller = make_caller("seller")
    builder = CatalogBuilder(router, admin)
    variant = (await builder.product(seller, await builder.taxonomy()))["variants"][0]
    buyer: Caller = make_caller("buyer")
    version = await fill_cart(router, buyer, [(variant["id"], 1)])
    checkout = (await check_out(router, buyer, version, payment_method="pm_card_timeout"))["checkout"]
    assert (checkout["status"], checkout["failureCode"]) == ("FAILED", "PAYMENT_TIMEOUT")
    assert all(o["status"] == "CANCELLED" for o in checkout["orders"])
    await stock_settles(router, seller, variant["id"], {"onHand": 5, "reserved": 0, "available": 5})

    # The processor did authorize; its late webhook arrives; nothing is captured, it is voided.
    async def voided() -> dict[str, str] | None:
        money = await ledger(os.environ["REDIS_URL"], checkout["id"])
        return money if money.get("state") == "voided" else None

    money = await eventually(voided, within=15, every=0.3)
    assert int(money["captured"]) == 0
