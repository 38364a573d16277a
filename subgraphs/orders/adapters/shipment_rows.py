"""Shipments and tracking events to and from rows."""

from __future__ import annotations

import uuid
from typing import Any

from subgraphs.orders.domain.shipments import Carrier, Shipment, ShipmentLine, ShipmentStatus, TrackingEvent


def shipment_values(s: Shipment) -> dict[str, Any]:
    return {
        "seller_id": s.seller_id,
        "buyer_id": s.buyer_id,
        "id": s.id,
        "order_id": s.order_id,
        "carrier": s.carrier.value,
        "service": s.service,
        "tracking_number": s.tracking_number,
        "status": s.status.value,
        "lines": [{"itemId": str(x.item_id), "quantity": x.quantity} for x in s.lines],
        "version": s.version,
        "last_event_at": s.last_event_at,
        "delivered_at": s.delivered_at,
        "created_at": s.created_at,
        "updated_at": s.updated_at,
    }


def shipment_from_row(row: Any) -> Shipment:
    m = row._mapping
    return Shipment(
        id=m["id"],
        order_id=m["order_id"],
        seller_id=m["seller_id"],
        buyer_id=m["buyer_id"],
        carrier=Carrier(m["carrier"]),
        service=m["service"],
        tracking_number=m["tracking_number"],
        lines=[ShipmentLine(uuid.UUID(d["itemId"]), int(d["quantity"])) for d in m["lines"]],
        status=ShipmentStatus(m["status"]),
        created_at=m["created_at"],
        updated_at=m["updated_at"],
        version=m["version"],
        last_event_at=m["last_event_at"],
        delivered_at=m["delivered_at"],
    )


def tracking_event_values(s: Shipment, e: TrackingEvent) -> dict[str, Any]:
    return {
        "seller_id": s.seller_id,
        "shipment_id": s.id,
        "event_id": e.event_id,
        "status": e.status.value,
        "at": e.at,
        "location": e.location,
        "description": e.description,
    }


def tracking_event_from_row(row: Any) -> TrackingEvent:
    return TrackingEvent(row.event_id, ShipmentStatus(row.status), row.at, row.location, row.description)
