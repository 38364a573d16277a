"""Who sees which order, checkout and item (the OrderPermission rows of the spec).

A buyer sees their own checkouts, orders and items; a seller sees the orders holding their
items — a seller order holds only that seller's lines and totals — and, of the buyer, only
what a shipment needs; admins see everything. Anyone else is told "not found": someone
else's order is indistinguishable from a missing one.
"""

from __future__ import annotations

import uuid

from subgraphs.contracts.access import Principal
from subgraphs.orders.domain.orders import Actor
from subgraphs.orders.service_layer.read_models import ItemQuery, OrderQuery, Scope
from subgraphs.platform.kernel.errors import Forbidden, Unauthenticated


def viewer(principal: Principal | None, buyer_id: uuid.UUID, seller_id: uuid.UUID | None) -> Actor | None:
    """How the caller sees an object with these keys, or None when they may not see it."""
    if principal is None:
        return None
    if principal.is_admin:
        return Actor.ADMIN
    if principal.user_id == buyer_id:
        return Actor.BUYER
    if seller_id is not None and principal.user_id == seller_id:
        return Actor.SELLER
    return None


def _scoped_keys(principal: Principal | None, scope: Scope) -> tuple[uuid.UUID | None, uuid.UUID | None]:
    """(buyer id, seller id) a listing of `scope` is pinned to for this caller."""
    if principal is None:
        raise Unauthenticated("Sign in to see orders.")
    if scope is Scope.PURCHASES:
        return principal.user_id, None
    if scope is Scope.SALES:
        if not (principal.is_seller or principal.is_admin):
            raise Forbidden("Only sellers have sales.")
        return None, principal.user_id
    if not principal.is_admin:
        raise Forbidden("Only admins list every order.")
    return None, None


def scoped_orders(principal: Principal | None, query: OrderQuery) -> OrderQuery:
    buyer, seller = _scoped_keys(principal, query.scope)
    if query.scope is Scope.ALL:
        return query
    return OrderQuery(
        scope=query.scope,
        buyer_id=buyer,
        seller_id=seller or query.seller_id,
        statuses=query.statuses,
        created_after=query.created_after,
        created_before=query.created_before,
        sort=query.sort,
        descending=query.descending,
    )


def scoped_items(principal: Principal | None, query: ItemQuery) -> ItemQuery:
    buyer, seller = _scoped_keys(principal, query.scope)
    if query.scope is Scope.ALL:
        return query
    return ItemQuery(
        scope=query.scope,
        buyer_id=buyer,
        seller_id=seller or query.seller_id,
        product_id=query.product_id,
        sku=query.sku,
        order_id=query.order_id,
    )
