"""Wishlists: queries (connections with filters and sorting) and mutations, signed-in users only.
Other users' wishlists and items look missing."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import strawberry
from sqlalchemy import select

from subgraphs.cart.adapters import tables as t
from subgraphs.cart.adapters.repository import wishlist_from_row, wishlist_item_from_row
from subgraphs.cart.domain import model
from subgraphs.cart.graphql.ids import parse_ids
from subgraphs.cart.graphql.mutations import CartPayload, _run
from subgraphs.cart.graphql.reads import new_uow
from subgraphs.cart.graphql.types import Product, ProductVariant
from subgraphs.cart.graphql.wiring import WISHLISTS
from subgraphs.cart.service_layer.carts import CartChange
from subgraphs.cart.service_layer.ports import Owner
from subgraphs.cart.service_layer.wishlists import Wishlists, WishRequest
from subgraphs.platform.context import Context, Info
from subgraphs.platform.errors import NotFound
from subgraphs.platform.graphql_pagination import ascending, id_filter, paginate
from subgraphs.platform.graphql_types import Connection, SortDirection, UserError, user_errors_from
from subgraphs.platform.ids import parse_id
from subgraphs.platform.pagination import KeysetOrder, PageArgs, SortKey
from subgraphs.platform.results import InputErrors


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

    @strawberry.field(description="Items of this list, newest first.")
    async def items(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[WishlistItem]:
        return await _items(info, uuid.UUID(self.id), None, WishlistItemSort(), PageArgs(first, after))


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


def _owner(ctx: Context) -> Owner:
    return Owner(ctx.require_principal().user_id, model.OwnerKind.USER)


def _service(ctx: Context) -> Wishlists:
    service: Wishlists = ctx.services[WISHLISTS]
    return service


async def _items(
    info: Info,
    wishlist_id: uuid.UUID | None,
    f: WishlistItemFilter | None,
    sort: WishlistItemSort,
    page: PageArgs,
) -> Connection[WishlistItem]:
    i = t.wishlist_items
    query = select(i).where(i.c.owner_id == _owner(info.context).id)
    if wishlist_id is not None:
        query = query.where(i.c.wishlist_id == wishlist_id)
    if f is not None:
        if (product := id_filter(f.product_id, "filter.productId")) is not None:
            query = query.where(i.c.product_id == product)
        if (seller := id_filter(f.seller_id, "filter.sellerId")) is not None:
            query = query.where(i.c.seller_id == seller)
    # Ids are UUIDv7: id order is the order items were added.
    order = KeysetOrder(
        "wishlistItems", "ADDED_AT", (SortKey(i.c.id, uuid.UUID),), sort.direction is SortDirection.DESC
    )
    return await paginate(
        info, query, order, page, lambda r: WishlistItem.from_item(wishlist_item_from_row(r))
    )


@strawberry.type
class WishlistQuery:
    @strawberry.federation.field(
        authenticated=True, description="Your wishlists (the default one first made on first use)."
    )
    async def wishlists(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Wishlist]:
        w = t.wishlists
        query = select(w).where(w.c.owner_id == _owner(info.context).id)
        order = ascending("wishlists", (w.c.id, uuid.UUID))
        return await paginate(
            info,
            query,
            order,
            PageArgs(first, after, last, before),
            lambda r: Wishlist.from_wishlist(wishlist_from_row(r)),
        )

    @strawberry.federation.field(authenticated=True)
    async def wishlist(self, info: Info, id: strawberry.ID) -> Wishlist | None:
        key = parse_id(id)
        if key is None:
            return None
        async with new_uow(info.context) as uow:
            found = await uow.repo.wishlist(_owner(info.context).id, key)
        return Wishlist.from_wishlist(found) if found else None

    @strawberry.federation.field(authenticated=True, description="Items across your wishlists, or of one.")
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
        return await _items(
            info,
            id_filter(wishlist_id, "wishlistId"),
            filter,
            sort or WishlistItemSort(),
            PageArgs(first, after, last, before),
        )

    @strawberry.federation.field(authenticated=True)
    async def wishlist_item(self, info: Info, id: strawberry.ID) -> WishlistItem | None:
        key = parse_id(id)
        if key is None:
            return None
        async with new_uow(info.context) as uow:
            found = await uow.repo.wishlist_items(_owner(info.context).id, [key])
        return WishlistItem.from_item(found[0]) if found else None


@strawberry.type
class WishlistPayload:
    wishlist: Wishlist | None
    user_errors: list[UserError]


@strawberry.type
class WishlistItemsPayload:
    items: list[WishlistItem]
    removed_ids: list[strawberry.ID]
    user_errors: list[UserError]


def _parse(raw: list[strawberry.ID], field: str) -> list[uuid.UUID]:
    return parse_ids(raw, field, lambda path: NotFound("Not found.", field=path))


async def _items_payload(call: Any) -> WishlistItemsPayload:
    try:
        result = await call
    except InputErrors as exc:
        return WishlistItemsPayload(items=[], removed_ids=[], user_errors=user_errors_from(exc.errors))
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
            created = await _service(info.context).create(new_uow(info.context), _owner(info.context), name)
        except InputErrors as exc:
            return WishlistPayload(wishlist=None, user_errors=user_errors_from(exc.errors))
        return WishlistPayload(wishlist=Wishlist.from_wishlist(created), user_errors=[])

    @strawberry.federation.mutation(
        authenticated=True, description="Delete a list and its items (not the default one)."
    )
    async def delete_wishlist(self, info: Info, id: strawberry.ID) -> WishlistItemsPayload:
        async def run() -> list[uuid.UUID]:
            [key] = _parse([id], "id")
            return [await _service(info.context).delete(new_uow(info.context), _owner(info.context), key)]

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
            return await _service(info.context).add(
                new_uow(info.context), _owner(info.context), target, requests
            )

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
            return await _service(info.context).add(
                new_uow(info.context), _owner(info.context), target, requests, "items"
            )

        return await _items_payload(run())

    @strawberry.federation.mutation(authenticated=True)
    async def remove_from_wishlist(self, info: Info, id: strawberry.ID) -> WishlistItemsPayload:
        async def run() -> list[uuid.UUID]:
            return await _service(info.context).remove(
                new_uow(info.context), _owner(info.context), _parse([id], "id")
            )

        return await _items_payload(run())

    @strawberry.federation.mutation(
        authenticated=True, description="Remove up to 50 items at once, all or nothing."
    )
    async def wishlist_items_bulk_remove(self, info: Info, ids: list[strawberry.ID]) -> WishlistItemsPayload:
        async def run() -> list[uuid.UUID]:
            keys = _parse(ids, "ids.{i}")
            return await _service(info.context).remove(
                new_uow(info.context), _owner(info.context), keys, "ids"
            )

        return await _items_payload(run())

    @strawberry.federation.mutation(
        authenticated=True, description="Move a wishlist item (with a variant) into the cart."
    )
    async def move_wishlist_item_to_cart(
        self, info: Info, id: strawberry.ID, quantity: int = 1
    ) -> CartPayload:
        async def write(owner: Owner) -> CartChange:
            [key] = _parse([id], "id")
            return await _service(info.context).move_to_cart(new_uow(info.context), owner, key, quantity)

        return await _run(info, write)

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
            return [
                await _service(info.context).move_from_cart(
                    new_uow(info.context), _owner(info.context), line, target
                )
            ]

        return await _items_payload(run())
