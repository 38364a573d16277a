"""Wishlists: queries (connections with filters and sorting) and mutations, signed-in users only.
Other users' wishlists and items look missing."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import strawberry

from subgraphs.cart.domain import model
from subgraphs.cart.domain.model import Owner
from subgraphs.cart.graphql.context import CartContext, Info
from subgraphs.cart.graphql.mutations import CartPayload, run_cart_change
from subgraphs.cart.graphql.types import Product, ProductVariant
from subgraphs.cart.service_layer.carts import CartChange
from subgraphs.cart.service_layer.reads import WishlistItemQuery
from subgraphs.cart.service_layer.wishlists import WishRequest
from subgraphs.platform.graphql.arguments import id_filter, page_args, parse_ids
from subgraphs.platform.graphql.cost import PAGINATED, PAGINATED_FORWARD, expected_size
from subgraphs.platform.graphql.mutations import expected_errors
from subgraphs.platform.graphql.types import Connection, SortDirection, UserError
from subgraphs.platform.kernel.errors import NotFound
from subgraphs.platform.kernel.ids import parse_id
from subgraphs.platform.kernel.paging import PageArgs
from subgraphs.platform.kernel.results import InputErrors


@strawberry.type
class WishlistItem:
    id: strawberry.ID
    wishlist_id: strawberry.ID
    seller_id: strawberry.ID
    product: Product
    variant: ProductVariant | None
    added_at: datetime

    @classmethod
    def from_item(cls, item: model.WishlistItem) -> WishlistItem:
        return cls(
            id=strawberry.ID(str(item.id)),
            wishlist_id=strawberry.ID(str(item.wishlist_id)),
            seller_id=strawberry.ID(str(item.seller_id)),
            product=Product(id=strawberry.ID(str(item.product_id))),
            variant=ProductVariant(id=strawberry.ID(str(item.variant_id))) if item.variant_id else None,
            added_at=item.added_at or datetime.min,
        )


@strawberry.type
class Wishlist:
    id: strawberry.ID
    name: str
    is_default: bool
    created_at: datetime

    @classmethod
    def from_wishlist(cls, w: model.Wishlist) -> Wishlist:
        return cls(
            id=strawberry.ID(str(w.id)),
            name=w.name,
            is_default=w.is_default,
            created_at=w.created_at or datetime.min,
        )

    @strawberry.field(description="Items of this list, newest first.", directives=[PAGINATED_FORWARD])
    async def items(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[WishlistItem]:
        page = page_args(info.context, first, after, None, None)
        return await _items(info.context, WishlistItemQuery(wishlist_id=uuid.UUID(self.id)), page)


@strawberry.input
class WishlistItemSort:
    direction: SortDirection = SortDirection.DESC


@strawberry.input
class WishlistItemFilter:
    product_id: strawberry.ID | None = None
    seller_id: strawberry.ID | None = None


@strawberry.input
class WishlistItemInput:
    product_id: strawberry.ID
    variant_id: strawberry.ID | None = None


def _owner(ctx: CartContext) -> Owner:
    return Owner.user(ctx.require_principal().user_id)


def _item_query(
    wishlist_id: strawberry.ID | None, f: WishlistItemFilter | None, sort: WishlistItemSort
) -> WishlistItemQuery:
    return WishlistItemQuery(
        wishlist_id=id_filter(wishlist_id, "wishlistId"),
        product_id=id_filter(f.product_id, "filter.productId") if f else None,
        seller_id=id_filter(f.seller_id, "filter.sellerId") if f else None,
        newest_first=sort.direction is SortDirection.DESC,
    )


async def _items(ctx: CartContext, query: WishlistItemQuery, page: PageArgs) -> Connection[WishlistItem]:
    rows = await ctx.services.wishlist_reads.item_page(_owner(ctx).id, query, page)
    return Connection.from_page(rows, WishlistItem.from_item)


@strawberry.type
class WishlistQuery:
    @strawberry.federation.field(
        authenticated=True,
        description="Your wishlists (the default one first made on first use).",
        directives=[PAGINATED],
    )
    async def wishlists(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Wishlist]:
        page = page_args(info.context, first, after, last, before)
        rows = await info.context.services.wishlist_reads.wishlist_page(_owner(info.context).id, page)
        return Connection.from_page(rows, Wishlist.from_wishlist)

    @strawberry.federation.field(authenticated=True)
    async def wishlist(self, info: Info, id: strawberry.ID) -> Wishlist | None:
        key = parse_id(id)
        if key is None:
            return None
        found = await info.context.services.wishlist_reads.wishlist(_owner(info.context).id, key)
        return Wishlist.from_wishlist(found) if found else None

    @strawberry.federation.field(
        authenticated=True, description="Items across your wishlists, or of one.", directives=[PAGINATED]
    )
    async def wishlist_items(
        self,
        info: Info,
        wishlist_id: strawberry.ID | None = None,
        filter: WishlistItemFilter | None = None,
        sort: WishlistItemSort | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[WishlistItem]:
        query = _item_query(wishlist_id, filter, sort or WishlistItemSort())
        return await _items(info.context, query, page_args(info.context, first, after, last, before))

    @strawberry.federation.field(authenticated=True)
    async def wishlist_item(self, info: Info, id: strawberry.ID) -> WishlistItem | None:
        key = parse_id(id)
        if key is None:
            return None
        found = await info.context.services.wishlist_reads.item(_owner(info.context).id, key)
        return WishlistItem.from_item(found) if found else None


@strawberry.type
class WishlistPayload:
    wishlist: Wishlist | None
    user_errors: list[UserError]


@strawberry.type
class WishlistItemsPayload:
    items: list[WishlistItem] = strawberry.field(directives=[expected_size(5)])
    removed_ids: list[strawberry.ID]
    user_errors: list[UserError]


def _parse(raw: list[strawberry.ID], field: str) -> list[uuid.UUID]:
    return parse_ids(raw, field, lambda path: NotFound("Not found.", field=path))


async def _items_payload(call: Any) -> WishlistItemsPayload:
    try:
        result = await call
    except InputErrors as exc:
        return WishlistItemsPayload(items=[], removed_ids=[], user_errors=expected_errors(exc))
    if result and isinstance(result[0], uuid.UUID):
        return WishlistItemsPayload(
            items=[], removed_ids=[strawberry.ID(str(i)) for i in result], user_errors=[]
        )
    return WishlistItemsPayload(
        items=[WishlistItem.from_item(x) for x in result], removed_ids=[], user_errors=[]
    )


def _requests(items: list[WishlistItemInput], prefix: str) -> list[WishRequest]:
    products = _parse([i.product_id for i in items], prefix + "{i}.productId" if prefix else "productId")
    variants = [parse_id(i.variant_id) if i.variant_id else None for i in items]
    return [WishRequest(p, v) for p, v in zip(products, variants, strict=True)]


@strawberry.type
class WishlistMutation:
    @strawberry.federation.mutation(authenticated=True, description="A new named list (at most 20).")
    async def create_wishlist(self, info: Info, name: str) -> WishlistPayload:
        try:
            created = await info.context.services.wishlists.create(_owner(info.context), name)
        except InputErrors as exc:
            return WishlistPayload(wishlist=None, user_errors=expected_errors(exc))
        return WishlistPayload(wishlist=Wishlist.from_wishlist(created), user_errors=[])

    @strawberry.federation.mutation(
        authenticated=True, description="Delete a list and its items (not the default one)."
    )
    async def delete_wishlist(self, info: Info, id: strawberry.ID) -> WishlistItemsPayload:
        async def run() -> list[uuid.UUID]:
            [key] = _parse([id], "id")
            return [await info.context.services.wishlists.delete(_owner(info.context), key)]

        return await _items_payload(run())

    @strawberry.federation.mutation(
        authenticated=True,
        description="Save a product (optionally a variant); to the default list unless `wishlistId`.",
    )
    async def add_to_wishlist(
        self,
        info: Info,
        product_id: strawberry.ID,
        variant_id: strawberry.ID | None = None,
        wishlist_id: strawberry.ID | None = None,
    ) -> WishlistItemsPayload:
        async def run() -> list[model.WishlistItem]:
            requests = _requests([WishlistItemInput(product_id=product_id, variant_id=variant_id)], "")
            target = _parse([wishlist_id], "wishlistId")[0] if wishlist_id else None
            return await info.context.services.wishlists.add(_owner(info.context), target, requests)

        return await _items_payload(run())

    @strawberry.federation.mutation(
        authenticated=True, description="Save up to 50 products at once, all or nothing."
    )
    async def wishlist_items_bulk_add(
        self, info: Info, items: list[WishlistItemInput], wishlist_id: strawberry.ID | None = None
    ) -> WishlistItemsPayload:
        async def run() -> list[model.WishlistItem]:
            requests = _requests(items, "items.")
            target = _parse([wishlist_id], "wishlistId")[0] if wishlist_id else None
            return await info.context.services.wishlists.add(_owner(info.context), target, requests, "items")

        return await _items_payload(run())

    @strawberry.federation.mutation(authenticated=True)
    async def remove_from_wishlist(self, info: Info, id: strawberry.ID) -> WishlistItemsPayload:
        async def run() -> list[uuid.UUID]:
            return await info.context.services.wishlists.remove(_owner(info.context), _parse([id], "id"))

        return await _items_payload(run())

    @strawberry.federation.mutation(
        authenticated=True, description="Remove up to 50 items at once, all or nothing."
    )
    async def wishlist_items_bulk_remove(self, info: Info, ids: list[strawberry.ID]) -> WishlistItemsPayload:
        async def run() -> list[uuid.UUID]:
            keys = _parse(ids, "ids.{i}")
            return await info.context.services.wishlists.remove(_owner(info.context), keys, "ids")

        return await _items_payload(run())

    @strawberry.federation.mutation(
        authenticated=True, description="Move a wishlist item (with a variant) into the cart."
    )
    async def move_wishlist_item_to_cart(
        self, info: Info, id: strawberry.ID, quantity: int = 1
    ) -> CartPayload:
        async def write(owner: Owner) -> CartChange:
            [key] = _parse([id], "id")
            return await info.context.services.wishlists.move_to_cart(owner, key, quantity)

        return await run_cart_change(info, write)

    @strawberry.federation.mutation(
        authenticated=True,
        description="Move a cart item into a wishlist (the default one unless `wishlistId`).",
    )
    async def move_cart_item_to_wishlist(
        self, info: Info, cart_item_id: strawberry.ID, wishlist_id: strawberry.ID | None = None
    ) -> WishlistItemsPayload:
        async def run() -> list[model.WishlistItem]:
            [line] = _parse([cart_item_id], "cartItemId")
            target = _parse([wishlist_id], "wishlistId")[0] if wishlist_id else None
            return [await info.context.services.wishlists.move_from_cart(_owner(info.context), line, target)]

        return await _items_payload(run())
