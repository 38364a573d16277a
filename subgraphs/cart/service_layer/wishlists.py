"""Wishlist use cases: named lists (one default, made on first use), items added and removed
alone or in bulk, and moves between a wishlist and the cart in one transaction. Every added or
removed item emits `wishlist.item_added|removed` (for recommendations) through the outbox."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from subgraphs.cart.domain import events as ev
from subgraphs.cart.domain.errors import VariantUnavailable
from subgraphs.cart.domain.model import (
    DEFAULT_WISHLIST,
    MAX_BULK,
    MAX_WISHLISTS,
    Wishlist,
    WishlistItem,
    check_quantity,
)
from subgraphs.cart.service_layer.carts import CartChange, Carts, LineRequest, line_event
from subgraphs.cart.service_layer.ports import CartUnitOfWork, Owner
from subgraphs.platform.errors import AppError, BadUserInput, Conflict, NotFound
from subgraphs.platform.events import Event
from subgraphs.platform.ids import new_id
from subgraphs.platform.results import InputErrors


@dataclass(frozen=True, slots=True)
class WishRequest:
    product_id: uuid.UUID
    variant_id: uuid.UUID | None = None


def _event(kind: str, item: WishlistItem) -> Event:
    return Event(
        type=kind,
        aggregate_type="wishlist",
        aggregate_id=item.wishlist_id,
        data={
            "wishlistId": str(item.wishlist_id),
            "ownerId": str(item.owner_id),
            "itemId": str(item.id),
            "productId": str(item.product_id),
            "variantId": str(item.variant_id) if item.variant_id else None,
            "sellerId": str(item.seller_id),
        },
    )


def _path(prefix: str, index: int, name: str) -> str:
    return f"{prefix}.{index}.{name}" if prefix else name


@dataclass
class Wishlists:
    carts: Carts
    clock: Callable[[], datetime]

    async def create(self, uow: CartUnitOfWork, owner: Owner, name: str) -> Wishlist:
        clean = " ".join(name.split())
        if not 1 <= len(clean) <= 100:
            raise InputErrors([BadUserInput("A name has 1 to 100 characters.", field="name")])
        async with uow:
            if await uow.repo.wishlist_count(owner.id) >= MAX_WISHLISTS:
                raise InputErrors(
                    [BadUserInput(f"You can keep at most {MAX_WISHLISTS} wishlists.", field="name")]
                )
            first = await uow.repo.wishlist(owner.id, None) is None
            wishlist = Wishlist(new_id(), owner.id, clean, is_default=first)
            if not await uow.repo.add_wishlist(wishlist):
                raise InputErrors([Conflict("You already have a wishlist with this name.", field="name")])
            uow.events.append(
                Event(
                    ev.WISHLIST_CREATED,
                    "wishlist",
                    wishlist.id,
                    {"wishlistId": str(wishlist.id), "ownerId": str(owner.id), "name": clean},
                )
            )
            await uow.commit()
        return wishlist

    async def delete(self, uow: CartUnitOfWork, owner: Owner, wishlist_id: uuid.UUID) -> uuid.UUID:
        async with uow:
            wishlist = await uow.repo.wishlist(owner.id, wishlist_id)
            if wishlist is None:
                raise InputErrors([NotFound("Wishlist not found.", field="id")])
            if wishlist.is_default:
                raise InputErrors([BadUserInput("The default wishlist cannot be deleted.", field="id")])
            await uow.repo.delete_wishlist(owner.id, wishlist_id)
            uow.events.append(
                Event(
                    ev.WISHLIST_DELETED,
                    "wishlist",
                    wishlist_id,
                    {"wishlistId": str(wishlist_id), "ownerId": str(owner.id)},
                )
            )
            await uow.commit()
        return wishlist_id

    async def _target(self, uow: CartUnitOfWork, owner: Owner, wishlist_id: uuid.UUID | None) -> Wishlist:
        wishlist = await uow.repo.wishlist(owner.id, wishlist_id)
        if wishlist is not None:
            return wishlist
        if wishlist_id is not None:
            raise InputErrors([NotFound("Wishlist not found.", field="wishlistId")])
        default = Wishlist(new_id(), owner.id, DEFAULT_WISHLIST, is_default=True)
        await uow.repo.add_wishlist(default)
        found = await uow.repo.wishlist(owner.id, None)  # a concurrent first use may have won
        assert found is not None
        return found

    async def add(
        self,
        uow: CartUnitOfWork,
        owner: Owner,
        wishlist_id: uuid.UUID | None,
        requests: Sequence[WishRequest],
        prefix: str = "",
    ) -> list[WishlistItem]:
        """Adds products (optionally a chosen variant); adding one already there is not an error."""
        if not requests or len(requests) > MAX_BULK:
            raise InputErrors([BadUserInput(f"Give 1 to {MAX_BULK} items.", field=prefix or "items")])
        sellers = await self.carts.catalog.products([r.product_id for r in requests])
        variants = await self.carts.catalog.variants([r.variant_id for r in requests if r.variant_id])
        errors: list[AppError] = []
        for i, r in enumerate(requests):
            if r.product_id not in sellers:
                errors.append(NotFound("Product not found.", field=_path(prefix, i, "productId")))
            elif r.variant_id and (
                r.variant_id not in variants or variants[r.variant_id].product_id != r.product_id
            ):
                errors.append(
                    VariantUnavailable(
                        "This variant is not one of the product's.", field=_path(prefix, i, "variantId")
                    )
                )
        if errors:
            raise InputErrors(errors)
        async with uow:
            wishlist = await self._target(uow, owner, wishlist_id)
            items = []
            for r in requests:
                item = await uow.repo.add_wishlist_item(
                    WishlistItem(
                        new_id(), owner.id, wishlist.id, r.product_id, r.variant_id, sellers[r.product_id]
                    )
                )
                if item.added_at is not None:
                    uow.events.append(_event(ev.WISHLIST_ITEM_ADDED, item))
                items.append(item)
            await uow.commit()
        return items

    async def remove(
        self, uow: CartUnitOfWork, owner: Owner, item_ids: Sequence[uuid.UUID], prefix: str = ""
    ) -> list[uuid.UUID]:
        if not item_ids or len(item_ids) > MAX_BULK:
            raise InputErrors([BadUserInput(f"Give 1 to {MAX_BULK} items.", field=prefix or "ids")])
        async with uow:
            found = {item.id: item for item in await uow.repo.wishlist_items(owner.id, item_ids)}
            missing = [i for i, item_id in enumerate(item_ids) if item_id not in found]
            if missing:
                raise InputErrors(
                    [
                        NotFound("Wishlist item not found.", field=f"{prefix}.{i}" if prefix else "id")
                        for i in missing
                    ]
                )
            await uow.repo.delete_wishlist_items(owner.id, list(found))
            uow.events.extend(_event(ev.WISHLIST_ITEM_REMOVED, item) for item in found.values())
            await uow.commit()
        return list(found)

    async def move_to_cart(
        self, uow: CartUnitOfWork, owner: Owner, item_id: uuid.UUID, quantity: int
    ) -> CartChange:
        """The wishlist item leaves the list and joins the cart, or neither happens."""
        async with uow:
            found = await uow.repo.wishlist_items(owner.id, [item_id])
        item = found[0] if found else None
        if item is None:
            raise InputErrors([NotFound("Wishlist item not found.", field="id")])
        if item.variant_id is None:
            raise InputErrors([BadUserInput("Choose a variant of this product first.", field="id")])
        facts = await self.carts.catalog.variants([item.variant_id])
        try:
            check_quantity(quantity)
        except AppError as exc:
            raise InputErrors([exc]) from exc
        async with uow:
            cart = await uow.repo.active_cart(owner, create=True, lock=True)
            assert cart is not None
            if not await uow.repo.wishlist_items(owner.id, [item_id]):
                raise InputErrors([NotFound("Wishlist item not found.", field="id")])
            now = self.clock()
            lines = await self.carts.add_locked(
                uow, owner, cart, [LineRequest(item.variant_id, quantity)], facts, "", now
            )
            await uow.repo.delete_wishlist_items(owner.id, [item_id])
            uow.events.append(_event(ev.WISHLIST_ITEM_REMOVED, item))
            cart.changed(now)
            await uow.repo.save_cart(cart)
            await uow.commit()
        return CartChange(cart, [line.id for line in lines])

    async def move_from_cart(
        self, uow: CartUnitOfWork, owner: Owner, line_id: uuid.UUID, wishlist_id: uuid.UUID | None
    ) -> WishlistItem:
        """The cart line leaves the cart and joins the wishlist, or neither happens."""
        async with uow:
            cart = await uow.repo.active_cart(owner, create=True, lock=True)
            assert cart is not None
            line = cart.line(line_id)
            if line is None:
                raise InputErrors([NotFound("Cart item not found.", field="cartItemId")])
            wishlist = await self._target(uow, owner, wishlist_id)
            item = await uow.repo.add_wishlist_item(
                WishlistItem(
                    new_id(), owner.id, wishlist.id, line.product_id, line.variant_id, line.seller_id
                )
            )
            if item.added_at is not None:
                uow.events.append(_event(ev.WISHLIST_ITEM_ADDED, item))
            await uow.repo.delete_lines(owner.id, [line_id])
            cart.lines.remove(line)
            uow.events.append(line_event(ev.CART_ITEM_REMOVED, cart, line))
            cart.changed(self.clock())
            await uow.repo.save_cart(cart)
            await uow.commit()
        return item
