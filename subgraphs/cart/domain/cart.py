"""The `Cart` aggregate: the only way its lines change, and the events each change records.

Rules (stated for clients in the schema descriptions too):
- a line holds one variant; adding the same variant again adds to its quantity;
- a line's quantity is 1..MAX_LINE_QUANTITY and never more than the stock known when it was
  last changed; a cart has at most MAX_LINES lines and one currency;
- a change names at most MAX_BULK lines and is all or nothing: every problem is reported and
  nothing changes (the aggregate is left as it was);
- merging a guest cart sums quantities per variant, then caps each line by MAX_LINE_QUANTITY
  and by stock; guest lines that do not fit (another currency, a full cart) are reported;
- lines whose variant disappeared or ran out stay in the cart, flagged, never silently lost.

Every change moves `version` on (optimistic locking) and records one event per line touched,
carrying the version the cart is at after the change.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from subgraphs.cart.domain.errors import CartFull, CurrencyMismatch, VariantUnavailable
from subgraphs.cart.domain.model import (
    MAX_BULK,
    MAX_LINE_QUANTITY,
    MAX_LINES,
    CartLine,
    CartStatus,
    Owner,
    OwnerKind,
    VariantFacts,
    check_quantity,
    check_stock,
)
from subgraphs.contracts.cart import (
    CartCheckedOut,
    CartItemAdded,
    CartItemRemoved,
    CartItemUpdated,
    CartLineEvent,
    CartMerged,
    MergeAdjustment,
)
from subgraphs.platform.kernel.errors import AppError, BadUserInput, NotFound
from subgraphs.platform.kernel.ids import new_id
from subgraphs.platform.kernel.messages import EventContract
from subgraphs.platform.kernel.results import InputErrors


@dataclass(frozen=True, slots=True)
class LineRequest:
    variant_id: uuid.UUID
    quantity: int


@dataclass(slots=True)
class LinesChange:
    """What one change did to the lines (what the repository must write)."""

    added: list[CartLine] = field(default_factory=list)
    changed: list[CartLine] = field(default_factory=list)
    removed: list[CartLine] = field(default_factory=list)
    # Added and changed lines in the order the request named them.
    touched: list[CartLine] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class MergeOutcome:
    change: LinesChange
    merged_lines: int
    adjustments: list[MergeAdjustment]


def _path(prefix: str, index: int, name: str) -> str:
    return f"{prefix}.{index}.{name}" if prefix else name


def _check_batch(size: int, field_name: str) -> None:
    if not 1 <= size <= MAX_BULK:
        raise InputErrors([BadUserInput(f"Give 1 to {MAX_BULK} items.", field=field_name)])


def check_line_requests(requests: Sequence[LineRequest], prefix: str = "") -> None:
    """The shape of an add, before anything is asked of the catalogue: size, quantities, no repeats."""
    _check_batch(len(requests), prefix or "items")
    errors: list[AppError] = []
    for i, r in enumerate(requests):
        _collect(errors, check_quantity, r.quantity, _path(prefix, i, "quantity"))
    if len({r.variant_id for r in requests}) != len(requests):
        errors.append(BadUserInput("A variant appears twice in this request.", field=prefix or "variantId"))
    if errors:
        raise InputErrors(errors)


def check_quantities(changes: Sequence[tuple[uuid.UUID, int]], prefix: str = "") -> None:
    _check_batch(len(changes), prefix or "items")
    errors: list[AppError] = []
    for i, (_, quantity) in enumerate(changes):
        _collect(errors, check_quantity, quantity, _path(prefix, i, "quantity"))
    if errors:
        raise InputErrors(errors)


@dataclass(slots=True)
class Cart:
    id: uuid.UUID
    owner_id: uuid.UUID
    owner_kind: OwnerKind
    status: CartStatus
    version: int
    currency: str | None
    lines: list[CartLine] = field(default_factory=list)
    created_at: datetime | None = None
    updated_at: datetime | None = None
    events: list[EventContract] = field(default_factory=list, repr=False, compare=False)

    @property
    def owner(self) -> Owner:
        return Owner(self.owner_id, self.owner_kind)

    def line_for(self, variant_id: uuid.UUID) -> CartLine | None:
        return next((line for line in self.lines if line.variant_id == variant_id), None)

    def line(self, line_id: uuid.UUID) -> CartLine | None:
        return next((line for line in self.lines if line.id == line_id), None)

    def check_out(
        self, checkout_id: uuid.UUID, version: int, bought: set[uuid.UUID], now: datetime
    ) -> LinesChange | None:
        """The buyer's checkout of `version` completed. The cart as checked out closes; a cart
        changed since (another tab added a line) keeps what was not bought. None: nothing to do."""
        if self.status is not CartStatus.ACTIVE:
            return None
        closed = self.version == version
        change = LinesChange()
        if closed:
            self.status = CartStatus.CHECKED_OUT
        else:
            change.removed = [line for line in self.lines if line.variant_id in bought]
            self.lines = [line for line in self.lines if line.variant_id not in bought]
        self.version += 1
        self.updated_at = now
        self.events.append(
            CartCheckedOut(
                cart_id=self.id,
                owner_id=self.owner_id,
                owner_kind=self.owner_kind.value,
                version=self.version,
                checkout_id=checkout_id,
                closed=closed,
            )
        )
        return change

    def pull_events(self) -> list[EventContract]:
        events, self.events = self.events, []
        return events

    def add(
        self,
        requests: Sequence[LineRequest],
        facts: Mapping[uuid.UUID, VariantFacts],
        now: datetime,
        prefix: str = "",
    ) -> LinesChange:
        """Adds each variant (or to its line); unknown, unlisted or short variants refuse it all."""
        check_line_requests(requests, prefix)
        planned = self._plan_adds(requests, facts, prefix)
        change = LinesChange()
        for request, found, existing in planned:
            if existing is not None:
                existing.quantity += request.quantity
                existing.unit_price, existing.available, existing.unavailable = (
                    found.unit_price,
                    found.available,
                    False,
                )
                existing.updated_at = now
                change.changed.append(existing)
                change.touched.append(existing)
                continue
            line = CartLine(
                id=new_id(),
                variant_id=found.variant_id,
                product_id=found.product_id,
                seller_id=found.seller_id,
                quantity=request.quantity,
                unit_price=found.unit_price,
                price_at_add=found.unit_price,
                currency=found.currency,
                available=found.available,
                added_at=now,
                updated_at=now,
            )
            self.lines.append(line)
            self.currency = self.currency or line.currency
            change.added.append(line)
            change.touched.append(line)
        self._changed(now, CartItemAdded, change.touched)
        return change

    def _plan_adds(
        self, requests: Sequence[LineRequest], facts: Mapping[uuid.UUID, VariantFacts], prefix: str
    ) -> list[tuple[LineRequest, VariantFacts, CartLine | None]]:
        """Every add checked against the cart as the earlier ones would leave it; nothing changes yet."""
        errors: list[AppError] = []
        planned: list[tuple[LineRequest, VariantFacts, CartLine | None]] = []
        lines, currency = len(self.lines), self.currency if self.lines else None
        for i, request in enumerate(requests):
            found = facts.get(request.variant_id)
            quantity_path, variant_path = _path(prefix, i, "quantity"), _path(prefix, i, "variantId")
            try:
                if found is None:
                    raise VariantUnavailable(
                        "This product variant does not exist or is not for sale.", field=variant_path
                    )
                existing = self.line_for(request.variant_id)
                if existing is not None:
                    total = existing.quantity + request.quantity
                    check_quantity(total, quantity_path)
                    check_stock(total, found.available, quantity_path)
                else:
                    if currency is not None and found.currency != currency:
                        raise CurrencyMismatch(
                            f"This cart is in {currency}; the variant is priced in {found.currency}.",
                            field=variant_path,
                        )
                    if lines >= MAX_LINES:
                        raise CartFull(
                            f"A cart holds at most {MAX_LINES} different items.", field=variant_path
                        )
                    check_stock(request.quantity, found.available, quantity_path)
                    lines, currency = lines + 1, currency or found.currency
                planned.append((request, found, existing))
            except AppError as exc:
                errors.append(exc)
        if errors:
            raise InputErrors(errors)
        return planned

    def update(
        self,
        changes: Sequence[tuple[uuid.UUID, int]],
        facts: Mapping[uuid.UUID, VariantFacts],
        now: datetime,
        prefix: str = "",
    ) -> LinesChange:
        """Sets lines' quantities; raising one needs the variant for sale and the stock for it."""
        check_quantities(changes, prefix)
        errors: list[AppError] = []
        planned: list[tuple[CartLine, CartLine]] = []
        for i, (line_id, quantity) in enumerate(changes):
            line = self.line(line_id)
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
            planned.append((line, replace(fresh, quantity=quantity, updated_at=now)))
        if errors:
            raise InputErrors(errors)
        change = LinesChange()
        for old, new in planned:
            self.lines[self.lines.index(old)] = new
            change.changed.append(new)
            change.touched.append(new)
        self._changed(now, CartItemUpdated, change.touched)
        return change

    def remove(
        self, line_ids: Sequence[uuid.UUID], now: datetime, prefix: str = "", missing: str = "id"
    ) -> LinesChange:
        _check_batch(len(line_ids), prefix or "ids")
        errors: list[AppError] = [
            NotFound("Cart item not found.", field=f"{prefix}.{i}" if prefix else missing)
            for i, line_id in enumerate(line_ids)
            if self.line(line_id) is None
        ]
        if errors:
            raise InputErrors(errors)
        gone = set(line_ids)
        change = LinesChange(removed=[line for line in self.lines if line.id in gone])
        self.lines = [line for line in self.lines if line.id not in gone]
        if not self.lines:
            self.currency = None
        self._changed(now, CartItemRemoved, change.removed)
        return change

    def merge_from(self, guest: Cart, facts: Mapping[uuid.UUID, VariantFacts], now: datetime) -> MergeOutcome:
        """Takes a guest cart's lines (the guest cart becomes MERGED); records `cart.merged`."""
        change = LinesChange()
        adjustments: list[MergeAdjustment] = []
        for incoming in guest.lines:
            self._merge_line(incoming, facts.get(incoming.variant_id), now, change, adjustments)
        guest.status = CartStatus.MERGED
        guest.updated_at = now
        self._changed(now, None, [])
        outcome = MergeOutcome(change, len(change.touched), adjustments)
        self.events.append(
            CartMerged(
                cart_id=self.id,
                owner_id=self.owner_id,
                owner_kind=self.owner_kind.value,
                version=self.version,
                from_cart_id=guest.id,
                from_owner_id=guest.owner_id,
                merged_lines=outcome.merged_lines,
                adjustments=adjustments,
            )
        )
        return outcome

    def _merge_line(
        self,
        incoming: CartLine,
        found: VariantFacts | None,
        now: datetime,
        change: LinesChange,
        adjustments: list[MergeAdjustment],
    ) -> None:
        existing = self.line_for(incoming.variant_id)
        if existing is not None:
            quantity, reason = merged_quantity(existing.quantity, incoming.quantity, found)
            if reason:
                requested = existing.quantity + incoming.quantity
                adjustments.append(
                    MergeAdjustment(
                        variant_id=incoming.variant_id, requested=requested, kept=quantity, reason=reason
                    )
                )
            updated = replace(existing.refreshed(found), quantity=quantity, updated_at=now)
            self.lines[self.lines.index(existing)] = updated
            change.changed.append(updated)
            change.touched.append(updated)
            return
        refusal = self._refusal(found)
        if refusal is not None:
            adjustments.append(
                MergeAdjustment(
                    variant_id=incoming.variant_id, requested=incoming.quantity, kept=0, reason=refusal
                )
            )
            return
        quantity = incoming.quantity
        if found is not None and 0 < found.available < quantity:
            quantity = found.available
            adjustments.append(
                MergeAdjustment(
                    variant_id=incoming.variant_id, requested=incoming.quantity, kept=quantity, reason="STOCK"
                )
            )
        # A vanished or sold-out variant comes along flagged, with the guest's quantity: not lost.
        line = replace(
            incoming.refreshed(found), id=new_id(), quantity=min(quantity, MAX_LINE_QUANTITY), updated_at=now
        )
        self.lines.append(line)
        self.currency = self.currency or line.currency
        change.added.append(line)
        change.touched.append(line)

    def _refusal(self, found: VariantFacts | None) -> str | None:
        """Why a new guest line cannot join this cart (None: it can)."""
        if found is not None and self.currency is not None and self.lines and found.currency != self.currency:
            return "CURRENCY"
        if len(self.lines) >= MAX_LINES:
            return "CART_FULL"
        return None

    def _changed(self, now: datetime, kind: type[CartLineEvent] | None, lines: Sequence[CartLine]) -> None:
        self.version += 1
        self.updated_at = now
        if kind is not None:
            self.events.extend(self._line_event(kind, line) for line in lines)

    def _line_event(self, kind: type[CartLineEvent], line: CartLine) -> CartLineEvent:
        """What recommendations and analytics need of a line that was added, changed or removed."""
        return kind(
            cart_id=self.id,
            owner_id=self.owner_id,
            owner_kind=self.owner_kind.value,
            version=self.version,
            line_id=line.id,
            variant_id=line.variant_id,
            product_id=line.product_id,
            seller_id=line.seller_id,
            quantity=line.quantity,
            unit_price=line.unit_price,
            currency=line.currency,
        )


def _collect(errors: list[AppError], check: Callable[[int, str], None], value: int, path: str) -> None:
    try:
        check(value, path)
    except AppError as exc:
        errors.append(exc)


def merged_quantity(existing: int, incoming: int, facts: VariantFacts | None) -> tuple[int, str | None]:
    """Summed quantity capped by the line limit and stock, and why it was capped."""
    wanted = existing + incoming
    if facts is None:
        return existing, "UNAVAILABLE"
    cap = min(MAX_LINE_QUANTITY, max(facts.available, existing))
    if wanted <= cap:
        return wanted, None
    return cap, "LINE_LIMIT" if cap == MAX_LINE_QUANTITY else "STOCK"
