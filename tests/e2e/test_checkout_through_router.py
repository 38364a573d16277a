"""Checkout through Hive Gateway on the real subgraphs and Kafka: a cart with two sellers' items
becomes one checkout and one paid order per seller; the stock leaves on hand; the cart closes."""

from __future__ import annotations

from typing import Any

from tests.conftest import Caller, GraphQLClient
from tests.e2e.checkout_helpers import ADDRESS, CART, check_out, fill_cart, stock, stock_settles
from tests.graphql.catalog import CatalogBuilder
from tests.waiting import eventually

ORDER = """query($id: ID!) { order(id: $id) { id status sellerId buyerId checkoutId
  items { sku quantity } grandTotal { amount }
  shippingAddress { name line1 city country phone }
  history { fromStatus toStatus actor } } }"""
CHECKOUT_BY_ID = "query($id: ID!) { checkout(id: $id) { id status ordersStatus orders { id sellerId } } }"


async def test_a_two_seller_cart_becomes_one_checkout_and_a_paid_order_per_seller(
    router: GraphQLClient, make_caller: Any
) -> None:
    admin: Caller = make_caller("admin")
    shoes: Caller = make_caller("seller")
    hats: Caller = make_caller("seller")
    builder = CatalogBuilder(router, admin)
    tax = await builder.taxonomy()
    shoe = (await builder.product(shoes, tax, title="Checkout shoe"))["variants"][0]  # 19.99, 5 in stock
    hat = (await builder.product(hats, tax, title="Checkout hat"))["variants"][0]
    buyer: Caller = make_caller("buyer")
    version = await fill_cart(router, buyer, [(shoe["id"], 2), (hat["id"], 1)])

    result = await check_out(router, buyer, version)
    assert result["userErrors"] == []
    checkout = result["checkout"]
    assert checkout["status"] == "COMPLETED", checkout
    assert checkout["linesTotal"]["amount"] == 3 * 1999
    assert checkout["shippingTotal"]["amount"] == 2 * 500  # each seller's default rate
    assert checkout["grandTotal"]["amount"] == 3 * 1999 + 1000
    by_seller = {o["sellerId"]: o for o in checkout["orders"]}
    assert set(by_seller) == {str(shoes.user_id), str(hats.user_id)}
    shoe_order = by_seller[str(shoes.user_id)]
    assert shoe_order["status"] == "PAID"
    assert [(i["sku"], i["quantity"]) for i in shoe_order["items"]] == [(shoe["sku"], 2)]
    assert shoe_order["grandTotal"]["amount"] == 2 * 1999 + 500
    assert sum(o["grandTotal"]["amount"] for o in checkout["orders"]) == checkout["grandTotal"]["amount"]

    # Products turned the reservation into a sale: on hand 5 → 3, nothing left reserved.
    await stock_settles(router, shoes, shoe["id"], {"onHand": 3, "reserved": 0, "available": 3})
    # The cart that was bought is closed: the buyer's next cart is a new, empty one.

    async def new_cart() -> dict[str, Any] | None:
        cart = (await router(CART, caller=buyer))["data"]["cart"]
        return cart if cart["items"] == [] else None

    await eventually(new_cart, within=20, every=0.2)

    # The seller sees their order, their lines, and only what a shipment needs of the buyer.
    seen = (await router(ORDER, {"id": shoe_order["id"]}, shoes))["data"]["order"]
    assert seen["buyerId"] is None
    assert seen["checkoutId"] is None
    assert seen["shippingAddress"]["name"] == ADDRESS["name"]
    assert seen["shippingAddress"]["phone"] is None
    assert [h["toStatus"] for h in seen["history"]] == ["PENDING", "PAID"]
    # …but not the other seller's order, nor the checkout (which holds the other lines).
    other = by_seller[str(hats.user_id)]
    assert (await router(ORDER, {"id": other["id"]}, shoes))["data"]["order"] is None
    assert (await router(CHECKOUT_BY_ID, {"id": checkout["id"]}, shoes))["data"]["checkout"] is None
    # The buyer sees everything of theirs; another buyer nothing.
    mine = (await router(ORDER, {"id": shoe_order["id"]}, buyer))["data"]["order"]
    assert mine["buyerId"] == str(buyer.user_id)
    assert mine["shippingAddress"]["phone"] == ADDRESS["phone"]
    stranger: Caller = make_caller("buyer")
    assert (await router(ORDER, {"id": shoe_order["id"]}, stranger))["data"]["order"] is None
    assert (await router(CHECKOUT_BY_ID, {"id": checkout["id"]}, stranger))["data"]["checkout"] is None
    group = (await router(CHECKOUT_BY_ID, {"id": checkout["id"]}, buyer))["data"]["checkout"]
    assert {o["id"] for o in group["orders"]} == set(o["id"] for o in checkout["orders"])
    assert group["ordersStatus"] == "PAID"  # derived: as far as its slowest order


async def test_a_declined_card_fails_the_checkout_and_frees_the_stock(
    router: GraphQLClient, make_caller: Any
) -> None:
    admin: Caller = make_caller("admin")
    seller: Caller = make_caller("seller")
    builder = CatalogBuilder(router, admin)
    variant = (await builder.product(seller, await builder.taxonomy()))["variants"][0]
    buyer: Caller = make_caller("buyer")
    version = await fill_cart(router, buyer, [(variant["id"], 1)])

    result = await check_out(router, buyer, version, payment_method="pm_card_declined")
    checkout = result["checkout"]
    assert checkout["status"] == "FAILED"
    assert checkout["failureCode"] == "PAYMENT_DECLINED"
    assert checkout["problems"][0]["declineCode"] == "card_declined"
    assert all(o["status"] == "CANCELLED" for o in checkout["orders"])
    await stock_settles(router, seller, variant["id"], {"onHand": 5, "reserved": 0, "available": 5})
    # The cart stays as it was: the buyer can pay another way.
    cart = (await router(CART, caller=buyer))["data"]["cart"]
    assert [i["quantity"] for i in cart["items"]] == [1]
    assert (await stock(router, seller, variant["id"]))["onHand"] == 5
