"""Documents and helpers shared by the cart and wishlist tests."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.conftest import Caller, GraphQLClient

CART_FIELDS = """id version status currency itemsCount hasProblems
  subtotal { amount currency }
  sellers { sellerId subtotal { amount } itemsCount }
  items { id quantity sellerId unitPrice { amount currency } priceAtAdd { amount } lineTotal { amount }
          problems variant { id } product { id } }"""
CART = f"query($id: ID) {{ cart(id: $id) {{ {CART_FIELDS} }} }}"
PAYLOAD = f"""cart {{ {CART_FIELDS} }} items {{ id quantity }} cartToken replayed
  userErrors {{ field message code }}"""
ADD = f"""mutation($v: ID!, $q: Int!, $k: String, $ver: Int) {{
  addToCart(variantId: $v, quantity: $q, idempotencyKey: $k, expectedVersion: $ver) {{ {PAYLOAD} }} }}"""
BULK_ADD = f"""mutation($items: [CartItemAddInput!]!, $k: String) {{
  cartItemsBulkAdd(items: $items, idempotencyKey: $k) {{ {PAYLOAD} }} }}"""
UPDATE = f"""mutation($id: ID!, $q: Int!, $ver: Int) {{
  updateCartItem(id: $id, quantity: $q, expectedVersion: $ver) {{ {PAYLOAD} }} }}"""
REMOVE = (
    f"""mutation($id: ID!, $ver: Int) {{ removeCartItem(id: $id, expectedVersion: $ver) {{ {PAYLOAD} }} }}"""
)
MERGE = """mutation($t: String!) { mergeGuestCart(cartToken: $t) {
  cart { id items { quantity variant { id } } } mergedItemsCount
  adjustments { variantId requested kept reason } userErrors { field code } } }"""


async def add(
    gql: GraphQLClient,
    variant_id: str,
    quantity: int = 1,
    caller: Caller | None = None,
    headers: dict[str, str] | None = None,
    key: str | None = None,
    version: int | None = None,
) -> dict[str, Any]:
    body = await gql(ADD, {"v": variant_id, "q": quantity, "k": key, "ver": version}, caller, headers)
    assert "errors" not in body, body
    return dict(body["data"]["addToCart"])


async def cart_of(
    gql: GraphQLClient, caller: Caller | None = None, headers: dict[str, str] | None = None
) -> Any:
    body = await gql(CART, {}, caller, headers)
    assert "errors" not in body, body
    return body["data"]["cart"]


async def outbox_events(engine: AsyncEngine, event_type: str, marker: str) -> int:
    """Cart outbox rows of a type whose payload mentions `marker` (an owner or cart id)."""
    async with engine.connect() as conn:
        count = await conn.scalar(
            text(
                "SELECT count(*) FROM cart.outbox WHERE event_type = :t "
                "AND convert_from(payload, 'UTF8') LIKE :m"
            ),
            {"t": event_type, "m": f"%{marker}%"},
        )
    return int(count or 0)
