"""A shopper's cart through Hive Gateway: the cart subgraph stores ids, the products subgraph
fills in titles, prices and live stock; a guest cart merges at sign-in; a price change
published on Kafka reaches the cart."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx

from subgraphs.platform.kernel.ids import new_id
from tests.conftest import Caller, GraphQLClient
from tests.graphql.catalog import CatalogBuilder
from tests.graphql.test_identity import LOGIN, PASSWORD, REGISTER

CART = """{ cart { id version itemsCount subtotal { amount currency }
  sellers { sellerId subtotal { amount } }
  items { quantity problems unitPrice { amount } priceAtAdd { amount }
          variant { sku title price { amount currency } stock { available } }
          product { title slug images { url } } } } }"""
ADD = """mutation($v: ID!, $q: Int!) { addToCart(variantId: $v, quantity: $q) {
  cartToken cart { itemsCount } userErrors { field code } } }"""
PRICE = """mutation($p: ID!, $v: ID!, $price: Int!) {
  productVariantsBulkUpdate(productId: $p, variants: [{id: $v, price: $price}]) { userErrors { code } } }"""


async def test_a_guest_cart_becomes_the_buyers_with_product_data_from_the_catalogue(
    router: GraphQLClient, router_http: httpx.AsyncClient, make_caller: Any
) -> None:
    admin: Caller = make_caller("admin")
    seller: Caller = make_caller("seller")
    builder = CatalogBuilder(router, admin)
    product = await builder.product(seller, await builder.taxonomy(), title="Router cart shoe")
    variant = product["variants"][0]

    guest = await router_http.post("/graphql", json={"query": ADD, "variables": {"v": variant["id"], "q": 2}})
    token = guest.json()["data"]["addToCart"]["cartToken"]
    assert "cart_token=" in guest.headers.get("set-cookie", "")  # Set-Cookie passes through the router

    buyer: Caller = make_caller("buyer")
    body = await router(CART, headers={"x-cart-token": token}, caller=buyer)
    assert "errors" not in body, body
    cart = body["data"]["cart"]
    assert cart["itemsCount"] == 2
    assert cart["subtotal"] == {"amount": 3998, "currency": "USD"}
    assert cart["sellers"] == [{"sellerId": str(seller.user_id), "subtotal": {"amount": 3998}}]
    [item] = cart["items"]
    assert item["variant"]["sku"] == variant["sku"]
    assert item["variant"]["price"] == {"amount": 1999, "currency": "USD"}
    assert item["variant"]["stock"] == {"available": 5}
    assert item["product"]["title"] == "Router cart shoe"
    assert item["product"]["images"]

    # The seller lowers the price: products publishes, the cart's consumer re-prices the line.
    changed = await router(PRICE, {"p": product["id"], "v": variant["id"], "price": 1499}, seller)
    assert changed["data"]["productVariantsBulkUpdate"]["userErrors"] == []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = (await router(CART, caller=buyer))["data"]["cart"]["items"][0]
        if line["unitPrice"]["amount"] == 1499:
            break
        await asyncio.sleep(0.5)
    assert line["unitPrice"] == {"amount": 1499}
    assert line["priceAtAdd"] == {"amount": 1999}
    assert line["problems"] == ["PRICE_CHANGED"]
    assert line["variant"]["price"]["amount"] == 1499


async def test_another_buyers_cart_id_resolves_to_nothing_through_the_router(
    router: GraphQLClient, make_caller: Any
) -> None:
    owner: Caller = make_caller("buyer")
    cart_id = (await router(CART, caller=owner))["data"]["cart"]["id"]
    attacker: Caller = make_caller("buyer")
    body = await router(
        "query($id: ID) { cart(id: $id) { id items { quantity } } }", {"id": cart_id}, attacker
    )
    assert body["data"]["cart"] is None


async def test_signing_in_with_a_guest_cart_cookie_merges_it_without_another_call(
    router: GraphQLClient, router_http: httpx.AsyncClient, make_caller: Any
) -> None:
    """The login request carries the `cart_token` cookie; accounts reports the sign-in with the
    token's hash and the cart subgraph merges from that event — no cart call needed."""
    admin: Caller = make_caller("admin")
    seller: Caller = make_caller("seller")
    builder = CatalogBuilder(router, admin)
    variant = (await builder.product(seller, await builder.taxonomy()))["variants"][0]["id"]
    guest = await router_http.post("/graphql", json={"query": ADD, "variables": {"v": variant, "q": 3}})
    token = guest.json()["data"]["addToCart"]["cartToken"]

    email = f"merge-{new_id().hex[-10:]}@example.com"
    register = {"input": {"email": email, "password": PASSWORD, "displayName": "Merger"}}
    await router_http.post("/graphql", json={"query": REGISTER, "variables": register})
    login = {"input": {"email": email, "password": PASSWORD, "device": {"id": "web"}}}
    signed_in = await router_http.post(
        "/graphql", json={"query": LOGIN, "variables": login}, headers={"cookie": f"cart_token={token}"}
    )
    bearer = {"authorization": f"Bearer {signed_in.json()['data']['login']['accessToken']}"}
    router_http.cookies.clear()  # the cart is asked without the guest token: only the event can merge

    deadline = time.monotonic() + 60
    items: list[dict[str, Any]] = []
    while time.monotonic() < deadline:
        body = (await router_http.post("/graphql", json={"query": CART}, headers=bearer)).json()
        items = body["data"]["cart"]["items"]
        if items:
            break
        await asyncio.sleep(0.5)
    assert [(i["quantity"], i["variant"]["sku"] is not None) for i in items] == [(3, True)]
