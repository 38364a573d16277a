"""Merging a guest cart into a signed-in user's cart (the rules are in `domain.model`).

The guest cart is read first to ask the catalogue about its variants (no lock held across
the call); then both carts are locked, user's first — the same order everywhere, so two
merges cannot deadlock — and a guest cart another request merged meanwhile is left alone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime

from subgraphs.cart.domain.model import (
    MAX_LINE_QUANTITY,
    MAX_LINES,
    Cart,
    CartLine,
    CartStatus,
    MergeAdjustment,
    VariantFacts,
    check_fits,
    merged_quantity,
)
from subgraphs.cart.service_layer.ports import CartUnitOfWork, Catalog, Owner
from subgraphs.platform.errors import AppError, BadUserInput
from subgraphs.platform.events import Event
from subgraphs.platform.ids import new_id


@dataclass(frozen=True, slots=True)
class MergeOutcome:
    cart: Cart
    merged_lines: int
    adjustments: list[MergeAdjustment]


async def merge_guest_cart(
    catalog: Catalog,
    clock: Callable[[], datetime],
    uow: CartUnitOfWork,
    user: Owner,
    guest: Owner,
    merged_event: Callable[[Cart, Cart, Owner, int, list[MergeAdjustment]], Event],
) -> MergeOutcome | None:
    """None when the guest has no active cart (never had one, or it was merged already)."""
    async with uow:
        peek = await uow.repo.active_cart(guest, create=False, lock=False)
    if peek is None:
        return None
    facts = await catalog.variants([line.variant_id for line in peek.lines])
    async with uow:
        cart = await uow.repo.active_cart(user, create=True, lock=True)
        guest_cart = await uow.repo.active_cart(guest, create=False, lock=True)
        assert cart is not None
        if guest_cart is None:
            return None  # a concurrent request merged it first
        now = clock()
        adjustments: list[MergeAdjustment] = []
        merged = 0
        for incoming in guest_cart.lines:
            if await _merge_line(uow, cart, incoming, facts.get(incoming.variant_id), now, adjustments):
                merged += 1
        guest_cart.status = CartStatus.MERGED
        guest_cart.updated_at = now
        await uow.repo.save_cart(guest_cart, merged_into=cart.id)
        cart.changed(now)
        await uow.repo.save_cart(cart)
        uow.events.append(merged_event(cart, guest_cart, guest, merged, adjustments))
        await uow.commit()
    return MergeOutcome(cart, merged, adjustments)


async def _merge_line(
    uow: CartUnitOfWork,
    cart: Cart,
    incoming: CartLine,
    facts: VariantFacts | None,
    now: datetime,
    adjustments: list[MergeAdjustment],
) -> bool:
    existing = cart.line_for(incoming.variant_id)
    if existing is not None:
        quantity, reason = merged_quantity(existing.quantity, incoming.quantity, facts)
        if reason:
            requested = existing.quantity + incoming.quantity
            adjustments.append(MergeAdjustment(incoming.variant_id, requested, quantity, reason))
        updated = replace(existing.refreshed(facts), quantity=quantity, updated_at=now)
        cart.lines[cart.lines.index(existing)] = updated
        await uow.repo.save_line(cart.owner_id, updated)
        return True
    try:
        if facts is not None:
            check_fits(cart, facts)
        elif len(cart.lines) >= MAX_LINES:
            raise BadUserInput("The cart is full.")
    except AppError as exc:
        reason = "CURRENCY" if exc.code == "CURRENCY_MISMATCH" else "CART_FULL"
        adjustments.append(MergeAdjustment(incoming.variant_id, incoming.quantity, 0, reason))
        return False
    quantity = incoming.quantity
    if facts is not None and 0 < facts.available < quantity:
        quantity = facts.available
        adjustments.append(MergeAdjustment(incoming.variant_id, incoming.quantity, quantity, "STOCK"))
    # A vanished or sold-out variant comes along flagged, with the guest's quantity: not lost.
    line = replace(
        incoming.refreshed(facts), id=new_id(), quantity=min(quantity, MAX_LINE_QUANTITY), updated_at=now
    )
    cart.lines.append(line)
    cart.currency = cart.currency or line.currency
    await uow.repo.add_line(cart.owner_id, cart, line)
    return True
