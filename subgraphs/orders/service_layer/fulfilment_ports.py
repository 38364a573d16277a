"""What the fulfilment use cases need: shipment storage and reads, a carrier, a tracking cache."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from subgraphs.contracts.addresses import Address
from subgraphs.orders.domain.shipments import Carrier, Shipment, ShipmentStatus, TrackingEvent
from subgraphs.orders.service_layer.ports import Keys, OrdersRepository
from subgraphs.orders.service_layer.read_models import Scope
from subgraphs.platform.kernel.paging import Page, PageArgs
from subgraphs.platform.kernel.unit_of_work import UnitOfWork, UnitOfWorkFactory


class FulfilmentRepository(OrdersRepository, Protocol):
    async def shipments_of(self, seller_id: uuid.UUID, order_id: uuid.UUID) -> list[Shipment]: ...
    async def shipment(
        self, seller_id: uuid.UUID, shipment_id: uuid.UUID, *, lock: bool = False
    ) -> Shipment | None: ...
    async def shipment_by_tracking_number(
        self, carrier: Carrier, tracking_number: str
    ) -> tuple[uuid.UUID, uuid.UUID] | None:
        """(seller id, shipment id) of the parcel with this number."""
        ...

    async def known_events(self, shipment: Shipment, event_ids: Sequence[str]) -> set[str]: ...
    async def add_shipment(self, shipment: Shipment) -> None: ...
    async def save_shipment(self, shipment: Shipment) -> None:
        """Its status and version in both copies, and its new tracking events (once each)."""
        ...


FulfilmentUnitOfWork = UnitOfWork[FulfilmentRepository]
OpenFulfilmentUnitOfWork = UnitOfWorkFactory[FulfilmentRepository]


@dataclass(frozen=True, slots=True)
class Label:
    tracking_number: str
    label_url: str


class CarrierGateway(Protocol):
    """A carrier's label API. `reference` (our shipment id) makes a retry return the same label."""

    async def create_label(
        self, *, carrier: Carrier, service: str, reference: uuid.UUID, to: Address, parcels: int
    ) -> Label: ...


@dataclass(frozen=True, slots=True)
class ShipmentQuery:
    scope: Scope
    buyer_id: uuid.UUID | None = None
    seller_id: uuid.UUID | None = None
    order_id: uuid.UUID | None = None
    carrier: Carrier | None = None
    statuses: tuple[ShipmentStatus, ...] = ()


class ShipmentReads(Protocol):
    async def keys(self, id: uuid.UUID) -> Keys | None: ...
    async def shipment(self, keys: Keys) -> Shipment | None: ...
    async def shipments(self, query: ShipmentQuery, page: PageArgs) -> Page[Shipment]:
        """Newest first, on the reader's copy (the seller's, the buyer's, or everyone's for admins)."""
        ...

    async def of_orders(self, orders: Sequence[tuple[uuid.UUID, uuid.UUID]]) -> list[list[Shipment]]:
        """Each (seller id, order id)'s shipments, oldest first, aligned with `orders`."""
        ...

    async def tracking(self, seller_id: uuid.UUID, shipment_id: uuid.UUID) -> list[TrackingEvent]:
        """The parcel's scans, oldest first by the carrier's time."""
        ...


class TrackingCache(Protocol):
    """A parcel's scans cached under its version (a new scan moves the version: no stale read)."""

    async def get(self, shipment_id: uuid.UUID, version: int) -> list[TrackingEvent] | None: ...
    async def put(self, shipment_id: uuid.UUID, version: int, events: list[TrackingEvent]) -> None: ...
