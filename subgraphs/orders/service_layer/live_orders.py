"""Live order events for dashboards and buyers: who may follow what, and which events go where.

    sellerOrderEvents      ("seller", id)    a seller's new (paid) orders, status changes,
                                             cancellations and return requests; the seller
                                             themselves, or an admin
    orderStatusChanged     ("order", id)     one order's moves; whoever may see that order
    shipmentTracking       ("shipment", id)  one parcel's scans; whoever may see that parcel

A follower is checked once, like the query of the same object, before anything streams (a
stranger's order is "not found"); the feed then only ever hands them events under their key.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Hashable, Iterable
from dataclasses import dataclass

from subgraphs.contracts.access import Principal
from subgraphs.contracts.orders import (
    OrderCancelled,
    OrderEvent,
    OrderPaid,
    OrderStatusChanged,
    ReturnRequested,
    ShipmentEvent,
)
from subgraphs.orders.service_layer.orders import OrderQueries
from subgraphs.orders.service_layer.shipments import ShipmentQueries
from subgraphs.platform.kernel.errors import Forbidden, NotFound, Unauthenticated
from subgraphs.platform.kernel.live import LiveEvent, LiveEvents
from subgraphs.platform.kernel.messages import EventContract

SELLER_EVENTS = (OrderPaid, OrderStatusChanged, OrderCancelled, ReturnRequested)


def keys_of(event: EventContract) -> Iterable[Hashable]:
    """The followers' keys an event touches (the feed's routing table)."""
    if isinstance(event, SELLER_EVENTS):
        yield ("seller", event.seller_id)
    if isinstance(event, OrderEvent):
        yield ("order", event.order_id)
    if isinstance(event, ShipmentEvent):
        yield ("shipment", event.shipment_id)


@dataclass(frozen=True)
class LiveOrders:
    feed: LiveEvents
    orders: OrderQueries
    shipments: ShipmentQueries

    def seller_events(
        self, principal: Principal | None, seller_id: uuid.UUID | None, after: str | None
    ) -> AsyncIterator[LiveEvent]:
        if principal is None:
            raise Unauthenticated("Sign in to follow your orders.")
        seller = seller_id or principal.user_id
        if seller != principal.user_id and not principal.is_admin:
            raise Forbidden("Only admins follow another seller's orders.")
        if seller == principal.user_id and not (principal.is_seller or principal.is_admin):
            raise Forbidden("Only sellers have orders to follow.")
        return self.feed.subscribe([("seller", seller)], after)

    async def order_events(
        self, principal: Principal | None, order_id: uuid.UUID, after: str | None
    ) -> AsyncIterator[LiveEvent]:
        if await self.orders.order(principal, order_id) is None:
            raise NotFound("Order not found.", field="orderId")
        return self.feed.subscribe([("order", order_id)], after)

    async def shipment_events(
        self, principal: Principal | None, shipment_id: uuid.UUID, after: str | None
    ) -> AsyncIterator[LiveEvent]:
        if await self.shipments.shipment(principal, shipment_id) is None:
            raise NotFound("Shipment not found.", field="shipmentId")
        return self.feed.subscribe([("shipment", shipment_id)], after)
