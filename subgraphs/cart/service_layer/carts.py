"""Cart use cases: open, add (idempotent), update, remove, and merge a guest cart at sign-in.

Every write locks the owner's active cart row (`SELECT … FOR UPDATE`), so concurrent writes to
one cart serialise: a retried add with the same idempotency key finds the first one's record
and replays it, and a write that names a stale `expectedVersion` is refused with the current
version. Product facts (price, seller, stock) are fetched before the transaction opens, so no
lock is held across a network call.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

import orjson

from subgraphs.cart.domain import events as ev
from subgraphs.cart.domain.errors import IdempotencyKeyReused, StaleCartVersion, VariantUnavailable
from subgraphs.cart.domain.model import (
    MAX_BULK,
    Cart,
    CartLine,
    MergeAdjustment,
    VariantFacts,
    check_fits,
    check_quantity,
    check_stock,
)
from subgraphs.cart.service_layer.guest_merge import MergeOutcome, merge_guest_cart
from subgraphs.cart.service_layer.ports import CartUnitOfWork, Catalog, Owner, StoredRequest
from subgraphs.platform.errors import AppError, BadUserInput, NotFound
from subgraphs.platform.events import Event
from subgraphs.platform.ids import new_id
from subgraphs.platform.results import InputErrors


@dataclass(frozen=True, slots=True)
class LineRequest:
    variant_id: uuid.UUID
    quantity: int


@dataclass(frozen=True, slots=True)
class CartChange:
    cart: Cart
    line_ids: list[uuid.UUID]
    replayed: bool = False


def _path(prefix: str, index: int, name: str) -> str:
    return f"{prefix}.{index}.{name}" if prefix else name


def _request_hash(kind: str, body: object) -> str:
    return hashlib.sha256(orjson.dumps([kind, body], option=orjson.OPT_SORT_KEYS)).hexdigest()


def cart_event(kind: str, cart: Cart, **data: object) -> Event:
    return Event(
        type=kind,
        aggregate_type="cart",
        aggregate_id=cart.id,
        data={
            "cartId": str(cart.id),
            "ownerId": str(cart.owner_id),
            "ownerKind": cart.owner_kind.value,
            "version": cart.version,
            **data,
        },
    )


def line_event(kind: str, cart: Cart, line: CartLine) -> Event:
    """A line was added, changed or removed: what recommendations and analytics need of it."""
    return cart_event(
        kind,
        cart,
        lineId=str(line.id),
        variantId=str(line.variant_id),
        productId=str(line.product_id),
        sellerId=str(line.seller_id),
        quantity=line.quantity,
        unitPrice=line.unit_price,
        currency=line.currency,
    )


def _check_version(cart: Cart, expected: int | None) -> None:
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


@dataclass
class Carts:
    catalog: Catalog
    clock: Callable[[], datetime]

    async def open(self, uow: CartUnitOfWork, owner: Owner) -> Cart:
        """The owner's active cart, created on first use (the database keeps it unique)."""
        async with uow:
            cart = await uow.repo.active_cart(owner, create=True, lock=False)
            assert cart is not None
            await uow.commit()
        return cart

    async def add(
        self,
        uow: CartUnitOfWork,
        owner: Owner,
        requests: Sequence[LineRequest],
        *,
        idempotency_key: str | None = None,
        expected_version: int | None = None,
        prefix: str = "",
    ) -> CartChange:
        if not requests or len(requests) > MAX_BULK:
            raise InputErrors([BadUserInput(f"Give 1 to {MAX_BULK} items.", field=prefix or "items")])
        errors: list[AppError] = []
        for i, r in enumerate(requests):
            try:
                check_quantity(r.quantity, _path(prefix, i, "quantity"))
            except AppError as exc:
                errors.append(exc)
        if len({r.variant_id for r in requests}) != len(requests):
            errors.append(
                BadUserInput("A variant appears twice in this request.", field=prefix or "variantId")
            )
        if idempotency_key is not None and not 1 <= len(idempotency_key) <= 100:
            errors.append(
                BadUserInput("The idempotency key must have 1 to 100 characters.", field="idempotencyKey")
            )
        if errors:
            raise InputErrors(errors)
        facts = await self.catalog.variants([r.variant_id for r in requests])
        body = [[str(r.variant_id), r.quantity] for r in requests]
        async with uow:
            cart = await uow.repo.active_cart(owner, create=True, lock=True)
            assert cart is not None
            if idempotency_key is not None:
                stored = await uow.repo.stored_request(owner.id, idempotency_key)
                if stored is not None:
                    return await self._replay(uow, owner, stored, _request_hash("add", body))
            _check_version(cart, expected_version)
            now = self.clock()
            touched = await self.add_locked(uow, owner, cart, requests, facts, prefix, now)
            await self._bump(uow, cart, now)
            if idempotency_key is not None:
                first = touched[0].id if touched else None
                await uow.repo.store_request(
                    owner.id, idempotency_key, StoredRequest(_request_hash("add", body), cart.id, first)
                )
            await uow.commit()
        return CartChange(cart, [line.id for line in touched])

    async def add_locked(
        self,
        uow: CartUnitOfWork,
        owner: Owner,
        cart: Cart,
        requests: Sequence[LineRequest],
        facts: dict[uuid.UUID, VariantFacts],
        prefix: str,
        now: datetime,
    ) -> list[CartLine]:
        """Adds to a cart the caller has locked, inside their transaction (no commit, no version bump)."""
        errors: list[AppError] = []
        touched = [
            self._apply_add(cart, r, facts.get(r.variant_id), i, prefix, now, errors)
            for i, r in enumerate(requests)
        ]
        if errors:
            raise InputErrors(errors)
        for line, is_new in touched:
            if is_new:
                await uow.repo.add_line(owner.id, cart, line)
            else:
                await uow.repo.save_line(owner.id, line)
            uow.events.append(line_event(ev.CART_ITEM_ADDED, cart, line))
        return [line for line, _ in touched]

    def _apply_add(
        self,
        cart: Cart,
        request: LineRequest,
        facts: VariantFacts | None,
        index: int,
        prefix: str,
        now: datetime,
        errors: list[AppError],
    ) -> tuple[CartLine, bool]:
        line = cart.line_for(request.variant_id)
        try:
            if facts is None:
                raise VariantUnavailable(
                    "This product variant does not exist or is not for sale.",
                    field=_path(prefix, index, "variantId"),
                )
            if line is not None:
                quantity = line.quantity + request.quantity
                check_quantity(quantity, _path(prefix, index, "quantity"))
                check_stock(quantity, facts.available, _path(prefix, index, "quantity"))
                line.quantity = quantity
                line.unit_price, line.available, line.unavailable = facts.unit_price, facts.available, False
                line.updated_at = now
                return line, False
            check_fits(cart, facts, _path(prefix, index, "variantId"))
            check_stock(request.quantity, facts.available, _path(prefix, index, "quantity"))
        except AppError as exc:
            errors.append(exc)
            return _placeholder(request), False
        line = CartLine(
            id=new_id(),
            variant_id=facts.variant_id,
            product_id=facts.product_id,
            seller_id=facts.seller_id,
            quantity=request.quantity,
            unit_price=facts.unit_price,
            price_at_add=facts.unit_price,
            currency=facts.currency,
            available=facts.available,
            added_at=now,
            updated_at=now,
        )
        cart.lines.append(line)
        cart.currency = cart.currency or facts.currency
        return line, True

    async def _replay(
        self, uow: CartUnitOfWork, owner: Owner, stored: StoredRequest, digest: str
    ) -> CartChange:
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

    async def update(
        self,
        uow: CartUnitOfWork,
        owner: Owner,
        changes: Sequence[tuple[uuid.UUID, int]],
        *,
        expected_version: int | None = None,
        prefix: str = "",
    ) -> CartChange:
        if not changes or len(changes) > MAX_BULK:
            raise InputErrors([BadUserInput(f"Give 1 to {MAX_BULK} items.", field=prefix or "items")])
        errors: list[AppError] = []
        for i, (_, quantity) in enumerate(changes):
            try:
                check_quantity(quantity, _path(prefix, i, "quantity"))
            except AppError as exc:
                errors.append(exc)
        if errors:
            raise InputErrors(errors)
        async with uow:
            current = await uow.repo.active_cart(owner, create=False, lock=False)
        changed = {line_id for line_id, _ in changes}
        # Fresh price and stock for the lines being changed (read before any lock is taken).
        facts = await self.catalog.variants(
            [line.variant_id for line in (current.lines if current else []) if line.id in changed]
        )
        async with uow:
            cart = await uow.repo.active_cart(owner, create=True, lock=True)
            assert cart is not None
            _check_version(cart, expected_version)
            now = self.clock()
            touched: list[CartLine] = []
            for i, (line_id, quantity) in enumerate(changes):
                line = cart.line(line_id)
                if line is None:
                    errors.append(NotFound("Cart item not found.", field=_path(prefix, i, "id")))
                    continue
                fresh = line.refreshed(facts.get(line.variant_id))
                if quantity > line.quantity:
                    try:
                        if fresh.unavailable:
                            raise VariantUnavailable(
                                "This product variant is no longer for sale.", field=_path(prefix, i, "id")
                            )
                        check_stock(quantity, fresh.available, _path(prefix, i, "quantity"))
                    except AppError as exc:
                        errors.append(exc)
                        continue
                updated = replace(fresh, quantity=quantity, updated_at=now)
                cart.lines[cart.lines.index(line)] = updated
                touched.append(updated)
            if errors:
                raise InputErrors(errors)
            for line in touched:
                await uow.repo.save_line(owner.id, line)
                uow.events.append(line_event(ev.CART_ITEM_UPDATED, cart, line))
            await self._bump(uow, cart, now)
            await uow.commit()
        return CartChange(cart, [line.id for line in touched])

    async def remove(
        self,
        uow: CartUnitOfWork,
        owner: Owner,
        line_ids: Sequence[uuid.UUID],
        *,
        expected_version: int | None = None,
        prefix: str = "",
    ) -> CartChange:
        if not line_ids or len(line_ids) > MAX_BULK:
            raise InputErrors([BadUserInput(f"Give 1 to {MAX_BULK} items.", field=prefix or "ids")])
        async with uow:
            cart = await uow.repo.active_cart(owner, create=True, lock=True)
            assert cart is not None
            _check_version(cart, expected_version)
            errors: list[AppError] = [
                NotFound("Cart item not found.", field=f"{prefix}.{i}" if prefix else "id")
                for i, line_id in enumerate(line_ids)
                if cart.line(line_id) is None
            ]
            if errors:
                raise InputErrors(errors)
            removed = [line for line in cart.lines if line.id in set(line_ids)]
            await uow.repo.delete_lines(owner.id, [line.id for line in removed])
            cart.lines = [line for line in cart.lines if line.id not in set(line_ids)]
            for line in removed:
                uow.events.append(line_event(ev.CART_ITEM_REMOVED, cart, line))
            if not cart.lines:
                cart.currency = None
            await self._bump(uow, cart, self.clock())
            await uow.commit()
        return CartChange(cart, [line.id for line in removed])

    async def merge(self, uow: CartUnitOfWork, user: Owner, guest: Owner) -> MergeOutcome | None:
        """Moves a guest cart into the user's (rules in `domain.model`); None: nothing to merge."""
        return await merge_guest_cart(self.catalog, self.clock, uow, user, guest, _merged_event)

    async def _bump(self, uow: CartUnitOfWork, cart: Cart, now: datetime) -> None:
        cart.changed(now)
        await uow.repo.save_cart(cart)


def _merged_event(
    cart: Cart, guest_cart: Cart, guest: Owner, merged: int, adjustments: list[MergeAdjustment]
) -> Event:
    return cart_event(
        ev.CART_MERGED,
        cart,
        fromCartId=str(guest_cart.id),
        fromOwnerId=str(guest.id),
        mergedLines=merged,
        adjustments=[
            {"variantId": str(a.variant_id), "requested": a.requested, "kept": a.kept, "reason": a.reason}
            for a in adjustments
        ],
    )


def _placeholder(request: LineRequest) -> CartLine:
    """Stands in for a refused line so the loop can report every error at once."""
    return CartLine(
        id=uuid.UUID(int=0),
        variant_id=request.variant_id,
        product_id=uuid.UUID(int=0),
        seller_id=uuid.UUID(int=0),
        quantity=request.quantity,
        unit_price=0,
        price_at_add=0,
        currency="",
        available=0,
    )
