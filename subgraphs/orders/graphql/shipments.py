"""Shipments (the spec's ShipmentViewSet): a seller ships their order's lines in parcels; the
buyer, that seller and admins follow the carrier's scans. Nobody else learns a parcel exists."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from subgraphs.orders.domain import shipments as sh
from subgraphs.orders.graphql.context import Info
from subgraphs.orders.service_layer.fulfilment_ports import ShipmentQuery
from subgraphs.orders.service_layer.read_models import Scope
from subgraphs.orders.service_layer.shipments import ParcelRequest
from subgraphs.platform.graphql.arguments import id_filter, page_args, uuid_arg
from subgraphs.platform.graphql.cost import FREE, PAGINATED, expected_size
from subgraphs.platform.graphql.mutations import user_errors
from subgraphs.platform.graphql.types import Connection, UserError
from subgraphs.platform.kernel.errors import BadUserInput
from subgraphs.platform.kernel.ids import parse_id
from subgraphs.platform.kernel.results import InputErrors

if TYPE_CHECKING:
    from subgraphs.orders.graphql.types import Order

strawberry.enum(sh.Carrier, description="Carriers we buy labels from.")
strawberry.enum(sh.ShipmentStatus, description="Where a parcel is, as its carrier last scanned it.")
MAX_PARCEL_LINES = 100


@strawberry.type(directives=[FREE], description="One carrier scan.")
class TrackingEvent:
    status: sh.ShipmentStatus
    at: datetime
    location: str | None
    description: str | None


@strawberry.type(directives=[FREE], description="Units of one order line in this parcel.")
class ShipmentItem:
    item_id: strawberry.ID = strawberry.field(description="The OrderItem shipped.")
    quantity: int


@strawberry.type(description="A parcel of a seller order.")
class Shipment:
    id: strawberry.ID
    order_id: strawberry.ID
    seller_id: strawberry.ID
    carrier: sh.Carrier
    service: str
    tracking_number: str
    status: sh.ShipmentStatus
    items: list[ShipmentItem] = strawberry.field(directives=[expected_size(5)])
    version: int
    created_at: datetime
    updated_at: datetime
    delivered_at: datetime | None
    _shipment: strawberry.Private[sh.Shipment]

    @strawberry.field(
        description="The carrier's scans, oldest first (cached 15 minutes; a new scan shows at once).",
        directives=[expected_size(6)],
    )
    async def tracking(self, info: Info) -> list[TrackingEvent]:
        events = await info.context.services.shipment_queries.tracking(self._shipment)
        return [
            TrackingEvent(status=e.status, at=e.at, location=e.location, description=e.description)
            for e in events
        ]

    @strawberry.field(description="The order this parcel belongs to.")
    async def order(
        self, info: Info
    ) -> Annotated[Order, strawberry.lazy("subgraphs.orders.graphql.types")] | None:
        from subgraphs.orders.graphql.types import Order

        seen = await info.context.services.queries.order(info.context.principal, self._shipment.order_id)
        return Order.of(seen) if seen else None

    @classmethod
    def of(cls, s: sh.Shipment) -> Shipment:
        return cls(
            id=strawberry.ID(str(s.id)),
            order_id=strawberry.ID(str(s.order_id)),
            seller_id=strawberry.ID(str(s.seller_id)),
            carrier=s.carrier,
            service=s.service,
            tracking_number=s.tracking_number,
            status=s.status,
            items=[ShipmentItem(item_id=strawberry.ID(str(x.item_id)), quantity=x.quantity) for x in s.lines],
            version=s.version,
            created_at=s.created_at,
            updated_at=s.updated_at,
            delivered_at=s.delivered_at,
            _shipment=s,
        )


@strawberry.input
class ShipmentFilter:
    scope: Scope = strawberry.field(
        default=Scope.PURCHASES,
        description="PURCHASES: parcels to you. SALES: parcels you send. ALL: admins.",
    )
    carrier: sh.Carrier | None = None
    status: list[sh.ShipmentStatus] | None = None
    order_id: strawberry.ID | None = None


@strawberry.input
class ShipmentLineInput:
    item_id: strawberry.ID
    quantity: int


@strawberry.input
class ShipmentCreateInput:
    order_id: strawberry.ID
    carrier: sh.Carrier
    service: str = strawberry.field(description="The carrier's service, e.g. DHL EXPRESS, FEDEX GROUND.")
    items: list[ShipmentLineInput] | None = strawberry.field(
        default=None, description="Which lines and how many; omitted: everything not shipped yet."
    )


@strawberry.type
class ShipmentPayload:
    shipment: Shipment | None
    user_errors: list[UserError]


@strawberry.type
class ShipmentQueries:
    @strawberry.federation.field(
        authenticated=True, description="A parcel you send or receive (admins: any)."
    )
    async def shipment(self, info: Info, id: strawberry.ID) -> Shipment | None:
        key = parse_id(id)
        found = (
            await info.context.services.shipment_queries.shipment(info.context.require_principal(), key)
            if key
            else None
        )
        return Shipment.of(found) if found else None

    @strawberry.federation.field(authenticated=True, directives=[PAGINATED], description="Newest first.")
    async def shipments(
        self,
        info: Info,
        filter: ShipmentFilter | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Shipment]:
        f = filter or ShipmentFilter()
        query = ShipmentQuery(
            scope=f.scope,
            order_id=id_filter(f.order_id, "filter.orderId"),
            carrier=f.carrier,
            statuses=tuple(f.status or ()),
        )
        page = await info.context.services.shipment_queries.shipments(
            info.context.require_principal(), query, page_args(info.context, first, after, last, before)
        )
        return Connection.from_page(page, Shipment.of)


@strawberry.type
class ShipmentMutations:
    @strawberry.federation.mutation(
        authenticated=True,
        description="Ships some (or all remaining) lines of your order in one parcel and buys its label. "
        "A paid order is accepted; once every line is in a parcel the order is SHIPPED.",
    )
    async def shipment_create(self, info: Info, input: ShipmentCreateInput) -> ShipmentPayload:
        ctx = info.context
        principal = ctx.require_principal()

        async def ship() -> sh.Shipment:
            items = input.items or []
            if len(items) > MAX_PARCEL_LINES:
                raise InputErrors([BadUserInput(f"At most {MAX_PARCEL_LINES} lines.", field="input.items")])
            request = ParcelRequest(
                order_id=uuid_arg(input.order_id, "input.orderId"),
                carrier=input.carrier,
                service=input.service,
                items=tuple(
                    (uuid_arg(x.item_id, f"input.items.{i}.itemId"), x.quantity) for i, x in enumerate(items)
                ),
            )
            return await ctx.services.shipment_actions.ship(principal, request)

        found, errors = await user_errors(ship)
        return ShipmentPayload(shipment=Shipment.of(found) if found else None, user_errors=errors)
