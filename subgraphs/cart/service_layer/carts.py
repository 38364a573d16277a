"""Cart use cases: open, add (idempotent), update, remove, merge a guest cart, follow the catalogue.

Every write locks the owner's active cart row (`SELECT … FOR UPDATE`), so concurrent writes to
one cart serialise: a retried add with the same idempotency key finds the first one's record
and replays it, and a write that names a stale `expectedVersion` is refused with the current
version. Product facts (price, seller, stock) are fetched before the transaction opens, so no
lock is held across a network call. The rules themselves are the `Cart` aggregate's.
"""

from __future__ import annotations

import contextlib
import hashlib
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

import orjson

from subgraphs.cart.domain.cart import Cart, LineRequest, check_line_requests, check_quantities
from subgraphs.cart.domain.errors import IdempotencyKeyReused, StaleCartVersion
from subgraphs.cart.domain.model import Owner
from subgraphs.cart.service_layer.ports import (
    CartUnitOfWork,
    CartViews,
    Catalog,
    OpenCartUnitOfWork,
    StoredRequest,
)
from subgraphs.contracts.cart import MergeAdjustment
from subgraphs.platform.kernel.errors import BadUserInput
from subgraphs.platform.kernel.results import InputErrors
from subgraphs.platform.kernel.unit_of_work import Claim


@dataclass(frozen=True, slots=True)
class CartChange:
    cart: Cart
    line_ids: list[uuid.UUID]
    replayed: bool = False


@dataclass(frozen=True, slots=True)
class Merged:
    cart: Cart
    merged_lines: int
    adjustments: list[MergeAdjustment]


def _request_hash(kind: str, body: object) -> str:
    return hashlib.sha256(orjson.dumps([kind, body], option=orjson.OPT_SORT_KEYS)).hexdigest()


def check_version(cart: Cart, expected: int | None) -> None:
    if expected is not None and cart.version != expected:
        raise InputErrors(
            [
                StaleCartVersion(
                    f"The cart changed (now at version {cart.version}); reload it and try again.",
                    field="expectedVersion",
                    currentVersion=cart.version,
                )
            ]
        )


async def locked_cart(uow: CartUnitOfWork, owner: Owner) -> Cart:
    """The owner's active cart, created on first use, locked for this transaction."""
    cart = await uow.repo.active_cart(owner, create=True, lock=True)
    assert cart is not None, "create=True always gives a cart"
    return cart


@dataclass(frozen=True)
class Carts:
    uow: OpenCartUnitOfWork
    catalog: Catalog
    views: CartViews
    clock: Callable[[], datetime]

    async def open(self, owner: Owner) -> Cart:
        """The owner's active cart, created on first use (the database keeps it unique)."""
        async with self.uow() as uow:
            cart = await uow.repo.active_cart(owner, create=True, lock=False)
            assert cart is not None
            await uow.commit()
        return cart

    async def add(
        self,
        owner: Owner,
        requests: Sequence[LineRequest],
        *,
        idempotency_key: str | None = None,
        expected_version: int | None = None,
        prefix: str = "",
    ) -> CartChange:
        check_line_requests(requests, prefix)
        if idempotency_key is not None and not 1 <= len(idempotency_key) <= 100:
            raise InputErrors(
                [BadUserInput("The idempotency key must have 1 to 100 characters.", field="idempotencyKey")]
            )
        facts = await self.catalog.variants([r.variant_id for r in requests])
        digest = _request_hash("add", [[str(r.variant_id), r.quantity] for r in requests])
        async with self.uow() as uow:
            cart = await locked_cart(uow, owner)
            if idempotency_key is not None:
                stored = await uow.repo.stored_request(owner.id, idempotency_key)
                if stored is not None:
                    return await _replay(uow, owner, stored, digest)
            check_version(cart, expected_version)
            change = cart.add(requests, facts, self.clock(), prefix)
            await uow.repo.save(cart, change)
            if idempotency_key is not None:
                first = change.touched[0].id if change.touched else None
                await uow.repo.store_request(owner.id, idempotency_key, StoredRequest(digest, cart.id, first))
            uow.events.extend(cart.pull_events())
            await uow.commit()
        return CartChange(cart, [line.id for line in change.touched])

    async def update(
        self,
        owner: Owner,
        changes: Sequence[tuple[uuid.UUID, int]],
        *,
        expected_version: int | None = None,
        prefix: str = "",
    ) -> CartChange:
        check_quantities(changes, prefix)
        async with self.uow(read_only=True) as uow:
            current = await uow.repo.active_cart(owner, create=False, lock=False)
        changed = {line_id for line_id, _ in changes}
        # Fresh price and stock for the lines being changed (read before any lock is taken).
        facts = await self.catalog.variants(
            [line.variant_id for line in (current.lines if current else []) if line.id in changed]
        )
        async with self.uow() as uow:
            cart = await locked_cart(uow, owner)
            check_version(cart, expected_version)
            change = cart.update(changes, facts, self.clock(), prefix)
            await uow.repo.save(cart, change)
            uow.events.extend(cart.pull_events())
            await uow.commit()
        return CartChange(cart, [line.id for line in change.touched])

    async def remove(
        self,
        owner: Owner,
        line_ids: Sequence[uuid.UUID],
        *,
        expected_version: int | None = None,
        prefix: str = "",
    ) -> CartChange:
        async with self.uow() as uow:
            cart = await locked_cart(uow, owner)
            check_version(cart, expected_version)
            change = cart.remove(line_ids, self.clock(), prefix)
            await uow.repo.save(cart, change)
            uow.events.extend(cart.pull_events())
            await uow.commit()
        return CartChange(cart, [line.id for line in change.removed])

    async def merge(self, user: Owner, guest: Owner, claim: Claim | None = None) -> Merged | None:
        """Moves a guest cart into the user's; None when the guest has no active cart (never had
        one, or it was merged already: merging is idempotent).

        The guest cart is read first to ask the catalogue about its variants (no lock held across
        the call); then both carts are locked, the user's first — the same order everywhere, so
        two merges cannot deadlock — and a guest cart another request merged meanwhile is left alone.
        """
        async with self.uow() as uow:
            peek = await uow.repo.active_cart(guest, create=False, lock=False)
        if peek is None:
            return None
        facts = await self.catalog.variants([line.variant_id for line in peek.lines])
        async with self.uow(claim) as uow:
            cart = await locked_cart(uow, user)
            guest_cart = await uow.repo.active_cart(guest, create=False, lock=True)
            if guest_cart is None:
                return None  # a concurrent request merged it first
            outcome = cart.merge_from(guest_cart, facts, self.clock())
            await uow.repo.save(guest_cart, merged_into=cart.id)
            await uow.repo.save(cart, outcome.change)
            uow.events.extend(cart.pull_events())
            await uow.commit()
        return Merged(cart, outcome.merged_lines, outcome.adjustments)

    async def check_out(
        self,
        owner: Owner,
        cart_id: uuid.UUID,
        checkout_id: uuid.UUID,
        version: int,
        bought: set[uuid.UUID],
        claim: Claim,
    ) -> bool:
        """The orders of a checkout exist: the cart it bought is closed (see `Cart.check_out`)."""
        async with self.uow(claim) as uow:
            cart = await uow.repo.active_cart(owner, create=False, lock=True)
            bought_from = cart if cart is not None and cart.id == cart_id else None  # else: closed already
            change = (
                bought_from.check_out(checkout_id, version, bought, self.clock()) if bought_from else None
            )
            if cart is not None and change is not None:
                await uow.repo.save(cart, change)
                uow.events.extend(cart.pull_events())
            await uow.commit()
        return change is not None

    async def follow_catalogue(
        self, claim: Claim, *, product_id: uuid.UUID | None = None, variant_id: uuid.UUID | None = None
    ) -> None:
        """Re-prices and re-stocks the active carts' lines of a product or variant that changed.

        Product events only say *which* product or variant changed; the new price and stock are
        asked from the products subgraph (the source of truth), so replays and out-of-order events
        converge on the current state. Lines whose variant is gone are flagged, never deleted.
        """
        async with self.uow(claim) as uow:
            held = await uow.repo.lines_in_active_carts(product_id=product_id, variant_id=variant_id)
            facts = await self.catalog.variants(list({line.variant_id for _, line in held})) if held else {}
            stale = [
                (owner_id, fresh)
                for owner_id, line in held
                if (fresh := line.refreshed(facts.get(line.variant_id))) != line
            ]
            await uow.repo.refresh_lines(stale)
            # A cart whose price (or availability) moved is a different cart to confirm at
            # checkout: its version moves, so a checkout of the old version is refused.
            lines = {line.id: line for _, line in held}
            await uow.repo.bump_versions(
                owner_id
                for owner_id, fresh in stale
                if (fresh.unit_price, fresh.unavailable)
                != (lines[fresh.id].unit_price, lines[fresh.id].unavailable)
            )
            owners = {owner_id for owner_id, _ in stale}
            # Before the claim commits (Valkey away: the event is retried, not lost), and after
            # (a reader may have re-cached the old lines meanwhile; best effort).
            await self.views.drop(owners)
            await uow.commit()
        with contextlib.suppress(Exception):
            await self.views.drop(owners)


async def _replay(uow: CartUnitOfWork, owner: Owner, stored: StoredRequest, digest: str) -> CartChange:
    if stored.request_hash != digest:
        raise InputErrors(
            [
                IdempotencyKeyReused(
                    "This idempotency key was used for a different request.", field="idempotencyKey"
                )
            ]
        )
    cart = await uow.repo.cart_by_id(owner.id, stored.cart_id)
    assert cart is not None
    return CartChange(cart, [stored.line_id] if stored.line_id else [], replayed=True)
