"""A shipment: some of a seller order's lines in one parcel, and the carrier's tracking of it.

    LABEL_CREATED ──► IN_TRANSIT ──► OUT_FOR_DELIVERY ──► DELIVERED
                          └──────────── EXCEPTION ◄──────────┘  (and back on a later scan)

A seller ships their own lines, in one or more shipments (partial fulfilment); a line's
shipped quantities never add up to more than was ordered. Carriers deliver tracking events
late, twice and out of order: an event is kept once (by the carrier's event id), the status is
the one of the latest event by the carrier's time, and DELIVERED is never taken back.
"""

from __future__ import annotations

import enum
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from subgraphs.orders.domain.errors import AlreadyShipped, UnknownCarrierService
from subgraphs.orders.domain.orders import OrderLine
from subgraphs.platform.kernel.errors import AppError, BadUserInput, NotFound

MAX_PARCELS_PER_ORDER = 50
TRACKING_MAX = 64


class Carrier(enum.Enum):
    DHL = "DHL"
    FEDEX = "FEDEX"
    UPS = "UPS"


# The services each carrier sells (their product names, as labels print them).
SERVICES: dict[Carrier, frozenset[str]] = {
    Carrier.DHL: frozenset({"EXPRESS", "PARCEL", "ECONOMY"}),
    Carrier.FEDEX: frozenset({"GROUND", "EXPRESS_SAVER", "PRIORITY_OVERNIGHT"}),
    Carrier.UPS: frozenset({"GROUND", "EXPRESS", "STANDARD"}),
}


class ShipmentStatus(enum.Enum):
    LABEL_CREATED = "LABEL_CREATED"
    IN_TRANSIT = "IN_TRANSIT"
    OUT_FOR_DELIVERY = "OUT_FOR_DELIVERY"
    DELIVERED = "DELIVERED"
    EXCEPTION = "EXCEPTION"


# Breaks ties between events stamped the same second: the further along wins.
_RANK = {
    ShipmentStatus.LABEL_CREATED: 0,
    ShipmentStatus.IN_TRANSIT: 1,
    ShipmentStatus.EXCEPTION: 2,
    ShipmentStatus.OUT_FOR_DELIVERY: 3,
    ShipmentStatus.DELIVERED: 4,
}


@dataclass(frozen=True, slots=True)
class TrackingEvent:
    """One scan, as the carrier reports it (`event_id` is the carrier's, unique per shipment)."""

    event_id: str
    status: ShipmentStatus
    at: datetime
    location: str | None = None
    description: str | None = None


@dataclass(frozen=True, slots=True)
class ShipmentLine:
    item_id: uuid.UUID  # the order item (line) shipped
    quantity: int


@dataclass(slots=True)
class Shipment:
    id: uuid.UUID
    order_id: uuid.UUID
    seller_id: uuid.UUID
    buyer_id: uuid.UUID
    carrier: Carrier
    service: str
    tracking_number: str
    lines: list[ShipmentLine]
    status: ShipmentStatus
    created_at: datetime
    updated_at: datetime
    version: int = 1
    last_event_at: datetime | None = None
    delivered_at: datetime | None = None
    new_events: list[TrackingEvent] = field(default_factory=list)

    def track(self, event: TrackingEvent, known: bool) -> bool:
        """Takes one carrier event (`known`: already kept); True when the shipment changed."""
        if known:
            return False
        self.new_events.append(event)
        self.version += 1
        self.updated_at = max(self.updated_at, event.at)
        if self.status is ShipmentStatus.DELIVERED:
            return True  # kept in the history; a delivered parcel stays delivered
        latest = self.last_event_at
        if latest is None or (event.at, _RANK[event.status]) >= (latest, _RANK[self.status]):
            self.status = event.status
            self.last_event_at = event.at
        if event.status is ShipmentStatus.DELIVERED:
            self.status = ShipmentStatus.DELIVERED
            self.last_event_at = max(event.at, latest) if latest else event.at
            self.delivered_at = event.at
        return True


def check_service(carrier: Carrier, service: str) -> None:
    if service not in SERVICES[carrier]:
        raise UnknownCarrierService(
            f"{carrier.value} sells {', '.join(sorted(SERVICES[carrier]))}.",
            field="service",
            services=sorted(SERVICES[carrier]),
        )


def shipped_quantities(shipments: Iterable[Shipment]) -> dict[uuid.UUID, int]:
    shipped: dict[uuid.UUID, int] = {}
    for shipment in shipments:
        for line in shipment.lines:
            shipped[line.item_id] = shipped.get(line.item_id, 0) + line.quantity
    return shipped


def parcel_lines(
    ordered: Sequence[OrderLine], earlier: Sequence[Shipment], requested: Sequence[tuple[uuid.UUID, int]]
) -> tuple[list[ShipmentLine], list[AppError]]:
    """The lines of a new parcel, and every reason it cannot be sent as asked. An empty request
    ships everything not shipped yet."""
    by_id = {line.id: line for line in ordered}
    shipped = shipped_quantities(earlier)
    remaining = {line.id: line.quantity - shipped.get(line.id, 0) for line in ordered}
    if not requested:
        requested = [(item, left) for item, left in remaining.items() if left > 0]
        if not requested:
            return [], [AlreadyShipped("Every line of this order is shipped.", field="items")]
    problems: list[AppError] = []
    lines: list[ShipmentLine] = []
    seen: set[uuid.UUID] = set()
    for index, (item_id, quantity) in enumerate(requested):
        where = f"items.{index}"
        if item_id not in by_id:
            problems.append(NotFound("This order has no such line.", field=f"{where}.itemId"))
        elif item_id in seen:
            problems.append(BadUserInput("Each line once per parcel.", field=f"{where}.itemId"))
        elif quantity < 1:
            problems.append(BadUserInput("Ship at least one unit.", field=f"{where}.quantity"))
        elif quantity > remaining[item_id]:
            problems.append(
                AlreadyShipped(
                    f"Only {remaining[item_id]} of this line are left to ship.",
                    field=f"{where}.quantity",
                    remaining=remaining[item_id],
                )
            )
        else:
            lines.append(ShipmentLine(item_id, quantity))
        seen.add(item_id)
    if len(earlier) >= MAX_PARCELS_PER_ORDER:
        problems.append(BadUserInput(f"At most {MAX_PARCELS_PER_ORDER} parcels per order.", field="items"))
    return lines, problems


def fully_shipped(ordered: Sequence[OrderLine], shipments: Iterable[Shipment]) -> bool:
    shipped = shipped_quantities(shipments)
    return all(shipped.get(line.id, 0) >= line.quantity for line in ordered)


def all_delivered(ordered: Sequence[OrderLine], shipments: Sequence[Shipment]) -> bool:
    return fully_shipped(ordered, shipments) and all(s.status is ShipmentStatus.DELIVERED for s in shipments)
