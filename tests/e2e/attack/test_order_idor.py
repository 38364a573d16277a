"""Every order object type, asked by id through the router and by reference (`_entities`) straight
at the orders subgraph, by everyone who is not entitled to it: zero leaks, field by field.

The cast: the buyer who placed it, another buyer, the seller of one of its orders, another
seller, a support agent without a grant, and anonymous callers.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from deploy.local.supergraph import Running
from subgraphs.platform.kernel.ids import new_id
from tests.conftest import Caller, GraphQLClient
from tests.e2e.checkout_helpers import check_out, fill_cart
from tests.graphql.catalog import CatalogBuilder

ADDRESS_FIELDS = "name line1 line2 city region postalCode country phone"
ITEM_FIELDS = "id orderId sellerId sku title quantity unitPrice { amount } lineTotal { amount } createdAt"
ORDER_FIELDS = f"""id status sellerId buyerId checkoutId currency items {{ {ITEM_FIELDS} }} itemsCount
  linesTotal {{ amount }} shippingTotal {{ amount }} grandTotal {{ amount }}
  shippingAddress {{ {ADDRESS_FIELDS} }} version createdAt updatedAt history {{ toStatus actor at }}"""
CHECKOUT_FIELDS = f"""id status failureCode currency linesTotal {{ amount }} shippingTotal {{ amount }}
  grandTotal {{ amount }} shippingAddress {{ {ADDRESS_FIELDS} }} orders {{ {ORDER_FIELDS} }}"""
BY_ID = {
    "Checkout": f"query($id: ID!) {{ found: checkout(id: $id) {{ {CHECKOUT_FIELDS} }} }}",
    "Order": f"query($id: ID!) {{ found: order(id: $id) {{ {ORDER_FIELDS} }} }}",
    "OrderItem": f"query($id: ID!) {{ found: orderItem(id: $id) {{ {ITEM_FIELDS} }} }}",
}
FIELDS = {"Checkout": CHECKOUT_FIELDS, "Order": ORDER_FIELDS, "OrderItem": ITEM_FIELDS}


@pytest.fixture(scope="module")
async def placed(router: GraphQLClient, signer: Any) -> dict[str, Any]:
    """One checkout of two sellers' items, and everyone who tries to read it."""

    def caller(*roles: str) -> Caller:
        user_id = new_id()
        return Caller(user_id, signer.token(user_id, roles=list(roles)))

    admin, seller, other_seller = caller("admin"), caller("seller"), caller("seller")
    builder = CatalogBuilder(router, admin)
    tax = await builder.taxonomy()
    mine = (await builder.product(seller, tax))["variants"][0]
    theirs = (await builder.product(other_seller, tax))["variants"][0]
    buyer = caller("buyer")
    version = await fill_cart(router, buyer, [(mine["id"], 1), (theirs["id"], 1)])
    checkout = (await check_out(router, buyer, version))["checkout"]
    assert checkout["status"] == "COMPLETED", checkout
    by_seller = {o["sellerId"]: o for o in checkout["orders"]}
    order = by_seller[str(seller.user_id)]
    return {
        "ids": {"Checkout": checkout["id"], "Order": order["id"], "OrderItem": order["items"][0]["id"]},
        "buyer": buyer,
        "seller": seller,
        "other_seller": other_seller,
        "strangers": {
            "another buyer": caller("buyer"),
            "another seller (of the same checkout)": other_seller,
            "an unrelated seller": caller("seller"),
            "a support agent without a grant": caller("support"),
        },
    }


async def _entity(orders_http: httpx.AsyncClient, typename: str, id: str, caller: Caller | None) -> Any:
    query = f"query($r: [_Any!]!) {{ _entities(representations: $r) {{ ... on {typename} {{ {FIELDS[typename]} }} }} }}"
    response = await orders_http.post(
        "/graphql",
        json={"query": query, "variables": {"r": [{"__typename": typename, "id": id}]}},
        headers=caller.headers if caller else {},
    )
    return response.json()


@pytest.fixture(scope="module")
async def orders_http(supergraph: Running) -> Any:
    async with httpx.AsyncClient(
        base_url=supergraph.urls["orders"].removesuffix("/graphql"), timeout=30
    ) as client:
        yield client


@pytest.mark.parametrize("typename", ["Checkout", "Order", "OrderItem"])
async def test_no_stranger_reads_an_order_object_by_id_or_by_reference(
    router: GraphQLClient, orders_http: httpx.AsyncClient, placed: dict[str, Any], typename: str
) -> None:
    object_id = placed["ids"][typename]
    for who, stranger in placed["strangers"].items():
        body = await router(BY_ID[typename], {"id": object_id}, stranger)
        assert body["data"]["found"] is None, (who, body)
        direct = await _entity(orders_http, typename, object_id, stranger)
        assert direct["data"]["_entities"] == [None], (who, direct)
    anonymous = await router(BY_ID[typename], {"id": object_id})
    assert anonymous["data"] is None or anonymous["data"]["found"] is None
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    direct = await _entity(orders_http, typename, object_id, None)
    assert direct["data"]["_entities"] == [None], direct
    # The owner reads it both ways (the suite would pass vacuously otherwise).
    owned = await router(BY_ID[typename], {"id": object_id}, placed["buyer"])
    assert owned["data"]["found"]["id"] == object_id
    assert (await _entity(orders_http, typename, object_id, placed["buyer"]))["data"]["_entities"][0][
        "id"
    ] == object_id


async def test_the_seller_reads_their_order_without_the_buyers_private_fields(
    router: GraphQLClient, orders_http: httpx.AsyncClient, placed: dict[str, Any]
) -> None:
    seller = placed["seller"]
    for order in (
        (await router(BY_ID["Order"], {"id": placed["ids"]["Order"]}, seller))["data"]["found"],
        (await _entity(orders_http, "Order", placed["ids"]["Order"], seller))["data"]["_entities"][0],
    ):
        assert order["sellerId"] == str(seller.user_id)
        assert order["buyerId"] is None
        assert order["checkoutId"] is None
        assert order["shippingAddress"]["phone"] is None
        assert order["shippingAddress"]["name"]  # what a shipment needs is there
        assert {i["sellerId"] for i in order["items"]} == {str(seller.user_id)}
    item = (await router(BY_ID["OrderItem"], {"id": placed["ids"]["OrderItem"]}, seller))["data"]["found"]
    assert item["id"] == placed["ids"]["OrderItem"]
    # The checkout holds the other seller's lines and totals: not the seller's to read.
    assert (await router(BY_ID["Checkout"], {"id": placed["ids"]["Checkout"]}, seller))["data"][
        "found"
    ] is None
