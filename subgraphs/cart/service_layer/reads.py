"""Reading carts and wishlists: the cached active cart, carts by id, wishlist pages (read models)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Protocol

from subgraphs.cart.domain.cart import Cart
from subgraphs.cart.domain.model import Owner, Wishlist, WishlistItem
from subgraphs.cart.service_layer.carts import Carts
from subgraphs.cart.service_layer.ports import CartViews, OpenCartUnitOfWork
from subgraphs.platform.kernel.paging import Page, PageArgs


@dataclass(frozen=True)
class CartReads:
    uow: OpenCartUnitOfWork
    views: CartViews
    carts: Carts

    async def active_cart(self, owner: Owner, *, create: bool) -> Cart | None:
        """The owner's active cart, from the cache when it is current (users get one on first use)."""
        cart, generation = await self.views.get(owner.id)
        if cart is not None:
            return cart
        if create:
            cart = await self.carts.open(owner)
        else:
            async with self.uow(read_only=True) as uow:
                cart = await uow.repo.active_cart(owner, create=False, lock=False)
        if cart is not None:
            await self.views.put(cart, generation)
        return cart

    async def cart_by_id(self, owner: Owner, cart_id: uuid.UUID) -> Cart | None:
        """Any of the owner's carts (active, merged, checked out); other people's look missing."""
        active = await self.active_cart(owner, create=False)
        if active is not None and active.id == cart_id:
            return active
        async with self.uow(read_only=True) as uow:
            return await uow.repo.cart_by_id(owner.id, cart_id)


@dataclass(frozen=True)
class WishlistItemQuery:
    wishlist_id: uuid.UUID | None = None
    product_id: uuid.UUID | None = None
    seller_id: uuid.UUID | None = None
    newest_first: bool = True


class WishlistReads(Protocol):
    """A user's wishlists and their items, newest or oldest first (ids are UUIDv7: added order)."""

    async def wishlist_page(self, owner_id: uuid.UUID, page: PageArgs) -> Page[Wishlist]: ...
    async def item_page(
        self, owner_id: uuid.UUID, query: WishlistItemQuery, page: PageArgs
    ) -> Page[WishlistItem]: ...
    async def wishlist(self, owner_id: uuid.UUID, wishlist_id: uuid.UUID) -> Wishlist | None: ...
    async def item(self, owner_id: uuid.UUID, item_id: uuid.UUID) -> WishlistItem | None: ...
