"""The spec's ReturnPermission and ShipmentPermission rows: who may do what with a return or a
shipment, derived from the rules themselves (never stored, so never out of date).

    return     BUYER  (requests; sees)   SELLER (approves, rejects, receives)   ADMIN (all, overrides)
    shipment   BUYER  (sees)             SELLER (ships, sees)                   ADMIN (all)

For one object (`returnId` / `shipmentId`), its three rows, to whoever may see the object; a
seller is not shown the buyer's id. Without one, a row per object of the caller's listing (their
purchases, sales, or everything for admins): the caller's own permission on each.
"""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass

from subgraphs.contracts.access import Principal
from subgraphs.orders.domain.orders import Actor
from subgraphs.orders.domain.returns import Return, ReturnStatus
from subgraphs.orders.domain.shipments import Carrier, Shipment
from subgraphs.orders.service_layer.fulfilment_ports import ShipmentQuery
from subgraphs.orders.service_layer.read_models import Scope
from subgraphs.orders.service_layer.returns import ReturnQueries
from subgraphs.orders.service_layer.returns_ports import ReturnQuery
from subgraphs.orders.service_layer.shipments import ShipmentQueries
from subgraphs.platform.kernel.paging import Page, PageArgs


class Capability(enum.Enum):
    VIEW = "VIEW"
    REQUEST = "REQUEST"
    APPROVE = "APPROVE"
    REJECT = "REJECT"
    RECEIVE = "RECEIVE"
    SHIP = "SHIP"
    OVERRIDE = "OVERRIDE"


@dataclass(frozen=True, slots=True)
class PermissionRow:
    id: str  # "<object id>:<role>"
    object_id: uuid.UUID
    user_id: uuid.UUID | None  # None: any admin, or a buyer hidden from the seller
    role: Actor
    capabilities: tuple[Capability, ...]
    status: str  # the object's status now
    carrier: Carrier | None = None


C = Capability


def return_capabilities(role: Actor, status: ReturnStatus) -> tuple[Capability, ...]:
    if role is Actor.BUYER:
        return (C.VIEW,)
    if role is Actor.SELLER:
        answers = {ReturnStatus.REQUESTED: (C.APPROVE, C.REJECT), ReturnStatus.APPROVED: (C.RECEIVE,)}
        return (C.VIEW, *answers.get(status, ()))
    admin = {
        ReturnStatus.REQUESTED: (C.APPROVE, C.REJECT),
        ReturnStatus.REJECTED: (C.APPROVE,),
        ReturnStatus.APPROVED: (C.RECEIVE,),
    }
    return (C.VIEW, *admin.get(status, ()), C.OVERRIDE)


def _return_rows(r: Return, viewer: Actor) -> list[PermissionRow]:
    def row(role: Actor, user: uuid.UUID | None) -> PermissionRow:
        return PermissionRow(
            f"{r.id}:{role.value}", r.id, user, role, return_capabilities(role, r.status), r.status.value
        )

    buyer = None if viewer is Actor.SELLER else r.buyer_id
    return [row(Actor.BUYER, buyer), row(Actor.SELLER, r.seller_id), row(Actor.ADMIN, None)]


def _shipment_rows(s: Shipment, viewer: Actor) -> list[PermissionRow]:
    caps = {Actor.BUYER: (C.VIEW,), Actor.SELLER: (C.VIEW, C.SHIP), Actor.ADMIN: (C.VIEW, C.SHIP)}
    buyer = None if viewer is Actor.SELLER else s.buyer_id
    users = {Actor.BUYER: buyer, Actor.SELLER: s.seller_id, Actor.ADMIN: None}
    return [
        PermissionRow(f"{s.id}:{role.value}", s.id, users[role], role, caps[role], s.status.value, s.carrier)
        for role in (Actor.BUYER, Actor.SELLER, Actor.ADMIN)
    ]


def _scope_of(principal: Principal, role: Actor | None) -> tuple[Scope, Actor]:
    if principal.is_admin and role in (None, Actor.ADMIN):
        return Scope.ALL, Actor.ADMIN
    if role is Actor.SELLER or (role is None and principal.is_seller):
        return Scope.SALES, Actor.SELLER
    return Scope.PURCHASES, Actor.BUYER


@dataclass(frozen=True)
class PermissionRows:
    returns: ReturnQueries
    shipments: ShipmentQueries

    async def for_return(
        self, principal: Principal, return_id: uuid.UUID, role: Actor | None
    ) -> list[PermissionRow]:
        found = await self.returns.return_(principal, return_id)
        if found is None:
            return []
        return [r for r in _return_rows(*found) if role is None or r.role is role]

    async def of_returns(
        self, principal: Principal, statuses: tuple[ReturnStatus, ...], role: Actor | None, page: PageArgs
    ) -> Page[PermissionRow]:
        scope, as_ = _scope_of(principal, role)
        listed = await self.returns.returns(principal, ReturnQuery(scope=scope, statuses=statuses), page)
        return listed.map(lambda r: next(x for x in _return_rows(r, as_) if x.role is as_))

    async def for_shipment(
        self, principal: Principal, shipment_id: uuid.UUID, role: Actor | None
    ) -> list[PermissionRow]:
        found = await self.shipments.shipment(principal, shipment_id)
        if found is None:
            return []
        viewer = (
            Actor.SELLER if principal.user_id == found.seller_id and not principal.is_admin else Actor.BUYER
        )
        return [r for r in _shipment_rows(found, viewer) if role is None or r.role is role]

    async def of_shipments(
        self, principal: Principal, carrier: Carrier | None, role: Actor | None, page: PageArgs
    ) -> Page[PermissionRow]:
        scope, as_ = _scope_of(principal, role)
        listed = await self.shipments.shipments(principal, ShipmentQuery(scope=scope, carrier=carrier), page)
        return listed.map(lambda s: next(x for x in _shipment_rows(s, as_) if x.role is as_))
