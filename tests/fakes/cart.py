"""In-memory fakes of the cart subgraph's ports, for service-layer tests without a database.

They keep the SQL adapter's rules that the use cases rely on: one ACTIVE cart per owner,
copies on read (a change not saved is lost), adding a wishlist item twice returns the first.
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import replace

from subgraphs.cart.adapters.unit_of_work import owners_named
from subgraphs.cart.domain.cart import Cart, LinesChange
from subgraphs.cart.domain.model import CartLine, CartStatus, Owner, VariantFacts, Wishlist, WishlistItem
from subgraphs.cart.service_layer.carts import Carts
from subgraphs.cart.service_layer.ports import StoredRequest
from subgraphs.cart.service_layer.reads import CartReads
from subgraphs.cart.service_layer.wishlists import Wishlists
from subgraphs.platform.kernel.clock import utcnow
from subgraphs.platform.kernel.ids import new_id
from subgraphs.platform.kernel.messages import EventContract
from tests.fakes.unit_of_work import FakeUnitOfWork


class FakeCartRepository:
    def __init__(self) -> None:
        self.carts: dict[uuid.UUID, Cart] = {}
        self.requests: dict[tuple[uuid.UUID, str], StoredRequest] = {}
        self.wishlists: dict[uuid.UUID, Wishlist] = {}
        self.items: dict[uuid.UUID, WishlistItem] = {}

    async def active_cart(self, owner: Owner, *, create: bool, lock: bool) -> Cart | None:
        found = next(
            (c for c in self.carts.values() if c.owner_id == owner.id and c.status is CartStatus.ACTIVE), None
        )
        if found is None and create:
            now = utcnow()
            found = Cart(new_id(), owner.id, owner.kind, CartStatus.ACTIVE, 1, None, [], now, now)
            self.carts[found.id] = found
        return copy.deepcopy(found)

    async def cart_by_id(self, owner_id: uuid.UUID, cart_id: uuid.UUID) -> Cart | None:
        found = self.carts.get(cart_id)
        return copy.deepcopy(found) if found is not None and found.owner_id == owner_id else None

    async def save(
        self, cart: Cart, change: LinesChange | None = None, merged_into: uuid.UUID | None = None
    ) -> None:
        stored = copy.deepcopy(cart)
        stored.events = []
        self.carts[cart.id] = stored

    async def lines_in_active_carts(
        self, *, product_id: uuid.UUID | None = None, variant_id: uuid.UUID | None = None
    ) -> list[tuple[uuid.UUID, CartLine]]:
        return [
            (cart.owner_id, copy.deepcopy(line))
            for cart in self.carts.values()
            if cart.status is CartStatus.ACTIVE
            for line in cart.lines
            if (line.variant_id == variant_id if variant_id is not None else line.product_id == product_id)
        ]

    async def refresh_lines(self, lines: Sequence[tuple[uuid.UUID, CartLine]]) -> None:
        fresh = {line.id: line for _, line in lines}
        for cart in self.carts.values():
            cart.lines = [
                replace(x, unit_price=f.unit_price, available=f.available, unavailable=f.unavailable)
                if (f := fresh.get(x.id)) is not None
                else x
                for x in cart.lines
            ]

    async def bump_versions(self, owner_ids: Iterable[uuid.UUID]) -> None:
        owners = set(owner_ids)
        for cart in self.carts.values():
            if cart.owner_id in owners and cart.status is CartStatus.ACTIVE:
                cart.version += 1

    async def stored_request(self, owner_id: uuid.UUID, key: str) -> StoredRequest | None:
        return self.requests.get((owner_id, key))

    async def store_request(self, owner_id: uuid.UUID, key: str, request: StoredRequest) -> None:
        self.requests[(owner_id, key)] = request

    async def wishlist(self, owner_id: uuid.UUID, wishlist_id: uuid.UUID | None) -> Wishlist | None:
        for w in self.wishlists.values():
            if w.owner_id == owner_id and (w.id == wishlist_id if wishlist_id else w.is_default):
                return copy.deepcopy(w)
        return None

    async def wishlist_count(self, owner_id: uuid.UUID) -> int:
        return sum(1 for w in self.wishlists.values() if w.owner_id == owner_id)

    async def add_wishlist(self, wishlist: Wishlist) -> bool:
        mine = [w for w in self.wishlists.values() if w.owner_id == wishlist.owner_id]
        if any(w.name == wishlist.name or (w.is_default and wishlist.is_default) for w in mine):
            return False
        wishlist.created_at = wishlist.updated_at = utcnow()
        self.wishlists[wishlist.id] = replace(wishlist)
        return True

    async def delete_wishlist(self, owner_id: uuid.UUID, wishlist_id: uuid.UUID) -> None:
        self.items = {k: i for k, i in self.items.items() if i.wishlist_id != wishlist_id}
        self.wishlists.pop(wishlist_id, None)

    async def add_wishlist_item(self, item: WishlistItem) -> WishlistItem:
        for existing in self.items.values():
            if (existing.owner_id, existing.wishlist_id, existing.product_id, existing.variant_id) == (
                item.owner_id,
                item.wishlist_id,
                item.product_id,
                item.variant_id,
            ):
                return replace(existing, added_at=None)  # "already there": no event
        stored = replace(item, added_at=utcnow())
        self.items[item.id] = stored
        return copy.deepcopy(stored)

    async def wishlist_items(self, owner_id: uuid.UUID, item_ids: Sequence[uuid.UUID]) -> list[WishlistItem]:
        return [
            copy.deepcopy(i) for i in self.items.values() if i.owner_id == owner_id and i.id in set(item_ids)
        ]

    async def delete_wishlist_items(self, owner_id: uuid.UUID, item_ids: Sequence[uuid.UUID]) -> None:
        for item_id in item_ids:
            if (item := self.items.get(item_id)) is not None and item.owner_id == owner_id:
                del self.items[item_id]


class FakeCatalog:
    """The products subgraph's answers: set `variants` (and `sellers` of products) per test."""

    def __init__(self) -> None:
        self.facts: dict[uuid.UUID, VariantFacts] = {}
        self.calls = 0

    def offer(self, *, price: int = 1999, available: int = 10, currency: str = "USD") -> VariantFacts:
        found = VariantFacts(new_id(), new_id(), new_id(), price, currency, available)
        self.facts[found.variant_id] = found
        return found

    async def variants(self, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, VariantFacts]:
        self.calls += 1
        return {i: self.facts[i] for i in ids if i in self.facts}

    async def products(self, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, uuid.UUID]:
        sellers = {f.product_id: f.seller_id for f in self.facts.values()}
        return {i: sellers[i] for i in ids if i in sellers}


class FakeCartViews:
    def __init__(self) -> None:
        self.entries: dict[uuid.UUID, tuple[Cart, bytes]] = {}
        self.generations: dict[uuid.UUID, int] = {}

    async def get(self, owner_id: uuid.UUID) -> tuple[Cart | None, bytes]:
        generation = str(self.generations.get(owner_id, 0)).encode()
        entry = self.entries.get(owner_id)
        if entry is None or entry[1] != generation:
            return None, generation
        return copy.deepcopy(entry[0]), generation

    async def put(self, cart: Cart, generation: bytes) -> None:
        self.entries[cart.owner_id] = (copy.deepcopy(cart), generation)

    async def drop(self, owner_ids: Iterable[uuid.UUID]) -> None:
        for owner in owner_ids:
            self.generations[owner] = self.generations.get(owner, 0) + 1
            self.entries.pop(owner, None)


class CartWorld:
    """The cart's use cases wired to fakes, as `entrypoints/bootstrap.py` wires them to adapters."""

    def __init__(self) -> None:
        self.views = FakeCartViews()

        async def drop_cached(events: list[EventContract]) -> None:
            await self.views.drop(owners_named(events))

        self.uow = FakeUnitOfWork(FakeCartRepository(), after_commit=drop_cached)
        self.catalog = FakeCatalog()
        self.carts = Carts(uow=self.uow, catalog=self.catalog, views=self.views, clock=utcnow)
        self.wishlists = Wishlists(uow=self.uow, catalog=self.catalog, clock=utcnow)
        self.reads = CartReads(uow=self.uow, views=self.views, carts=self.carts)
