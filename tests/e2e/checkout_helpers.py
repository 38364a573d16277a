"""Shared steps of the checkout journeys: fill a cart, check it out, read stock, wait for the saga."""

from __future__ import annotations

from typing import Any

from redis.asyncio import Redis

from tests.conftest import Caller, GraphQLClient
from tests.graphql.catalog import unique
from tests.waiting import eventually

ADD = """mutation($v: ID!, $q: Int!) { addToCart(variantId: $v, quantity: $q) {
  cart { version } userErrors { field code } } }"""
CART = "{ cart { id version status items { id quantity unitPrice { amount } } } }"
CHECKOUT = """mutation($input: CheckoutInput!) { checkout(input: $input) {
  checkout { id status failureCode currency
    problems { itemId requested available declineCode }
    linesTotal { amount } shippingTotal { amount } grandTotal { amount }
    orders { id status sellerId buyerId checkoutId
      items { id sku quantity unitPrice { amount } lineTotal { amount } }
      linesTotal { amount } shippingTotal { amount } grandTotal { amount } } }
  userErrors { field code message } } }"""
STOCK = """query($v: ID!) { inventory(filter: {variantId: $v}) { nodes { warehouse onHand reserved available } } }"""
ADDRESS = {
    "name": "Ada Lovelace",
    "line1": "12 Analytical Street",
    "city": "London",
    "postalCode": "N1 9GU",
    "country": "GB",
    "phone": "+44 20 7946 0000",
}


async def fill_cart(router: GraphQLClient, buyer: Caller, lines: list[tuple[str, int]]) -> int:
    """Adds each (variant id, quantity); the cart's version after the last one."""
    version = 0
    for variant_id, quantity in lines:
        body = await router(ADD, {"v": variant_id, "q": quantity}, buyer)
        result = body["data"]["addToCart"]
        assert result["userErrors"] == [], result
        version = result["cart"]["version"]
    return version


async def check_out(
    router: GraphQLClient,
    buyer: Caller,
    version: int,
    *,
    key: str | None = None,
    payment_method: str = "pm_card_visa",
    address: dict[str, Any] | None = None,
    address_id: str | None = None,
) -> dict[str, Any]:
    shipping = {"addressId": address_id} if address_id else {"address": address or ADDRESS}
    body = await router(
        CHECKOUT,
        {
            "input": {
                "shippingAddress": shipping,
                "idempotencyKey": key or unique("checkout"),
                "expectedCartVersion": version,
                "paymentMethod": payment_method,
            }
        },
        buyer,
    )
    assert "errors" not in body, body
    payload: dict[str, Any] = body["data"]["checkout"]
    return payload


async def stock(router: GraphQLClient, seller: Caller, variant_id: str) -> dict[str, int]:
    body = await router(STOCK, {"v": variant_id}, seller)
    nodes = body["data"]["inventory"]["nodes"]
    return {k: sum(n[k] for n in nodes) for k in ("onHand", "reserved", "available")}


async def stock_settles(
    router: GraphQLClient, seller: Caller, variant_id: str, expected: dict[str, int], within: float = 20
) -> dict[str, int]:
    """The variant's stock once the saga's stock events are applied (bounded wait)."""

    async def settled() -> dict[str, int] | None:
        found = await stock(router, seller, variant_id)
        return found if found == expected else None

    try:
        return await eventually(settled, within=within, every=0.2)
    except AssertionError:
        raise AssertionError(
            f"stock {await stock(router, seller, variant_id)} never became {expected}"
        ) from None


async def ledger(redis_url: str, checkout_id: str) -> dict[str, str]:
    """What the card processor holds for a checkout (its ledger lives in Valkey)."""
    redis = Redis.from_url(redis_url, decode_responses=True)
    try:
        auth = await redis.get(f"fakepay:ref:{checkout_id}")
        if auth is None:
            return {}
        found = await redis.hgetall(f"fakepay:auth:{auth!s}")
        return {str(k): str(v) for k, v in found.items()}
    finally:
        await redis.aclose()
