"""Fulfilment through the router: a seller ships an order in parcels (never a unit twice), the
carrier's scans arrive late, twice and out of order and still end in the right status, and the
order follows its parcels to SHIPPED and DELIVERED. The webhook trusts only signed, fresh
deliveries."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta
from typing import Any

import httpx
import pytest

from subgraphs.orders.adapters.fake_carrier import SIGNATURE_HEADER, scan
from subgraphs.orders.domain.shipments import Carrier, ShipmentStatus
from subgraphs.platform.kernel.signatures import sign
from tests.conftest import Caller, GraphQLClient
from tests.e2e.shipment_helpers import (
    CARRIER_WEBHOOK,
    ORDER,
    SECRET,
    SHIPMENT,
    SHIPMENTS,
    T0,
    scans,
    send_scans,
    ship,
)
from tests.e2e.test_order_lifecycle import a_paid_order

S = ShipmentStatus


def codes(payload: dict[str, Any]) -> list[str]:
    return [e["code"] for e in payload["userErrors"]]


async def test_a_seller_ships_in_parcels_and_never_a_unit_twice(
    router: GraphQLClient, make_caller: Any
) -> None:
    seller, buyer, order, _, _ = await a_paid_order(router, make_caller)
    [item] = order["items"]  # 2 units
    assert codes(await ship(router, seller, order["id"], service="GROUND")) == ["UNKNOWN_CARRIER_SERVICE"]

    first = await ship(router, seller, order["id"], [(item["id"], 1)])
    assert first["userErrors"] == []
    parcel = first["shipment"]
    assert parcel["status"] == "LABEL_CREATED"
    assert parcel["trackingNumber"].startswith("JD01")
    assert parcel["items"] == [{"itemId": item["id"], "quantity": 1}]
    assert [e["status"] for e in parcel["tracking"]] == ["LABEL_CREATED"]
    assert (await router(ORDER, {"id": order["id"]}, buyer))["data"]["order"]["status"] == "PROCESSING"

    too_many = await ship(router, seller, order["id"], [(item["id"], 2)])
    assert codes(too_many) == ["ALREADY_SHIPPED"]
    assert too_many["userErrors"][0]["field"] == ["items", "0", "quantity"]
    assert codes(await ship(router, seller, order["id"], [(item["id"], 0)])) == ["BAD_USER_INPUT"]

    rest = await ship(router, seller, order["id"], carrier="FEDEX", service="GROUND")  # what is left
    assert rest["userErrors"] == []
    assert rest["shipment"]["items"] == [{"itemId": item["id"], "quantity": 1}]
    seen = (await router(ORDER, {"id": order["id"]}, buyer))["data"]["order"]
    assert seen["status"] == "SHIPPED"
    assert [s["id"] for s in seen["shipments"]] == [parcel["id"], rest["shipment"]["id"]]
    assert codes(await ship(router, seller, order["id"])) == ["ORDER_NOT_SHIPPABLE"]


async def test_parallel_parcels_of_the_last_units_ship_them_once(
    router: GraphQLClient, make_caller: Any
) -> None:
    seller, _, order, _, _ = await a_paid_order(router, make_caller)
    [item] = order["items"]
    results = await asyncio.gather(*(ship(router, seller, order["id"], [(item["id"], 2)]) for _ in range(4)))
    assert sorted(len(r["userErrors"]) for r in results) == [0, 1, 1, 1]
    assert {c for r in results for c in codes(r)} <= {"ALREADY_SHIPPED", "ORDER_NOT_SHIPPABLE"}


async def test_late_repeated_and_reordered_scans_end_delivered_and_the_order_follows(
    router: GraphQLClient, make_caller: Any
) -> None:
    seller, buyer, order, _, _ = await a_paid_order(router, make_caller)
    [item] = order["items"]
    one = (await ship(router, seller, order["id"], [(item["id"], 1)]))["shipment"]
    two = (await ship(router, seller, order["id"]))["shipment"]
    transit, out, delivered = scans(S.IN_TRANSIT, S.OUT_FOR_DELIVERY, S.DELIVERED)
    # Delivered first, then everything again (out of order and twice), then a stale scan.
    for batch in ([delivered], [out, transit], [transit, out, delivered]):
        assert (await send_scans("DHL", one["trackingNumber"], batch)).status_code == 200
    late = scans(S.IN_TRANSIT, start=T0 + timedelta(hours=5))
    assert (await send_scans("DHL", one["trackingNumber"], late)).status_code == 200

    shown = (await router(SHIPMENT, {"id": one["id"]}, buyer))["data"]["shipment"]
    assert shown["status"] == "DELIVERED"
    assert shown["deliveredAt"] is not None
    # Each scan once, in the carrier's time order; the late one is kept but moves nothing back.
    assert [e["status"] for e in shown["tracking"]] == [
        "LABEL_CREATED",
        "IN_TRANSIT",
        "OUT_FOR_DELIVERY",
        "DELIVERED",
        "IN_TRANSIT",
    ]
    assert shown["order"]["status"] == "SHIPPED"  # the second parcel is still on its way

    exception, recovered = scans(S.EXCEPTION, S.DELIVERED)
    assert (await send_scans("FEDEX", two["trackingNumber"], [exception])).status_code == 404  # wrong carrier
    assert (await send_scans("DHL", two["trackingNumber"], [exception])).status_code == 200
    assert (await router(SHIPMENT, {"id": two["id"]}, seller))["data"]["shipment"]["status"] == "EXCEPTION"
    assert (await send_scans("DHL", two["trackingNumber"], [recovered])).status_code == 200
    assert (await router(ORDER, {"id": order["id"]}, buyer))["data"]["order"]["status"] == "DELIVERED"


async def test_the_webhook_takes_only_signed_fresh_well_formed_deliveries(
    router: GraphQLClient, make_caller: Any
) -> None:
    seller, buyer, order, _, _ = await a_paid_order(router, make_caller)
    parcel = (await ship(router, seller, order["id"]))["shipment"]
    number = parcel["trackingNumber"]
    body = scan(Carrier.DHL, number, scans(S.DELIVERED))
    async with httpx.AsyncClient(timeout=10) as client:

        async def post(content: bytes, signature: str) -> int:
            headers = {"content-type": "application/json", SIGNATURE_HEADER: signature}
            return (await client.post(CARRIER_WEBHOOK, content=content, headers=headers)).status_code

        assert await post(body, sign("not-the-secret", body)) == 400
        assert await post(body, sign(SECRET, body, at=int(time.time()) - 3600)) == 400  # a replay, later
        assert await post(body, "") == 400
        assert (
            await post(body.replace(b"DELIVERED", b"LOST"), sign(SECRET, body.replace(b"DELIVERED", b"LOST")))
            == 400
        )
        nul = body.replace(b"Hub 0", b"Hub\\u0000")
        assert await post(nul, sign(SECRET, nul)) == 400
        unknown = scan(Carrier.DHL, "JD0100000000000000", scans(S.IN_TRANSIT))
        assert await post(unknown, sign(SECRET, unknown)) == 404
    shown = (await router(SHIPMENT, {"id": parcel["id"]}, buyer))["data"]["shipment"]
    assert shown["status"] == "LABEL_CREATED"  # nothing refused changed anything
    assert (await send_scans("DHL", number, [])).status_code == 400  # a delivery has scans


@pytest.mark.parametrize("who", ["other buyer", "other seller", "buyer"])
async def test_only_the_buyer_the_seller_and_admins_see_a_parcel(
    router: GraphQLClient, make_caller: Any, who: str
) -> None:
    seller, buyer, order, _, _ = await a_paid_order(router, make_caller)
    parcel = (await ship(router, seller, order["id"]))["shipment"]
    admin: Caller = make_caller("admin")
    stranger: Caller = buyer if who == "buyer" else make_caller(who.removeprefix("other "))
    shown = (await router(SHIPMENT, {"id": parcel["id"]}, stranger))["data"]["shipment"]
    sales = await router(SHIPMENTS, {"f": {"scope": "SALES"}}, stranger)
    purchases = (await router(SHIPMENTS, {"f": {"scope": "PURCHASES"}}, stranger))["data"]["shipments"][
        "nodes"
    ]
    if who == "buyer":
        assert shown["id"] == parcel["id"]
        assert [s["id"] for s in purchases] == [parcel["id"]]
        assert sales["errors"][0]["extensions"]["code"] == "FORBIDDEN"
        assert codes(await ship(router, buyer, order["id"])) == ["NOT_FOUND"]  # buyers do not ship
    else:
        assert shown is None
        assert purchases == []
        if who == "other seller":
            assert sales["data"]["shipments"]["nodes"] == []
            assert codes(await ship(router, stranger, order["id"])) == ["NOT_FOUND"]
    every = (await router(SHIPMENTS, {"f": {"scope": "ALL", "orderId": order["id"]}}, admin))["data"]
    assert [s["id"] for s in every["shipments"]["nodes"]] == [parcel["id"]]
    mine = (await router(SHIPMENTS, {"f": {"scope": "SALES", "carrier": "DHL"}}, seller))["data"]
    assert parcel["id"] in [s["id"] for s in mine["shipments"]["nodes"]]
    anonymous = await router(SHIPMENT, {"id": parcel["id"]})
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
