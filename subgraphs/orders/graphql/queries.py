"""Order queries: checkouts, orders and order items as the caller may see them (cursor pages)."""

from __future__ import annotations

from datetime import datetime

import strawberry

from subgraphs.orders.domain.orders import OrderStatus as Status
from subgraphs.orders.graphql.context import Info
from subgraphs.orders.graphql.types import Checkout, Order, OrderItem
from subgraphs.orders.service_layer import read_models as rm
from subgraphs.platform.graphql.arguments import id_filter, page_args
from subgraphs.platform.graphql.cost import PAGINATED
from subgraphs.platform.graphql.types import Connection, SortDirection
from subgraphs.platform.kernel.errors import BadUserInput
from subgraphs.platform.kernel.ids import parse_id

strawberry.enum(
    rm.Scope,
    name="OrderScope",
    description="PURCHASES: your orders as the buyer. SALES: orders of your items (sellers; only your "
    "lines). ALL: every order (admins).",
)
strawberry.enum(rm.OrderSort, name="OrderSortField")
SKU_MAX = 64


@strawberry.input
class OrderFilter:
    scope: rm.Scope = rm.Scope.PURCHASES
    status: list[Status] | None = None
    created_after: datetime | None = None
    created_before: datetime | None = None
    buyer_id: strawberry.ID | None = strawberry.field(default=None, description="With scope ALL (admins).")
    seller_id: strawberry.ID | None = None


@strawberry.input
class OrderSort:
    field: rm.OrderSort = rm.OrderSort.CREATED_AT
    direction: SortDirection = SortDirection.DESC


@strawberry.input
class OrderItemFilter:
    scope: rm.Scope = rm.Scope.PURCHASES
    seller_id: strawberry.ID | None = None
    product_id: strawberry.ID | None = None
    sku: str | None = None
    order_id: strawberry.ID | None = None


@strawberry.type
class OrdersQuery:
    @strawberry.federation.field(authenticated=True, description="A checkout of yours (admins: anyone's).")
    async def checkout(self, info: Info, id: strawberry.ID) -> Checkout | None:
        key = parse_id(id)
        found = (
            await info.context.services.queries.checkout(info.context.require_principal(), key)
            if key
            else None
        )
        return Checkout.of(found) if found else None

    @strawberry.federation.field(
        authenticated=True, description="An order you bought, sold (your part) or, for admins, any order."
    )
    async def order(self, info: Info, id: strawberry.ID) -> Order | None:
        key = parse_id(id)
        seen = (
            await info.context.services.queries.order(info.context.require_principal(), key) if key else None
        )
        return Order.of(seen) if seen else None

    @strawberry.federation.field(authenticated=True, directives=[PAGINATED])
    async def orders(
        self,
        info: Info,
        filter: OrderFilter | None = None,
        sort: OrderSort | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Order]:
        f, s = filter or OrderFilter(), sort or OrderSort()
        if f.created_after and f.created_before and f.created_after >= f.created_before:
            raise BadUserInput("`createdAfter` must be before `createdBefore`.", field="filter.createdAfter")
        query = rm.OrderQuery(
            scope=f.scope,
            buyer_id=id_filter(f.buyer_id, "filter.buyerId"),
            seller_id=id_filter(f.seller_id, "filter.sellerId"),
            statuses=tuple(f.status or ()),
            created_after=f.created_after,
            created_before=f.created_before,
            sort=s.field,
            descending=s.direction is SortDirection.DESC,
        )
        principal = info.context.require_principal()
        page = await info.context.services.queries.orders(
            principal, query, page_args(info.context, first, after, last, before)
        )
        return Connection.from_page(
            page, lambda o: Order.of(info.context.services.queries.seen(principal, o))
        )

    @strawberry.federation.field(authenticated=True, description="A line of an order you may see.")
    async def order_item(self, info: Info, id: strawberry.ID) -> OrderItem | None:
        key = parse_id(id)
        found = (
            await info.context.services.queries.item(info.context.require_principal(), key) if key else None
        )
        return OrderItem.of_record(found) if found else None

    @strawberry.federation.field(
        authenticated=True,
        description="Order lines, newest first: with scope SALES, a seller's per-item breakdown.",
        directives=[PAGINATED],
    )
    async def order_items(
        self,
        info: Info,
        filter: OrderItemFilter | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[OrderItem]:
        f = filter or OrderItemFilter()
        if f.sku is not None and not 1 <= len(f.sku) <= SKU_MAX:
            raise BadUserInput("A SKU has 1 to 64 characters.", field="filter.sku")
        query = rm.ItemQuery(
            scope=f.scope,
            seller_id=id_filter(f.seller_id, "filter.sellerId"),
            product_id=id_filter(f.product_id, "filter.productId"),
            sku=f.sku,
            order_id=id_filter(f.order_id, "filter.orderId"),
        )
        page = await info.context.services.queries.items(
            info.context.require_principal(), query, page_args(info.context, first, after, last, before)
        )
        return Connection.from_page(page, OrderItem.of_record)
