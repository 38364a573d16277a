"""Wishlist use cases: named lists (one default, made on first use), items added and removed
alone or in bulk, and moves between a wishlist and the cart in one transaction. Every added or
removed item emits `wishlist.item_added|removed` (for recommendations) through the outbox."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from subgraphs.cart.domain.cart import LineRequest, check_line_requests
from subgraphs.cart.domain.errors import VariantUnavailable
from subgraphs.cart.domain.model import (
    DEFAULT_WISHLIST,
    MAX_BULK,
    MAX_WISHLISTS,
    Owner,
    Wishlist,
    WishlistItem,
)
from subgraphs.cart.service_layer.carts import CartChange, locked_cart
from subgraphs.cart.service_layer.ports import CartUnitOfWork, Catalog, OpenCartUnitOfWork
from subgraphs.contracts.cart import (
    WishlistCreated,
    WishlistDeleted,
    WishlistItemAdded,
    WishlistItemEvent,
    WishlistItemRemoved,
)
from subgraphs.platform.kernel.errors import AppError, BadUserInput, Conflict, NotFound
from subgraphs.platform.kernel.ids import new_id
from subgraphs.platform.kernel.results import InputErrors


@dataclass(frozen=True, slots=True)
class WishRequest:
    product_id: uuid.UUID
    variant_id: uuid.UUID | None = None


def _event(kind: type[WishlistItemEvent], item: WishlistItem) -> WishlistItemEvent:
    return kind(
        wishlist_id=item.wishlist_id,
        owner_id=item.owner_id,
        item_id=item.id,
        product_id=item.product_id,
        variant_id=item.variant_id,
        seller_id=item.seller_id,
    )


def _path(prefix: str, index: int, name: str) -> str:
    return f"{prefix}.{index}.{name}" if prefix else name


@dataclass(frozen=True)
class Wishlists:
    uow: OpenCartUnitOfWork
    catalog: Catalog
    clock: Callable[[], datetime]

    async def create(self, owner: Owner, name: str) -> Wishlist:
        clean = " ".join(name.split())
        if not 1 <= len(clean) <= 100:
            raise InputErrors([BadUserInput("A name has 1 to 100 characters.", field="name")])
        async with self.uow() as uow:
            if await uow.repo.wishlist_count(owner.id) >= MAX_WISHLISTS:
                raise InputErrors(
                    [BadUserInput(f"You can keep at most {MAX_WISHLISTS} wishlists.", field="name")]
                )
            first = await uow.repo.wishlist(owner.id, None) is None
            wishlist = Wishlist(new_id(), owner.id, clean, is_default=first)
            if not await uow.repo.add_wishlist(wishlist):
                raise InputErrors([Conflict("You already have a wishlist with this name.", field="name")])
            uow.events.append(WishlistCreated(wishlist_id=wishlist.id, owner_id=owner.id, name=clean))
            await uow.commit()
        return wishlist

    async def delete(self, owner: Owner, wishlist_id: uuid.UUID) -> uuid.UUID:
        async with self.uow() as uow:
            wishlist = await uow.repo.wishlist(owner.id, wishlist_id)
            if wishlist is None:
                raise InputErrors([NotFound("Wishlist not found.", field="id")])
            if wishlist.is_default:
                raise InputErrors([BadUserInput("The default wishlist cannot be deleted.", field="id")])
            await uow.repo.delete_wishlist(owner.id, wishlist_id)
            uow.events.append(WishlistDeleted(wishlist_id=wishlist_id, owner_id=owner.id))
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
        owner: Owner,
        wishlist_id: uuid.UUID | None,
        requests: Sequence[WishRequest],
        prefix: str = "",
    ) -> list[WishlistItem]:
        """Adds products (optionally a chosen variant); adding one already there is not an error."""
        if not requests or len(requests) > MAX_BULK:
            raise InputErrors([BadUserInput(f"Give 1 to {MAX_BULK} items.", field=prefix or "items")])
        sellers = await self.catalog.products([r.product_id for r in requests])
        variants = await self.catalog.variants([r.variant_id for r in requests if r.variant_id])
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
        async with self.uow() as uow:
            wishlist = await self._target(uow, owner, wishlist_id)
            items = []
            for r in requests:
                item = await uow.repo.add_wishlist_item(
                    WishlistItem(
                        new_id(), owner.id, wishlist.id, r.product_id, r.variant_id, sellers[r.product_id]
                    )
                )
                if item.added_at is not None:
                    uow.events.append(_event(WishlistItemAdded, item))
                items.append(item)
            await uow.commit()
        return items

    async def remove(self, owner: Owner, item_ids: Sequence[uuid.UUID], prefix: str = "") -> list[uuid.UUID]:
        if not item_ids or len(item_ids) > MAX_BULK:
            raise InputErrors([BadUserInput(f"Give 1 to {MAX_BULK} items.", field=prefix or "ids")])
        async with self.uow() as uow:
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
            uow.events.extend(_event(WishlistItemRemoved, item) for item in found.values())
            await uow.commit()
        return list(found)

    async def move_to_cart(self, owner: Owner, item_id: uuid.UUID, quantity: int) -> CartChange:
        """The wishlist item leaves the list and joins the cart, or neither happens."""
        async with self.uow() as uow:
            found = await uow.repo.wishlist_items(owner.id, [item_id])
        item = found[0] if found else None
        if item is None:
            raise InputErrors([NotFound("Wishlist item not found.", field="id")])
        if item.variant_id is None:
            raise InputErrors([BadUserInput("Choose a variant of this product first.", field="id")])
        request = LineRequest(item.variant_id, quantity)
        check_line_requests([request])
        facts = await self.catalog.variants([item.variant_id])
        async with self.uow() as uow:
            cart = await locked_cart(uow, owner)
            if not await uow.repo.wishlist_items(owner.id, [item_id]):
                raise InputErrors([NotFound("Wishlist item not found.", field="id")])
            change = cart.add([request], facts, self.clock())
            await uow.repo.delete_wishlist_items(owner.id, [item_id])
            await uow.repo.save(cart, change)
            uow.events.append(_event(WishlistItemRemoved, item))
            uow.events.extend(cart.pull_events())
            await uow.commit()
        return CartChange(cart, [line.id for line in change.touched])

    async def move_from_cart(
        self, owner: Owner, line_id: uuid.UUID, wishlist_id: uuid.UUID | None
    ) -> WishlistItem:
        """The cart line leaves the cart and joins the wishlist, or neither happens."""
        async with self.uow() as uow:
            cart = await locked_cart(uow, owner)
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
                uow.events.append(_event(WishlistItemAdded, item))
            change = cart.remove([line_id], self.clock(), missing="cartItemId")
            await uow.repo.save(cart, change)
            uow.events.extend(cart.pull_events())
            await uow.commit()
        return item
