"""Shipping through the router, and carrier scans delivered the way a carrier delivers them."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from subgraphs.orders.adapters.fake_carrier import deliver, scan
from subgraphs.orders.domain.shipments import Carrier, ShipmentStatus
from subgraphs.orders.entrypoints.config import OrdersConfig
from tests.conftest import Caller, GraphQLClient

CARRIER_WEBHOOK = "http://127.0.0.1:14004/webhooks/carriers"
SECRET = OrdersConfig.carrier_webhook_secret

SHIP = """mutation($input: ShipmentCreateInput!) { shipmentCreate(input: $input) {
  shipment { id orderId sellerId carrier service trackingNumber status version items { itemId quantity }
             tracking { status location } }
  userErrors { field code message } } }"""
SHIPMENT = """query($id: ID!) { shipment(id: $id) { id status version deliveredAt
  tracking { status at location } order { id status } } }"""
SHIPMENTS = """query($f: ShipmentFilter) { shipments(filter: $f, first: 50) {
  nodes { id orderId sellerId status carrier } } }"""
ORDER = "query($id: ID!) { order(id: $id) { id status shipments { id status } } }"

_ids = itertools.count()
# Scans come after the label (bought when the test ships), in the carrier's near future.
T0 = datetime.now(UTC) + timedelta(minutes=10)


async def ship(
    router: GraphQLClient,
    caller: Caller,
    order_id: str,
    items: list[tuple[str, int]] | None = None,
    carrier: str = "DHL",
    service: str = "EXPRESS",
) -> dict[str, Any]:
    body = await router(
        SHIP,
        {
            "input": {
                "orderId": order_id,
                "carrier": carrier,
                "service": service,
                **({"items": [{"itemId": i, "quantity": q} for i, q in items]} if items is not None else {}),
            }
        },
        caller,
    )
    assert "errors" not in body, body
    payload: dict[str, Any] = body["data"]["shipmentCreate"]
    return payload


def scans(*statuses: ShipmentStatus, start: datetime = T0) -> list[tuple[str, ShipmentStatus, datetime, str]]:
    """A carrier's scan sequence, one hour apart, each with its own carrier event id."""
    return [
        (f"evt-{next(_ids)}", status, start + timedelta(hours=n), f"Hub {n}, DE")
        for n, status in enumerate(statuses)
    ]


async def send_scans(
    carrier: str, number: str, events: list[tuple[str, ShipmentStatus, datetime, str]], secret: str = SECRET
) -> httpx.Response:
    async with httpx.AsyncClient(timeout=10) as client:
        return await deliver(client, CARRIER_WEBHOOK, secret, scan(Carrier(carrier), number, list(events)))
