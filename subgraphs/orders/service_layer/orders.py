"""Reading orders as the caller may see them, and moving them through their lifecycle.

Every read starts from the id's keys (`order_keys`) and decides who the caller is to the
object (buyer, seller, admin) before anything is read; a caller who is none of them gets
None. A move is the aggregate's (domain/orders.py) with the caller's role; cancelling a paid
order refunds it through the payment provider, once (idempotency key per order).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from subgraphs.contracts.access import Principal
from subgraphs.orders.domain.checkout import Checkout
from subgraphs.orders.domain.errors import IllegalTransition
from subgraphs.orders.domain.grants import GrantRole, OrderGrant
from subgraphs.orders.domain.orders import PAID_STATES, Actor, Order, OrderStatus, StatusChange
from subgraphs.orders.domain.overrides import OverrideAction, ResourceType
from subgraphs.orders.service_layer.access import scoped_items, scoped_orders, viewer
from subgraphs.orders.service_layer.grants import OrderGrants
from subgraphs.orders.service_layer.overrides import use_override
from subgraphs.orders.service_layer.ports import (
    Keys,
    OpenOrdersUnitOfWork,
    PaymentGateway,
    PaymentTimeout,
    RecentOrders,
)
from subgraphs.orders.service_layer.read_models import (
    GrantQuery,
    ItemQuery,
    ItemRecord,
    OrderQuery,
    OrderReads,
    Scope,
)
from subgraphs.orders.service_layer.saga import cancelled_event, status_changed_event
from subgraphs.platform.kernel.errors import BadUserInput, Forbidden, NotFound, Unauthenticated
from subgraphs.platform.kernel.paging import Page, PageArgs
from subgraphs.platform.kernel.results import InputErrors

logger = logging.getLogger("orders.orders")
NOTE_MAX = 500


@dataclass(frozen=True, slots=True)
class Seen:
    """An object and who the caller is to it (what the fields may show)."""

    order: Order
    as_: Actor


async def who_is(
    grants: OrderGrants, principal: Principal | None, keys: Keys, order_id: uuid.UUID | None
) -> Actor | None:
    """The caller's role to an object: buyer, seller, admin — or, through an explicit grant on
    its order, an admin's view (None: they may not see it)."""
    role = viewer(principal, keys.buyer_id, keys.seller_id)
    if role is not None or principal is None or order_id is None:
        return role
    return Actor.ADMIN if await grants.role_of(principal.user_id, order_id) is not None else None


def _recent(query: OrderQuery, page: PageArgs) -> bool:
    """The buyer's plain newest-first first page: the one the spec's recent-orders cache holds."""
    plain = OrderQuery(scope=Scope.PURCHASES, buyer_id=query.buyer_id)
    return query == plain and not page.backward and page.after is None and page.before is None


@dataclass(frozen=True)
class OrderQueries:
    reads: OrderReads
    grants: OrderGrants
    recent: RecentOrders

    async def checkout(self, principal: Principal | None, checkout_id: uuid.UUID) -> Checkout | None:
        keys = await self.reads.keys(checkout_id)
        if keys is None or keys.kind != "CHECKOUT" or viewer(principal, keys.buyer_id, None) is None:
            return None
        return await self.reads.checkout(keys.buyer_id, checkout_id)

    async def orders_of(self, checkout: Checkout) -> list[Order]:
        return await self.reads.orders_of(checkout.buyer_id, checkout.id)

    async def order(self, principal: Principal | None, order_id: uuid.UUID) -> Seen | None:
        keys = await self.reads.keys(order_id)
        if keys is None or keys.kind != "ORDER":
            return None
        role = await who_is(self.grants, principal, keys, keys.id)
        if role is None:
            return None
        order = await self.reads.order(keys)
        return Seen(order, role) if order else None

    async def orders(self, principal: Principal | None, query: OrderQuery, page: PageArgs) -> Page[Order]:
        scoped = scoped_orders(principal, query)
        if not _recent(scoped, page) or scoped.buyer_id is None:
            return await self.reads.orders(scoped, page)
        version = await self.recent.version(scoped.buyer_id)
        if version is not None and (cached := await self.recent.get(scoped.buyer_id, version, page.size)):
            return cached
        found = await self.reads.orders(scoped, page)
        if version is not None:
            await self.recent.put(scoped.buyer_id, version, page.size, found)
        return found

    async def item(self, principal: Principal | None, item_id: uuid.UUID) -> ItemRecord | None:
        keys = await self.reads.keys(item_id)
        if (
            keys is None
            or keys.kind != "ITEM"
            or await who_is(self.grants, principal, keys, keys.order_id) is None
        ):
            return None
        return await self.reads.item(keys)

    async def items(self, principal: Principal | None, query: ItemQuery, page: PageArgs) -> Page[ItemRecord]:
        return await self.reads.items(scoped_items(principal, query), page)

    @staticmethod
    def seen(principal: Principal, order: Order) -> Seen:
        """An order of a listing the caller was allowed (scoped_orders pinned it to them)."""
        role = viewer(principal, order.buyer_id, order.seller_id)
        assert role is not None, "a listing only holds orders its caller may see"
        return Seen(order, role)

    async def permissions(self, principal: Principal, query: GrantQuery, page: PageArgs) -> Page[OrderGrant]:
        """Admins list every grant; anyone else only the grants they hold."""
        if not principal.is_admin:
            if query.user_id not in (None, principal.user_id):
                raise Forbidden("Only admins list other users' order permissions.")
            query = GrantQuery(order_id=query.order_id, user_id=principal.user_id, role=query.role)
        return await self.reads.grants(query, page)

    async def permission(self, principal: Principal, grant_id: uuid.UUID) -> OrderGrant | None:
        keys = await self.reads.keys(grant_id)
        if (
            keys is None
            or keys.kind != "GRANT"
            or not (principal.is_admin or principal.user_id == keys.buyer_id)
        ):
            return None
        return await self.reads.grant(keys)

    async def histories(self, orders: list[tuple[uuid.UUID, uuid.UUID]]) -> list[list[StatusChange]]:
        """Status changes of orders the caller was already allowed to see, (seller, order) each."""
        return await self.reads.histories(orders)


@dataclass(frozen=True)
class OrderActions:
    uow: OpenOrdersUnitOfWork
    payments: PaymentGateway
    grants: OrderGrants
    clock: Callable[[], datetime]

    async def move(
        self,
        principal: Principal | None,
        order_id: uuid.UUID,
        to: OrderStatus,
        note: str | None = None,
        request_id: str | None = None,
    ) -> Seen:
        if principal is None:
            raise Unauthenticated("Sign in to change an order.")
        if note is not None and len(note) > NOTE_MAX:
            raise InputErrors([BadUserInput(f"A note has at most {NOTE_MAX} characters.", field="note")])
        role = await self._role(principal, order_id)
        async with self.uow() as uow:
            keys = await uow.repo.keys(order_id)
            if keys is None or role is None:
                raise InputErrors([NotFound("Order not found.", field="id")])
            order = await uow.repo.order(keys.buyer_id, order_id, lock=True)
            if order is None:
                raise InputErrors([NotFound("Order not found.", field="id")])
            previous, now = order.status, self.clock()
            try:
                order.move(to, role, now, principal.user_id, note)
            except IllegalTransition as exc:
                detail = f"{previous.value} -> {to.value}"
                forced = to is not previous and await use_override(
                    uow,
                    principal,
                    ResourceType.ORDER,
                    order_id,
                    OverrideAction.ORDER_FORCE_STATUS,
                    detail,
                    request_id,
                    now,
                )
                if not forced:
                    raise InputErrors([exc]) from exc
                order.force(to, now, principal.user_id, note)
            if to is OrderStatus.CANCELLED and previous in PAID_STATES:
                order.refunded_total = order.grand_total  # all of it comes back (below)
            await uow.repo.save_order(order)
            if to is OrderStatus.CANCELLED:
                uow.events.append(cancelled_event(order, previous, f"{role.value}_CANCELLED"))
            else:
                uow.events.append(status_changed_event(order, previous))
            checkout = await uow.repo.checkout(order.buyer_id, order.checkout_id)
            await uow.commit()
        if to is OrderStatus.CANCELLED and previous in PAID_STATES and checkout and checkout.authorization_id:
            await self._refund(order, checkout.authorization_id)
        return Seen(order, role)

    async def _role(self, principal: Principal, order_id: uuid.UUID) -> Actor | None:
        """Who the caller acts as on the order: its buyer, its seller, an admin, or an admin
        through a SUPPORT grant (a VIEWER grant only reads)."""
        async with self.uow() as uow:
            keys = await uow.repo.keys(order_id)
        if keys is None or keys.kind != "ORDER":
            return None
        role = viewer(principal, keys.buyer_id, keys.seller_id)
        if role is None and await self.grants.role_of(principal.user_id, order_id) is GrantRole.SUPPORT:
            return Actor.ADMIN
        return role

    async def _refund(self, order: Order, authorization_id: str) -> None:
        try:
            await self.payments.refund(
                key=f"order:{order.id}:refund", authorization_id=authorization_id, amount=order.grand_total
            )
        except PaymentTimeout:
            # Logged for an operator: a retry with the same key refunds once (no refunds job yet).
            logger.warning("refund of cancelled order %s is pending: the provider timed out", order.id)
