"""What the cart use cases need: storage, the catalogue's view of variants, and a unit of work."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Protocol, Self

from subgraphs.cart.domain.model import Cart, CartLine, OwnerKind, VariantFacts, Wishlist, WishlistItem
from subgraphs.platform.events import Event


@dataclass(frozen=True, slots=True)
class Owner:
    """Whose cart: a signed-in user, or a guest known by the id derived from their cart token."""

    id: uuid.UUID
    kind: OwnerKind

    @classmethod
    def guest(cls, token_sha256: bytes) -> Owner:
        """A guest cart's owner id is the first 16 bytes of its token's SHA-256."""
        return cls(uuid.UUID(bytes=token_sha256[:16]), OwnerKind.GUEST)


@dataclass(frozen=True, slots=True)
class StoredRequest:
    request_hash: str
    cart_id: uuid.UUID
    line_id: uuid.UUID | None


class Catalog(Protocol):
    async def variants(self, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, VariantFacts]:
        """Facts for each listed, existing variant; the others are absent."""
        ...

    async def products(self, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, uuid.UUID]:
        """Seller id of each listed, existing product; the others are absent."""
        ...


class CartRepository(Protocol):
    async def active_cart(self, owner: Owner, *, create: bool, lock: bool) -> Cart | None: ...
    async def cart_by_id(self, owner_id: uuid.UUID, cart_id: uuid.UUID) -> Cart | None: ...
    async def add_line(self, owner_id: uuid.UUID, cart: Cart, line: CartLine) -> None: ...
    async def save_line(self, owner_id: uuid.UUID, line: CartLine) -> None: ...
    async def delete_lines(self, owner_id: uuid.UUID, line_ids: Sequence[uuid.UUID]) -> None: ...
    async def save_cart(self, cart: Cart, merged_into: uuid.UUID | None = None) -> None: ...
    async def stored_request(self, owner_id: uuid.UUID, key: str) -> StoredRequest | None: ...
    async def store_request(self, owner_id: uuid.UUID, key: str, request: StoredRequest) -> None: ...
    async def wishlist(self, owner_id: uuid.UUID, wishlist_id: uuid.UUID | None) -> Wishlist | None: ...
    async def wishlist_count(self, owner_id: uuid.UUID) -> int: ...
    async def add_wishlist(self, wishlist: Wishlist) -> bool: ...
    async def delete_wishlist(self, owner_id: uuid.UUID, wishlist_id: uuid.UUID) -> None: ...
    async def add_wishlist_item(self, item: WishlistItem) -> WishlistItem: ...
    async def wishlist_items(
        self, owner_id: uuid.UUID, item_ids: Sequence[uuid.UUID]
    ) -> list[WishlistItem]: ...
    async def delete_wishlist_items(self, owner_id: uuid.UUID, item_ids: Sequence[uuid.UUID]) -> None: ...


class CartUnitOfWork(Protocol):
    events: list[Event]

    @property
    def repo(self) -> CartRepository: ...

    async def __aenter__(self) -> Self: ...

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...

    async def commit(self) -> None: ...
