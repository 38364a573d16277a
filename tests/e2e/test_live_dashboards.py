"""Live dashboards through the router, over WebSocket (graphql-transport-ws) and SSE: a seller
sees their new orders and status changes as they happen, a buyer their order and parcel; no
event for one seller ever reaches another; a client that reconnects with its last cursor
misses nothing and gets nothing twice; a token that is revoked or expires ends the stream."""

from __future__ import annotations

import asyncio
import os
from typing import Any

import pytest
from redis.asyncio import Redis

from subgraphs.contracts.access import Revocation
from subgraphs.orders.domain.shipments import ShipmentStatus
from subgraphs.platform.auth.revocations import RedisRevocations
from subgraphs.platform.kernel.clock import utcnow
from tests.conftest import Caller, GraphQLClient
from tests.e2e.checkout_helpers import check_out, fill_cart
from tests.e2e.shipment_helpers import scans, send_scans, ship
from tests.e2e.test_order_lifecycle import a_paid_order
from tests.e2e.test_returns import a_delivered_order, request
from tests.graphql.catalog import CatalogBuilder, unique
from tests.live_clients import Listener, over_sse, over_websocket

WS_URL = "ws://127.0.0.1:14000/graphql"
SSE_URL = "http://127.0.0.1:14000/graphql"
SELLER_EVENTS = """subscription($after: String, $seller: ID) { sellerOrderEvents(after: $after, sellerId: $seller) {
  kind cursor orderId returnId status previousStatus grandTotal { amount } order { id status buyerId } } }"""
ORDER_EVENTS = """subscription($id: ID!, $after: String) { orderStatusChanged(orderId: $id, after: $after) {
  kind cursor orderId status previousStatus } }"""
TRACKING = """subscription($id: ID!, $after: String) { shipmentTracking(shipmentId: $id, after: $after) {
  kind cursor shipmentId status scanStatus location } }"""
MOVE = """mutation($id: ID!, $s: OrderStatus!) { orderUpdateStatus(id: $id, status: $s) { userErrors { code } } }"""

TRANSPORTS = {
    "websocket": lambda q, v, t: over_websocket(WS_URL, q, v, t),
    "sse": lambda q, v, t: over_sse(SSE_URL, q, v, t),
}


def listen(transport: str, query: str, variables: dict[str, Any], caller: Caller | None) -> Listener:
    return Listener(TRANSPORTS[transport](query, variables, caller.token if caller else None)).start()


def payloads(results: list[dict[str, Any]], field: str) -> list[dict[str, Any]]:
    assert all("errors" not in r for r in results), results
    return [r["data"][field] for r in results]


def code_of(result: dict[str, Any]) -> str:
    return str(result["errors"][0]["extensions"]["code"])


async def two_sellers_products(router: GraphQLClient, make_caller: Any) -> tuple[Caller, Caller, str, str]:
    admin: Caller = make_caller("admin")
    builder = CatalogBuilder(router, admin)
    taxonomy = await builder.taxonomy()
    a: Caller = make_caller("seller")
    b: Caller = make_caller("seller")
    va = (await builder.product(a, taxonomy))["variants"][0]["id"]
    vb = (await builder.product(b, taxonomy))["variants"][0]["id"]
    return a, b, va, vb


@pytest.mark.parametrize("transport", ["websocket", "sse"])
async def test_a_seller_sees_their_new_order_live_and_the_other_seller_nothing(
    router: GraphQLClient, make_caller: Any, transport: str
) -> None:
    a, b, va, _ = await two_sellers_products(router, make_caller)
    mine, theirs = listen(transport, SELLER_EVENTS, {}, a), listen(transport, SELLER_EVENTS, {}, b)
    try:
        assert payloads(await mine.until(1), "sellerOrderEvents")[0]["kind"] == "READY"
        assert payloads(await theirs.until(1), "sellerOrderEvents")[0]["kind"] == "READY"
        buyer: Caller = make_caller("buyer")
        checkout = (await check_out(router, buyer, await fill_cart(router, buyer, [(va, 1)])))["checkout"]
        [order] = checkout["orders"]
        placed = payloads(await mine.until(2), "sellerOrderEvents")[1]
        assert (placed["kind"], placed["orderId"], placed["status"]) == ("ORDER_PLACED", order["id"], "PAID")
        assert placed["order"] == {"id": order["id"], "status": "PAID", "buyerId": None}  # the seller's view
        assert (await router(MOVE, {"id": order["id"], "s": "PROCESSING"}, a))["data"]["orderUpdateStatus"][
            "userErrors"
        ] == []
        moved = payloads(await mine.until(3), "sellerOrderEvents")[2]
        assert (moved["kind"], moved["status"], moved["previousStatus"]) == (
            "ORDER_STATUS_CHANGED",
            "PROCESSING",
            "PAID",
        )
        await asyncio.sleep(1.0)
        assert len(theirs.received) == 1  # only READY: seller A's order never reached seller B
    finally:
        await mine.stop()
        await theirs.stop()


async def test_a_multi_seller_checkout_reaches_each_seller_with_their_own_order_only(
    router: GraphQLClient, make_caller: Any
) -> None:
    a, b, va, vb = await two_sellers_products(router, make_caller)
    mine, theirs = listen("websocket", SELLER_EVENTS, {}, a), listen("sse", SELLER_EVENTS, {}, b)
    try:
        await mine.until(1)
        await theirs.until(1)
        buyer: Caller = make_caller("buyer")
        checkout = (await check_out(router, buyer, await fill_cart(router, buyer, [(va, 1), (vb, 1)])))[
            "checkout"
        ]
        by_seller = {o["sellerId"]: o["id"] for o in checkout["orders"]}
        got_a = payloads(await mine.until(2), "sellerOrderEvents")[1]
        got_b = payloads(await theirs.until(2), "sellerOrderEvents")[1]
        assert got_a["orderId"] == by_seller[str(a.user_id)]
        assert got_b["orderId"] == by_seller[str(b.user_id)]
        await asyncio.sleep(1.0)
        assert len(mine.received) == len(theirs.received) == 2
    finally:
        await mine.stop()
        await theirs.stop()


@pytest.mark.parametrize("transport", ["websocket", "sse"])
async def test_a_client_that_reconnects_with_its_cursor_misses_nothing_and_gets_nothing_twice(
    router: GraphQLClient, make_caller: Any, transport: str
) -> None:
    seller, buyer, order, _, _ = await a_paid_order(router, make_caller)
    first = listen(transport, ORDER_EVENTS, {"id": order["id"]}, buyer)
    [ready] = payloads(await first.until(1), "orderStatusChanged")
    await first.stop()  # the client goes away (a router restart, a tunnel)
    parcel = (await ship(router, seller, order["id"]))["shipment"]  # PROCESSING, then SHIPPED
    for event in scans(ShipmentStatus.DELIVERED):
        assert (await send_scans("DHL", parcel["trackingNumber"], [event])).status_code == 200
    back = listen(transport, ORDER_EVENTS, {"id": order["id"], "after": ready["cursor"]}, buyer)
    try:
        got = payloads(await back.until(4), "orderStatusChanged")
        assert [(g["kind"], g["status"]) for g in got] == [
            ("READY", None),
            ("ORDER_STATUS_CHANGED", "PROCESSING"),
            ("ORDER_STATUS_CHANGED", "SHIPPED"),
            ("ORDER_STATUS_CHANGED", "DELIVERED"),
        ]
        # Resuming from the middle gives the rest, once.
        again = listen(transport, ORDER_EVENTS, {"id": order["id"], "after": got[2]["cursor"]}, buyer)
        try:
            await again.until(2)
            await asyncio.sleep(0.5)
            rest = payloads(again.received, "orderStatusChanged")
            assert [(g["kind"], g["status"]) for g in rest] == [
                ("READY", None),
                ("ORDER_STATUS_CHANGED", "DELIVERED"),
            ]
            assert rest[1]["cursor"] == got[3]["cursor"]
        finally:
            await again.stop()
    finally:
        await back.stop()


async def test_a_buyer_follows_their_parcels_scans(router: GraphQLClient, make_caller: Any) -> None:
    seller, buyer, order, _, _ = await a_paid_order(router, make_caller)
    parcel = (await ship(router, seller, order["id"]))["shipment"]
    tracking = listen("sse", TRACKING, {"id": parcel["id"]}, buyer)
    try:
        await tracking.until(1)
        transit, delivered = scans(ShipmentStatus.IN_TRANSIT, ShipmentStatus.DELIVERED)
        for event in (delivered, transit):  # out of order
            assert (await send_scans("DHL", parcel["trackingNumber"], [event])).status_code == 200
        got = payloads(await tracking.until(3), "shipmentTracking")
        assert [(g["kind"], g["scanStatus"], g["status"]) for g in got[1:]] == [
            ("SHIPMENT_SCANNED", "DELIVERED", "DELIVERED"),
            ("SHIPMENT_SCANNED", "IN_TRANSIT", "DELIVERED"),  # a late scan never moves it back
        ]
    finally:
        await tracking.stop()


@pytest.mark.parametrize("transport", ["websocket", "sse"])
async def test_nobody_follows_what_they_may_not_see(
    router: GraphQLClient, make_caller: Any, transport: str
) -> None:
    seller, buyer, order, _, _ = await a_paid_order(router, make_caller)
    parcel = (await ship(router, seller, order["id"]))["shipment"]
    other_buyer: Caller = make_caller("buyer")
    other_seller: Caller = make_caller("seller")
    cases = [
        (ORDER_EVENTS, {"id": order["id"]}, other_buyer, "NOT_FOUND"),
        (ORDER_EVENTS, {"id": order["id"]}, other_seller, "NOT_FOUND"),
        (ORDER_EVENTS, {"id": order["id"]}, None, "UNAUTHENTICATED"),
        (TRACKING, {"id": parcel["id"]}, other_buyer, "NOT_FOUND"),
        (TRACKING, {"id": parcel["id"]}, other_seller, "NOT_FOUND"),
        (SELLER_EVENTS, {"seller": str(seller.user_id)}, other_seller, "FORBIDDEN"),
        (SELLER_EVENTS, {}, buyer, "FORBIDDEN"),
        (SELLER_EVENTS, {}, None, "UNAUTHENTICATED"),
        (ORDER_EVENTS, {"id": order["id"], "after": "not-a-cursor"}, buyer, "BAD_USER_INPUT"),
    ]
    for query, variables, caller, code in cases:
        listener = listen(transport, query, variables, caller)
        try:
            [result] = await listener.until(1)
            assert "errors" in result, (variables, caller, result)
            assert code_of(result) == code, (variables, result)
            assert result.get("data") is None, result
        finally:
            await listener.stop()
    admin: Caller = make_caller("admin")
    watching = listen(transport, SELLER_EVENTS, {"seller": str(seller.user_id)}, admin)
    try:
        assert payloads(await watching.until(1), "sellerOrderEvents")[0]["kind"] == "READY"
    finally:
        await watching.stop()


@pytest.mark.parametrize("transport", ["websocket", "sse"])
async def test_revoking_the_token_ends_the_stream(
    router: GraphQLClient, make_caller: Any, transport: str
) -> None:
    seller: Caller = make_caller("seller")
    listener = listen(transport, SELLER_EVENTS, {}, seller)
    redis = Redis.from_url(os.environ["REDIS_URL"])
    try:
        await listener.until(1)
        await RedisRevocations(redis).write(
            Revocation.of_user(seller.user_id, utcnow())
        )  # signed out everywhere
        await asyncio.wait_for(listener.ended.wait(), 15)
        assert code_of(listener.received[-1]) == "UNAUTHENTICATED"
    finally:
        await listener.stop()
        await redis.aclose()


async def test_a_return_request_on_my_lines_reaches_my_dashboard_only(
    router: GraphQLClient, make_caller: Any
) -> None:
    seller, buyer, order, _, _ = await a_delivered_order(router, make_caller)
    other: Caller = make_caller("seller")
    mine, theirs = listen("websocket", SELLER_EVENTS, {}, seller), listen("sse", SELLER_EVENTS, {}, other)
    try:
        await mine.until(1)
        await theirs.until(1)
        made = (await request(router, buyer, order, 1))["return"]
        got = [r["data"]["sellerOrderEvents"] for r in await mine.until(2)]
        assert (got[1]["kind"], got[1]["orderId"], got[1]["returnId"]) == (
            "RETURN_REQUESTED",
            order["id"],
            made["id"],
        )
        await asyncio.sleep(1.0)
        assert len(theirs.received) == 1
    finally:
        await mine.stop()
        await theirs.stop()


LOW_STOCK = (
    """subscription { lowStockAlerts { kind cursor variantId warehouse available threshold reason } }"""
)
ADJUST = (
    """mutation($input: AdjustInventoryInput!) { adjustInventory(input: $input) { userErrors { code } } }"""
)
WAREHOUSES = """query($v: ID!) { inventory(filter: {variantId: $v}) { nodes { warehouse } } }"""


async def test_a_seller_is_alerted_when_a_variants_stock_falls_to_its_threshold(
    router: GraphQLClient, make_caller: Any
) -> None:
    a, b, va, _ = await two_sellers_products(router, make_caller)
    [where] = [n["warehouse"] for n in (await router(WAREHOUSES, {"v": va}, a))["data"]["inventory"]["nodes"]]
    restock = {
        "variantId": va,
        "warehouse": where,
        "delta": 5,
        "reason": "RESTOCK",
        "idempotencyKey": unique("adj"),
    }
    assert (await router(ADJUST, {"input": restock}, a))["data"]["adjustInventory"][
        "userErrors"
    ] == []  # 10, threshold 5
    mine, theirs = listen("sse", LOW_STOCK, {}, a), listen("websocket", LOW_STOCK, {}, b)
    try:
        await mine.until(1)
        await theirs.until(1)
        buyer: Caller = make_caller("buyer")
        await check_out(router, buyer, await fill_cart(router, buyer, [(va, 6)]))  # 10 -> 4 free
        alert = payloads(await mine.until(2), "lowStockAlerts")[1]
        assert (alert["kind"], alert["variantId"], alert["available"], alert["threshold"]) == (
            "LOW_STOCK",
            va,
            4,
            5,
        )
        await asyncio.sleep(1.0)
        assert len(mine.received) == 2  # selling the reserved units does not alert again
        assert len(theirs.received) == 1
    finally:
        await mine.stop()
        await theirs.stop()
