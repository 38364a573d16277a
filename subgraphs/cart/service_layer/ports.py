"""What the cart use cases need: storage, a cache of carts, and the catalogue's view of variants."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from subgraphs.cart.domain.cart import Cart, LinesChange
from subgraphs.cart.domain.model import CartLine, Owner, VariantFacts, Wishlist, WishlistItem
from subgraphs.platform.kernel.unit_of_work import UnitOfWork, UnitOfWorkFactory


@dataclass(frozen=True, slots=True)
class StoredRequest:
    """An idempotency key's first answer: the body it came with, and what it added."""

    request_hash: str
    cart_id: uuid.UUID
    line_id: uuid.UUID | None


class Catalog(Protocol):
    """The products subgraph as the cart sees it (it never reads products' tables)."""

    async def variants(self, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, VariantFacts]:
        """Facts for each listed, existing variant; the others are absent."""
        ...

    async def products(self, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, uuid.UUID]:
        """Seller id of each listed, existing product; the others are absent."""
        ...


class CartRepository(Protocol):
    async def active_cart(self, owner: Owner, *, create: bool, lock: bool) -> Cart | None: ...
    async def cart_by_id(self, owner_id: uuid.UUID, cart_id: uuid.UUID) -> Cart | None: ...
    async def save(
        self, cart: Cart, change: LinesChange | None = None, merged_into: uuid.UUID | None = None
    ) -> None:
        """The cart row, and the lines the change added, changed and removed."""
        ...

    async def lines_in_active_carts(
        self, *, product_id: uuid.UUID | None = None, variant_id: uuid.UUID | None = None
    ) -> list[tuple[uuid.UUID, CartLine]]:
        """(owner id, line) of every active cart holding the product or variant."""
        ...

    async def refresh_lines(self, lines: Sequence[tuple[uuid.UUID, CartLine]]) -> None:
        """Writes the lines' catalogue facts (price, stock, availability), nothing else."""
        ...

    async def bump_versions(self, owner_ids: Iterable[uuid.UUID]) -> None:
        """Moves the owners' active carts to a new version (what they show changed)."""
        ...

    async def stored_request(self, owner_id: uuid.UUID, key: str) -> StoredRequest | None: ...
    async def store_request(self, owner_id: uuid.UUID, key: str, request: StoredRequest) -> None: ...
    async def wishlist(self, owner_id: uuid.UUID, wishlist_id: uuid.UUID | None) -> Wishlist | None: ...
    async def wishlist_count(self, owner_id: uuid.UUID) -> int: ...
    async def add_wishlist(self, wishlist: Wishlist) -> bool:
        """False when the name (or a second default) is taken; else fills in its timestamps."""

    async def delete_wishlist(self, owner_id: uuid.UUID, wishlist_id: uuid.UUID) -> None: ...
    async def add_wishlist_item(self, item: WishlistItem) -> WishlistItem: ...
    async def wishlist_items(
        self, owner_id: uuid.UUID, item_ids: Sequence[uuid.UUID]
    ) -> list[WishlistItem]: ...
    async def delete_wishlist_items(self, owner_id: uuid.UUID, item_ids: Sequence[uuid.UUID]) -> None: ...


CartUnitOfWork = UnitOfWork[CartRepository]
OpenCartUnitOfWork = UnitOfWorkFactory[CartRepository]


class CartViews(Protocol):
    """Each owner's active cart as last read, in a cache a change (or a price event) retires."""

    async def get(self, owner_id: uuid.UUID) -> tuple[Cart | None, bytes]:
        """(cached cart or None, the generation to pass back to `put`)."""
        ...

    async def put(self, cart: Cart, generation: bytes) -> None: ...
    async def drop(self, owner_ids: Iterable[uuid.UUID]) -> None: ...
