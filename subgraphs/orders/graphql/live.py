"""Subscriptions: live seller dashboards, a buyer's order, a parcel's tracking.

Every stream starts with a READY event whose `cursor` marks where it starts; every event after
carries the cursor just after it. Reconnect with `after: <the last cursor you got>` to resume
without losing or repeating an event (after a router, subgraph or broker restart).
"""

from __future__ import annotations

import enum
from collections.abc import AsyncGenerator
from datetime import datetime

import strawberry

from subgraphs.contracts import orders as ev
from subgraphs.orders.domain.orders import OrderStatus
from subgraphs.orders.domain.shipments import ShipmentStatus
from subgraphs.orders.graphql.context import Info
from subgraphs.orders.graphql.types import Order
from subgraphs.platform.graphql.arguments import optional_uuid_arg, uuid_arg
from subgraphs.platform.graphql.live import while_signed_in
from subgraphs.platform.graphql.types import Money
from subgraphs.platform.kernel.live import LiveEvent


@strawberry.enum(description="What happened; READY opens every stream (nothing missed before its cursor).")
class LiveEventKind(enum.Enum):
    READY = "READY"
    ORDER_PLACED = "ORDER_PLACED"
    ORDER_STATUS_CHANGED = "ORDER_STATUS_CHANGED"
    ORDER_CANCELLED = "ORDER_CANCELLED"
    RETURN_REQUESTED = "RETURN_REQUESTED"
    SHIPMENT_CREATED = "SHIPMENT_CREATED"
    SHIPMENT_SCANNED = "SHIPMENT_SCANNED"


_ORDER_KINDS: dict[type, LiveEventKind] = {
    ev.OrderCreated: LiveEventKind.ORDER_STATUS_CHANGED,
    ev.OrderPaid: LiveEventKind.ORDER_PLACED,
    ev.OrderStatusChanged: LiveEventKind.ORDER_STATUS_CHANGED,
    ev.OrderCancelled: LiveEventKind.ORDER_CANCELLED,
}


@strawberry.type(description="A change to an order (only what its reader may see of it).")
class OrderLiveEvent:
    kind: LiveEventKind
    cursor: str = strawberry.field(description="Pass as `after` to resume right after this event.")
    event_id: strawberry.ID | None
    occurred_at: datetime | None
    order_id: strawberry.ID | None
    return_id: strawberry.ID | None = strawberry.field(description="On RETURN_REQUESTED.")
    status: OrderStatus | None
    previous_status: OrderStatus | None
    version: int | None
    grand_total: Money | None = strawberry.field(description="On ORDER_PLACED.")
    reason: str | None = strawberry.field(description="On ORDER_CANCELLED.")

    @strawberry.field(description="The order as it is now, as you may see it.")
    async def order(self, info: Info) -> Order | None:
        if self.order_id is None:
            return None
        seen = await info.context.services.queries.order(
            info.context.principal, uuid_arg(self.order_id, "orderId")
        )
        return Order.of(seen) if seen else None

    @classmethod
    def of(cls, live: LiveEvent) -> OrderLiveEvent:
        e, envelope = live.event, live.envelope
        if isinstance(e, ev.ReturnRequested) and envelope is not None:
            return cls(
                kind=LiveEventKind.RETURN_REQUESTED,
                cursor=live.cursor,
                event_id=strawberry.ID(str(envelope.id)),
                occurred_at=envelope.occurred_at,
                order_id=strawberry.ID(str(e.order_id)),
                return_id=strawberry.ID(str(e.return_id)),
                status=None,
                previous_status=None,
                version=None,
                grand_total=None,
                reason=None,
            )
        if not isinstance(e, ev.OrderEvent) or envelope is None:
            return cls(
                kind=LiveEventKind.READY,
                cursor=live.cursor,
                event_id=None,
                occurred_at=None,
                order_id=None,
                return_id=None,
                status=None,
                previous_status=None,
                version=None,
                grand_total=None,
                reason=None,
            )
        previous = getattr(e, "previous_status", None)
        paid = isinstance(e, ev.OrderPaid)
        return cls(
            kind=_ORDER_KINDS.get(type(e), LiveEventKind.ORDER_STATUS_CHANGED),
            cursor=live.cursor,
            event_id=strawberry.ID(str(envelope.id)),
            occurred_at=envelope.occurred_at,
            order_id=strawberry.ID(str(e.order_id)),
            return_id=None,
            status=OrderStatus(e.status),
            previous_status=OrderStatus(previous) if previous else None,
            version=e.version,
            grand_total=Money(amount=e.grand_total, currency=e.currency) if paid else None,  # type: ignore[attr-defined]
            reason=getattr(e, "reason", None),
        )


@strawberry.type(description="A parcel's new scan (or its label).")
class ShipmentLiveEvent:
    kind: LiveEventKind
    cursor: str = strawberry.field(description="Pass as `after` to resume right after this event.")
    event_id: strawberry.ID | None
    shipment_id: strawberry.ID | None
    status: ShipmentStatus | None = strawberry.field(description="The parcel's status after this scan.")
    scan_status: ShipmentStatus | None
    at: datetime | None
    location: str | None
    description: str | None

    @classmethod
    def of(cls, live: LiveEvent) -> ShipmentLiveEvent:
        e, envelope = live.event, live.envelope
        if not isinstance(e, ev.ShipmentEvent) or envelope is None:
            return cls(
                kind=LiveEventKind.READY,
                cursor=live.cursor,
                event_id=None,
                shipment_id=None,
                status=None,
                scan_status=None,
                at=None,
                location=None,
                description=None,
            )
        scanned = isinstance(e, ev.ShipmentTracked)
        return cls(
            kind=LiveEventKind.SHIPMENT_SCANNED if scanned else LiveEventKind.SHIPMENT_CREATED,
            cursor=live.cursor,
            event_id=strawberry.ID(str(envelope.id)),
            shipment_id=strawberry.ID(str(e.shipment_id)),
            status=ShipmentStatus(e.status),
            scan_status=ShipmentStatus(e.event_status if isinstance(e, ev.ShipmentTracked) else e.status),
            at=e.event_at if isinstance(e, ev.ShipmentTracked) else envelope.occurred_at,
            location=e.location if isinstance(e, ev.ShipmentTracked) else None,
            description=e.description if isinstance(e, ev.ShipmentTracked) else None,
        )


@strawberry.type
class OrdersSubscription:
    @strawberry.federation.field(
        is_subscription=True,
        authenticated=True,
        description="Your new (paid) orders, their status changes and cancellations, live (sellers; "
        "admins may name a seller).",
    )
    async def seller_order_events(
        self, info: Info, seller_id: strawberry.ID | None = None, after: str | None = None
    ) -> AsyncGenerator[OrderLiveEvent, None]:
        ctx = info.context
        seller = optional_uuid_arg(seller_id, "sellerId")
        stream = ctx.services.live.seller_events(ctx.require_principal(), seller, after)
        async for item in while_signed_in(ctx, stream):
            yield OrderLiveEvent.of(item)

    @strawberry.federation.field(
        is_subscription=True, authenticated=True, description="One order's status changes, live."
    )
    async def order_status_changed(
        self, info: Info, order_id: strawberry.ID, after: str | None = None
    ) -> AsyncGenerator[OrderLiveEvent, None]:
        ctx = info.context
        stream = await ctx.services.live.order_events(
            ctx.require_principal(), uuid_arg(order_id, "orderId"), after
        )
        async for item in while_signed_in(ctx, stream):
            yield OrderLiveEvent.of(item)

    @strawberry.federation.field(
        is_subscription=True, authenticated=True, description="One parcel's carrier scans, live."
    )
    async def shipment_tracking(
        self, info: Info, shipment_id: strawberry.ID, after: str | None = None
    ) -> AsyncGenerator[ShipmentLiveEvent, None]:
        ctx = info.context
        stream = await ctx.services.live.shipment_events(
            ctx.require_principal(), uuid_arg(shipment_id, "shipmentId"), after
        )
        async for item in while_signed_in(ctx, stream):
            yield ShipmentLiveEvent.of(item)
