"""Shipping a seller order in parcels, following the carrier's scans, and reading shipments.

The seller of an order (or an admin) ships its lines: the label is bought first (idempotent by
shipment id), then, under the order's row lock so two parcels cannot both take the last units
of a line, the parcel is stored and the order moves: a PAID order is accepted (PROCESSING), a
fully packed one is SHIPPED. A carrier scan arrives through the webhook; a DELIVERED scan of
the last parcel makes the order DELIVERED. Who sees a shipment is who sees its order.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from subgraphs.contracts.access import Principal
from subgraphs.contracts.orders import ShipmentCreated, ShipmentTracked, ShippedLine
from subgraphs.orders.domain.errors import NotShippable
from subgraphs.orders.domain.orders import Actor, Order, OrderStatus
from subgraphs.orders.domain.shipments import (
    Carrier,
    Shipment,
    ShipmentLine,
    ShipmentStatus,
    TrackingEvent,
    all_delivered,
    check_service,
    fully_shipped,
    parcel_lines,
)
from subgraphs.orders.service_layer.access import viewer
from subgraphs.orders.service_layer.fulfilment_ports import (
    CarrierGateway,
    FulfilmentUnitOfWork,
    OpenFulfilmentUnitOfWork,
    ShipmentQuery,
    ShipmentReads,
    TrackingCache,
)
from subgraphs.orders.service_layer.grants import OrderGrants
from subgraphs.orders.service_layer.orders import who_is
from subgraphs.orders.service_layer.read_models import Scope
from subgraphs.orders.service_layer.saga import status_changed_event
from subgraphs.platform.kernel.errors import Forbidden, NotFound, Unauthenticated
from subgraphs.platform.kernel.ids import new_id
from subgraphs.platform.kernel.paging import Page, PageArgs
from subgraphs.platform.kernel.results import InputErrors

SHIPPABLE = frozenset({OrderStatus.PAID, OrderStatus.PROCESSING})


@dataclass(frozen=True, slots=True)
class ParcelRequest:
    order_id: uuid.UUID
    carrier: Carrier
    service: str
    items: tuple[tuple[uuid.UUID, int], ...] = ()  # (order item id, units); empty: all left


def _move(
    uow: FulfilmentUnitOfWork, order: Order, to: OrderStatus, actor: Actor, at: datetime, by: uuid.UUID | None
) -> None:
    previous = order.status
    order.move(to, actor, at, by)
    uow.events.append(status_changed_event(order, previous))


@dataclass(frozen=True)
class ShipmentActions:
    uow: OpenFulfilmentUnitOfWork
    carrier: CarrierGateway
    clock: Callable[[], datetime]

    async def ship(self, principal: Principal | None, request: ParcelRequest) -> Shipment:
        if principal is None:
            raise Unauthenticated("Sign in to ship an order.")
        check_service(request.carrier, request.service)
        async with self.uow() as uow:
            keys = await uow.repo.keys(request.order_id)
            role = viewer(principal, keys.buyer_id, keys.seller_id) if keys and keys.kind == "ORDER" else None
            if keys is None or role not in (Actor.SELLER, Actor.ADMIN):
                # The buyer (or a stranger) learns nothing: the order is "not found" to them.
                raise InputErrors([NotFound("Order not found.", field="orderId")])
            order = await uow.repo.order(keys.buyer_id, request.order_id)
            if order is None:
                raise InputErrors([NotFound("Order not found.", field="orderId")])
            self._check(order, await uow.repo.shipments_of(order.seller_id, order.id), request)
        shipment_id = new_id()
        label = await self.carrier.create_label(
            carrier=request.carrier,
            service=request.service,
            reference=shipment_id,
            to=order.shipping_address,
            parcels=1,
        )
        now = self.clock()
        async with self.uow() as uow:
            order = await uow.repo.order(keys.buyer_id, request.order_id, lock=True)
            assert order is not None
            earlier = await uow.repo.shipments_of(order.seller_id, order.id)
            lines = self._check(order, earlier, request)
            shipment = Shipment(
                id=shipment_id,
                order_id=order.id,
                seller_id=order.seller_id,
                buyer_id=order.buyer_id,
                carrier=request.carrier,
                service=request.service,
                tracking_number=label.tracking_number,
                lines=lines,
                status=ShipmentStatus.LABEL_CREATED,
                created_at=now,
                updated_at=now,
            )
            shipment.track(
                TrackingEvent("label", ShipmentStatus.LABEL_CREATED, now, None, "Label created"), False
            )
            await uow.repo.add_shipment(shipment)
            uow.events.append(
                ShipmentCreated(
                    shipment_id=shipment.id,
                    order_id=order.id,
                    buyer_id=order.buyer_id,
                    seller_id=order.seller_id,
                    carrier=shipment.carrier.value,
                    tracking_number=shipment.tracking_number,
                    status=shipment.status.value,
                    version=shipment.version,
                    lines=[ShippedLine(x.item_id, x.quantity) for x in lines],
                )
            )
            actor = Actor.SELLER if role is Actor.SELLER else Actor.ADMIN
            if order.status is OrderStatus.PAID:
                _move(uow, order, OrderStatus.PROCESSING, actor, now, principal.user_id)
            if fully_shipped(order.lines, [*earlier, shipment]):
                _move(uow, order, OrderStatus.SHIPPED, Actor.SYSTEM, now, principal.user_id)
            await uow.repo.save_order(order)
            await uow.commit()
        return shipment

    @staticmethod
    def _check(order: Order, earlier: Sequence[Shipment], request: ParcelRequest) -> list[ShipmentLine]:
        if order.status not in SHIPPABLE:
            raise InputErrors(
                [
                    NotShippable(
                        f"A {order.status.value} order cannot be shipped.",
                        field="orderId",
                        status=order.status.value,
                    )
                ]
            )
        lines, problems = parcel_lines(order.lines, earlier, request.items)
        if problems:
            raise InputErrors(problems)
        return lines

    async def tracked(self, carrier: Carrier, tracking_number: str, events: Sequence[TrackingEvent]) -> bool:
        """Takes the carrier's scans of a parcel (replays and old scans change nothing); False
        when no parcel has this number."""
        async with self.uow() as uow:
            found = await uow.repo.shipment_by_tracking_number(carrier, tracking_number)
            if found is None:
                return False
            shipment = await uow.repo.shipment(*found, lock=True)
            assert shipment is not None
            known = await uow.repo.known_events(shipment, [e.event_id for e in events])
            before = shipment.status
            for event in sorted(events, key=lambda e: e.at):
                if shipment.track(event, event.event_id in known):
                    known.add(event.event_id)
                    uow.events.append(self._tracked(shipment, event))
            if not uow.events:
                return True
            await uow.repo.save_shipment(shipment)
            if before is not ShipmentStatus.DELIVERED and shipment.status is ShipmentStatus.DELIVERED:
                await self._maybe_delivered(uow, shipment)
            await uow.commit()
        return True

    @staticmethod
    def _tracked(shipment: Shipment, event: TrackingEvent) -> ShipmentTracked:
        return ShipmentTracked(
            shipment_id=shipment.id,
            order_id=shipment.order_id,
            buyer_id=shipment.buyer_id,
            seller_id=shipment.seller_id,
            carrier=shipment.carrier.value,
            tracking_number=shipment.tracking_number,
            status=shipment.status.value,
            version=shipment.version,
            event_status=event.status.value,
            event_at=event.at,
            location=event.location,
            description=event.description,
        )

    async def _maybe_delivered(self, uow: FulfilmentUnitOfWork, shipment: Shipment) -> None:
        order = await uow.repo.order(shipment.buyer_id, shipment.order_id, lock=True)
        if order is None or order.status is not OrderStatus.SHIPPED:
            return
        parcels = await uow.repo.shipments_of(order.seller_id, order.id)
        parcels = [shipment if p.id == shipment.id else p for p in parcels]
        if all_delivered(order.lines, parcels):
            # Delivered when the carrier delivered the last parcel: the return window counts from then.
            at = max((p.delivered_at for p in parcels if p.delivered_at), default=None) or self.clock()
            _move(uow, order, OrderStatus.DELIVERED, Actor.SYSTEM, at, None)
            await uow.repo.save_order(order)


def _scoped(principal: Principal | None, query: ShipmentQuery) -> ShipmentQuery:
    if principal is None:
        raise Unauthenticated("Sign in to see shipments.")
    if query.scope is Scope.PURCHASES:
        return ShipmentQuery(
            Scope.PURCHASES, principal.user_id, None, query.order_id, query.carrier, query.statuses
        )
    if query.scope is Scope.SALES:
        if not (principal.is_seller or principal.is_admin):
            raise Forbidden("Only sellers have shipments to send.")
        return ShipmentQuery(
            Scope.SALES, None, principal.user_id, query.order_id, query.carrier, query.statuses
        )
    if not principal.is_admin:
        raise Forbidden("Only admins list every shipment.")
    return query


@dataclass(frozen=True)
class ShipmentQueries:
    reads: ShipmentReads
    grants: OrderGrants
    cache: TrackingCache

    async def shipment(self, principal: Principal | None, shipment_id: uuid.UUID) -> Shipment | None:
        keys = await self.reads.keys(shipment_id)
        if keys is None or keys.kind != "SHIPMENT":
            return None
        if await who_is(self.grants, principal, keys, keys.order_id) is None:
            return None
        return await self.reads.shipment(keys)

    async def shipments(
        self, principal: Principal | None, query: ShipmentQuery, page: PageArgs
    ) -> Page[Shipment]:
        return await self.reads.shipments(_scoped(principal, query), page)

    async def of_orders(self, orders: Sequence[tuple[uuid.UUID, uuid.UUID]]) -> list[list[Shipment]]:
        """Shipments of orders the caller was already allowed to see, (seller, order) each."""
        return await self.reads.of_orders(orders)

    async def tracking(self, shipment: Shipment) -> list[TrackingEvent]:
        """The scans of a shipment the caller was allowed to see (cached under its version)."""
        cached = await self.cache.get(shipment.id, shipment.version)
        if cached is not None:
            return cached
        events = await self.reads.tracking(shipment.seller_id, shipment.id)
        await self.cache.put(shipment.id, shipment.version, events)
        return events
