"""Cart queries: the caller's cart, its items as a connection, one item."""

from __future__ import annotations

import enum
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

import strawberry

from subgraphs.cart.domain.model import CartLine
from subgraphs.cart.graphql.context import Info
from subgraphs.cart.graphql.reads import active_cart, cart_by_id
from subgraphs.cart.graphql.types import Cart, CartItem
from subgraphs.platform.graphql.arguments import id_filter, page_args
from subgraphs.platform.graphql.cost import PAGINATED
from subgraphs.platform.graphql.types import Connection, SortDirection
from subgraphs.platform.kernel.ids import parse_id
from subgraphs.platform.kernel.paging import CursorOrder, page_in_memory


@strawberry.enum
class CartItemSortField(enum.Enum):
    ADDED_AT = "ADDED_AT"
    UPDATED_AT = "UPDATED_AT"
    UNIT_PRICE = "UNIT_PRICE"
    QUANTITY = "QUANTITY"


@strawberry.input
class CartItemSort:
    field: CartItemSortField = CartItemSortField.ADDED_AT
    direction: SortDirection = SortDirection.ASC


@strawberry.input
class CartItemFilter:
    seller_id: strawberry.ID | None = None
    product_id: strawberry.ID | None = None
    has_problems: bool | None = None


_SORT: dict[CartItemSortField, tuple[Callable[[CartLine], Any], type]] = {
    CartItemSortField.ADDED_AT: (lambda line: line.added_at, datetime),
    CartItemSortField.UPDATED_AT: (lambda line: line.updated_at, datetime),
    CartItemSortField.UNIT_PRICE: (lambda line: line.unit_price, int),
    CartItemSortField.QUANTITY: (lambda line: line.quantity, int),
}


def _order(sort: CartItemSort) -> CursorOrder:
    _, python_type = _SORT[sort.field]
    return CursorOrder(
        "cartItems", sort.field.value, (python_type, uuid.UUID), sort.direction is SortDirection.DESC
    )


@strawberry.type
class CartQuery:
    @strawberry.field(
        description="Your cart: the active one without `id` (created on first use when signed in; "
        "guests send their cart token), or one of your earlier carts by id. Others' carts look missing."
    )
    async def cart(self, info: Info, id: strawberry.ID | None = None) -> Cart | None:
        if id is not None:
            found = await cart_by_id(info.context, id)
        else:
            found = await active_cart(info.context, create=info.context.principal is not None)
        return Cart.from_cart(found) if found else None

    @strawberry.field(
        description="The items of your active cart, filtered and sorted (cursor pages).",
        directives=[PAGINATED],
    )
    async def cart_items(
        self,
        info: Info,
        filter: CartItemFilter | None = None,
        sort: CartItemSort | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[CartItem]:
        f, s = filter or CartItemFilter(), sort or CartItemSort()
        seller = id_filter(f.seller_id, "filter.sellerId")
        product = id_filter(f.product_id, "filter.productId")
        cart = await active_cart(info.context, create=info.context.principal is not None)
        lines = [
            line
            for line in (cart.lines if cart else [])
            if (seller is None or line.seller_id == seller)
            and (product is None or line.product_id == product)
            and (f.has_problems is None or bool(line.problems) is f.has_problems)
        ]
        value = _SORT[s.field][0]
        page = page_args(info.context, first, after, last, before)

        def values_of(line: CartLine) -> list[object]:
            return [value(line), line.id]

        return Connection.from_page(page_in_memory(lines, _order(s), page, values_of), CartItem.from_line)

    @strawberry.field(description="One item of your active cart; others' items look missing.")
    async def cart_item(self, info: Info, id: strawberry.ID) -> CartItem | None:
        line_id = parse_id(id)
        cart = await active_cart(info.context, create=False)
        line = cart.line(line_id) if cart and line_id else None
        return CartItem.from_line(line) if line else None
