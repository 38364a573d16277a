"""`returnPermissions` / `shipmentPermissions` (the spec's ReturnPermission and ShipmentPermission
rows): who may do what with a return or a shipment, as the rules say now."""

from __future__ import annotations

import uuid

import strawberry

from subgraphs.orders.domain import returns as rd
from subgraphs.orders.domain.orders import Actor
from subgraphs.orders.domain.shipments import Carrier
from subgraphs.orders.graphql import returns as _registers_the_return_enums  # noqa: F401 (before use)
from subgraphs.orders.graphql.context import Info
from subgraphs.orders.service_layer.permission_rows import Capability, PermissionRow
from subgraphs.platform.graphql.arguments import id_filter, page_args
from subgraphs.platform.graphql.cost import PAGINATED
from subgraphs.platform.graphql.types import Connection
from subgraphs.platform.kernel.paging import Page

strawberry.enum(
    Capability, name="PermissionCapability", description="What a role may do with the object now."
)


@strawberry.type(description="Who may do what with a return (the spec's ReturnPermission row).")
class ReturnPermission:
    id: strawberry.ID = strawberry.field(description="`<returnId>:<role>`.")
    return_id: strawberry.ID
    user_id: strawberry.ID | None = strawberry.field(
        description="None: any admin (or hidden from the seller)."
    )
    role: Actor
    capabilities: list[Capability]
    status: str

    @classmethod
    def of(cls, r: PermissionRow) -> ReturnPermission:
        return cls(
            id=strawberry.ID(r.id),
            return_id=strawberry.ID(str(r.object_id)),
            user_id=strawberry.ID(str(r.user_id)) if r.user_id else None,
            role=r.role,
            capabilities=list(r.capabilities),
            status=r.status,
        )


@strawberry.type(description="Who may do what with a shipment (the spec's ShipmentPermission row).")
class ShipmentPermission:
    id: strawberry.ID = strawberry.field(description="`<shipmentId>:<role>`.")
    shipment_id: strawberry.ID
    user_id: strawberry.ID | None = strawberry.field(
        description="None: any admin (or hidden from the seller)."
    )
    role: Actor
    capabilities: list[Capability]
    status: str
    carrier: Carrier | None

    @classmethod
    def of(cls, r: PermissionRow) -> ShipmentPermission:
        return cls(
            id=strawberry.ID(r.id),
            shipment_id=strawberry.ID(str(r.object_id)),
            user_id=strawberry.ID(str(r.user_id)) if r.user_id else None,
            role=r.role,
            capabilities=list(r.capabilities),
            status=r.status,
            carrier=r.carrier,
        )


@strawberry.input
class ReturnPermissionFilter:
    return_id: strawberry.ID | None = None
    status: list[rd.ReturnStatus] | None = None
    role: Actor | None = None


@strawberry.input
class ShipmentPermissionFilter:
    shipment_id: strawberry.ID | None = None
    carrier: Carrier | None = None
    role: Actor | None = None


def _rows(found: list[PermissionRow]) -> Page[PermissionRow]:
    return Page(found, [r.id for r in found], False, False)


def _row_id(raw: strawberry.ID) -> tuple[uuid.UUID, Actor] | None:
    head, _, role = str(raw).partition(":")
    try:
        return uuid.UUID(head), Actor(role)
    except ValueError:
        return None


@strawberry.type
class PermissionRowQueries:
    @strawberry.federation.field(authenticated=True, directives=[PAGINATED])
    async def return_permissions(
        self,
        info: Info,
        filter: ReturnPermissionFilter | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[ReturnPermission]:
        f, principal = filter or ReturnPermissionFilter(), info.context.require_principal()
        rows = info.context.services.permission_rows
        # A malformed id in a filter is the client's error (BAD_USER_INPUT), as everywhere.
        return_id = id_filter(f.return_id, "filter.returnId")
        if return_id is not None:
            found = await rows.for_return(principal, return_id, f.role)
            wanted = [r for r in found if not f.status or rd.ReturnStatus(r.status) in f.status]
            return Connection.from_page(_rows(wanted), ReturnPermission.of)
        page = await rows.of_returns(
            principal, tuple(f.status or ()), f.role, page_args(info.context, first, after, last, before)
        )
        return Connection.from_page(page, ReturnPermission.of)

    @strawberry.federation.field(authenticated=True)
    async def return_permission(self, info: Info, id: strawberry.ID) -> ReturnPermission | None:
        key = _row_id(id)
        rows = info.context.services.permission_rows
        found = await rows.for_return(info.context.require_principal(), key[0], key[1]) if key else []
        return ReturnPermission.of(found[0]) if found else None

    @strawberry.federation.field(authenticated=True, directives=[PAGINATED])
    async def shipment_permissions(
        self,
        info: Info,
        filter: ShipmentPermissionFilter | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[ShipmentPermission]:
        f, principal = filter or ShipmentPermissionFilter(), info.context.require_principal()
        rows = info.context.services.permission_rows
        shipment_id = id_filter(f.shipment_id, "filter.shipmentId")
        if shipment_id is not None:
            found = await rows.for_shipment(principal, shipment_id, f.role)
            wanted = [r for r in found if f.carrier is None or r.carrier is f.carrier]
            return Connection.from_page(_rows(wanted), ShipmentPermission.of)
        page = await rows.of_shipments(
            principal, f.carrier, f.role, page_args(info.context, first, after, last, before)
        )
        return Connection.from_page(page, ShipmentPermission.of)

    @strawberry.federation.field(authenticated=True)
    async def shipment_permission(self, info: Info, id: strawberry.ID) -> ShipmentPermission | None:
        key = _row_id(id)
        rows = info.context.services.permission_rows
        found = await rows.for_shipment(info.context.require_principal(), key[0], key[1]) if key else []
        return ShipmentPermission.of(found[0]) if found else None
