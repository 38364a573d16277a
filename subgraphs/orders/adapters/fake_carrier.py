"""Carriers for local and test stacks that behave like DHL's, FedEx's and UPS's APIs.

A label is bought per shipment: the same reference (our shipment id) always gets the same
label back, as a retried request to a real carrier does, and tracking numbers look like each
carrier's. Scans reach us the way carriers' tracking webhooks deliver them: POSTed to the
orders subgraph (`/webhooks/carriers`), signed (`carrier-signature: t=…,v1=…`, see
`platform.kernel.signatures`), possibly late, twice or out of order. `scan` builds such a
delivery; tests, the demo and the benchmark send them as the carrier would.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from datetime import datetime

import httpx
import orjson

from subgraphs.contracts.addresses import Address
from subgraphs.orders.domain.shipments import Carrier, ShipmentStatus
from subgraphs.orders.service_layer.fulfilment_ports import Label
from subgraphs.platform.kernel.signatures import sign

SIGNATURE_HEADER = "carrier-signature"


def tracking_number(carrier: Carrier, reference: uuid.UUID) -> str:
    digits = str(int.from_bytes(hashlib.sha256(reference.bytes).digest()[:12], "big")).zfill(29)
    if carrier is Carrier.DHL:
        return "JD01" + digits[:16]
    if carrier is Carrier.FEDEX:
        return digits[:12]
    return "1Z" + hashlib.sha256(reference.bytes).hexdigest()[:16].upper()


class FakeCarriers:
    async def create_label(
        self, *, carrier: Carrier, service: str, reference: uuid.UUID, to: Address, parcels: int
    ) -> Label:
        del service, to, parcels  # a real carrier prices them; the fake one needs none
        number = tracking_number(carrier, reference)
        return Label(number, f"https://labels.example.invalid/{carrier.value.lower()}/{number}.pdf")


def scan(
    carrier: Carrier,
    number: str,
    events: Sequence[tuple[str, ShipmentStatus, datetime, str | None]],
) -> bytes:
    """One webhook delivery: (event id, status, when, where) per scan."""
    return orjson.dumps(
        {
            "id": str(uuid.uuid4()),
            "carrier": carrier.value,
            "trackingNumber": number,
            "events": [
                {
                    "id": event_id,
                    "status": status.value,
                    "occurredAt": at.isoformat(),
                    "location": where,
                    "description": status.value.replace("_", " ").capitalize(),
                }
                for event_id, status, at, where in events
            ],
        }
    )


async def deliver(client: httpx.AsyncClient, url: str, secret: str, body: bytes) -> httpx.Response:
    """POSTs a delivery signed as the carrier signs it."""
    return await client.post(
        url, content=body, headers={"content-type": "application/json", SIGNATURE_HEADER: sign(secret, body)}
    )
