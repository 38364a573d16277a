"""`POST /webhooks/carriers`: carriers' tracking scans, signed and time-boxed.

A delivery whose signature does not match (or is more than five minutes old) is refused with
400 and changes nothing; a valid one is applied idempotently (a scan is kept once by the
carrier's event id, an older scan never moves a parcel back). 404 tells the carrier we have no
parcel with that number, so it stops retrying it.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

import orjson
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from subgraphs.orders.adapters.fake_carrier import SIGNATURE_HEADER
from subgraphs.orders.domain.shipments import TRACKING_MAX, Carrier, ShipmentStatus, TrackingEvent
from subgraphs.orders.service_layer.services import OrdersServices
from subgraphs.platform.kernel.signatures import verify

MAX_BODY = 65_536
MAX_EVENTS = 50


def _text(value: object, limit: int, *, optional: bool = True) -> str | None:
    if value is None and optional:
        return None
    if not isinstance(value, str) or not 1 <= len(value) <= limit or "\x00" in value:
        raise ValueError("bad text")
    return value


def _events(raw: object) -> list[TrackingEvent]:
    if not isinstance(raw, list) or not 1 <= len(raw) <= MAX_EVENTS:
        raise ValueError("events")
    events = []
    for e in raw:
        at = datetime.fromisoformat(e["occurredAt"])
        if at.tzinfo is None:
            raise ValueError("a scan's time has a zone")
        events.append(
            TrackingEvent(
                event_id=str(_text(e["id"], 64, optional=False)),
                status=ShipmentStatus(e["status"]),
                at=at.astimezone(UTC),
                location=_text(e.get("location"), 200),
                description=_text(e.get("description"), 500),
            )
        )
    return events


async def carrier_webhook(request: Request) -> Response:
    services: OrdersServices = request.state.services
    body = await request.body()
    if len(body) > MAX_BODY:
        return JSONResponse({"error": "too large"}, status_code=413)
    if not verify(services.carrier_secret, request.headers.get(SIGNATURE_HEADER, ""), body, time.time()):
        return JSONResponse({"error": "bad signature"}, status_code=400)
    try:
        delivery = orjson.loads(body)
        carrier = Carrier(delivery["carrier"])
        number = str(_text(delivery["trackingNumber"], TRACKING_MAX, optional=False))
        events = _events(delivery["events"])
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError, AttributeError):
        return JSONResponse({"error": "malformed delivery"}, status_code=400)
    if not await services.shipment_actions.tracked(carrier, number, events):
        return JSONResponse({"error": "unknown tracking number"}, status_code=404)
    return JSONResponse({"received": True})
