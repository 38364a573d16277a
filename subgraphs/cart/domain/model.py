"""The cart and wishlist model: pure rules, no I/O.

Rules (stated for clients in the schema descriptions too):
- a line holds one variant; adding the same variant again adds to its quantity;
- a line's quantity is 1..MAX_LINE_QUANTITY and never more than the stock known when it was
  last changed; a cart has at most MAX_LINES lines and one currency;
- merging a guest cart into a user's cart sums quantities per variant, then caps each line
  by MAX_LINE_QUANTITY and by stock; guest lines beyond MAX_LINES are dropped (reported);
- lines whose variant disappeared or ran out stay in the cart, flagged, never silently lost.
"""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass, field, replace
from datetime import datetime

from subgraphs.cart.domain.errors import (
    CartFull,
    CurrencyMismatch,
    InsufficientStock,
    InvalidQuantity,
)

MAX_LINE_QUANTITY = 99
MAX_LINES = 100
MAX_BULK = 50


class CartStatus(enum.Enum):
    ACTIVE = "ACTIVE"
    MERGED = "MERGED"
    CHECKED_OUT = "CHECKED_OUT"


class OwnerKind(enum.Enum):
    USER = "USER"
    GUEST = "GUEST"


class LineProblem(enum.Enum):
    VARIANT_UNAVAILABLE = "VARIANT_UNAVAILABLE"
    OUT_OF_STOCK = "OUT_OF_STOCK"
    INSUFFICIENT_STOCK = "INSUFFICIENT_STOCK"
    PRICE_CHANGED = "PRICE_CHANGED"


@dataclass(frozen=True, slots=True)
class VariantFacts:
    """What the products subgraph says about a variant right now."""

    variant_id: uuid.UUID
    product_id: uuid.UUID
    seller_id: uuid.UUID
    unit_price: int  # minor units
    currency: str
    available: int


@dataclass(slots=True)
class CartLine:
    id: uuid.UUID
    variant_id: uuid.UUID
    product_id: uuid.UUID
    seller_id: uuid.UUID
    quantity: int
    unit_price: int
    price_at_add: int
    currency: str
    available: int
    unavailable: bool = False
    added_at: datetime | None = None
    updated_at: datetime | None = None

    @property
    def line_total(self) -> int:
        return self.unit_price * self.quantity

    @property
    def purchasable(self) -> bool:
        return not self.unavailable and self.available >= self.quantity

    @property
    def problems(self) -> list[LineProblem]:
        if self.unavailable:
            return [LineProblem.VARIANT_UNAVAILABLE]
        found = []
        if self.available <= 0:
            found.append(LineProblem.OUT_OF_STOCK)
        elif self.available < self.quantity:
            found.append(LineProblem.INSUFFICIENT_STOCK)
        if self.unit_price != self.price_at_add:
            found.append(LineProblem.PRICE_CHANGED)
        return found

    def refreshed(self, facts: VariantFacts | None) -> CartLine:
        """The line with what products says now (None: the variant is gone or unlisted)."""
        if facts is None:
            return replace(self, unavailable=True)
        return replace(self, unavailable=False, unit_price=facts.unit_price, available=facts.available)


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

    def changed(self, now: datetime) -> None:
        """Every change moves the version on (optimistic locking) and the change time."""
        self.version += 1
        self.updated_at = now

    def line_for(self, variant_id: uuid.UUID) -> CartLine | None:
        return next((line for line in self.lines if line.variant_id == variant_id), None)

    def line(self, line_id: uuid.UUID) -> CartLine | None:
        return next((line for line in self.lines if line.id == line_id), None)


def check_quantity(quantity: int, field_name: str = "quantity") -> None:
    if quantity < 1 or quantity > MAX_LINE_QUANTITY:
        raise InvalidQuantity(
            f"Quantity must be between 1 and {MAX_LINE_QUANTITY}.",
            field=field_name,
            maxQuantity=MAX_LINE_QUANTITY,
        )


def check_stock(quantity: int, available: int, field_name: str = "quantity") -> None:
    if quantity > available:
        raise InsufficientStock(
            f"Only {max(available, 0)} left in stock.", field=field_name, available=max(available, 0)
        )


def check_fits(cart: Cart, facts: VariantFacts, field_name: str = "variantId") -> None:
    """A new line for `facts` may join the cart (currency and line count)."""
    if cart.currency is not None and cart.lines and facts.currency != cart.currency:
        raise CurrencyMismatch(
            f"This cart is in {cart.currency}; the variant is priced in {facts.currency}.", field=field_name
        )
    if len(cart.lines) >= MAX_LINES:
        raise CartFull(f"A cart holds at most {MAX_LINES} different items.", field=field_name)


@dataclass(frozen=True, slots=True)
class MergeAdjustment:
    variant_id: uuid.UUID
    requested: int
    kept: int
    reason: str  # LINE_LIMIT | STOCK | CART_FULL | CURRENCY | UNAVAILABLE


def merged_quantity(existing: int, incoming: int, facts: VariantFacts | None) -> tuple[int, str | None]:
    """Summed quantity capped by the line limit and stock, and why it was capped."""
    wanted = existing + incoming
    if facts is None:
        return existing, "UNAVAILABLE"
    cap = min(MAX_LINE_QUANTITY, max(facts.available, existing))
    if wanted <= cap:
        return wanted, None
    return cap, "LINE_LIMIT" if cap == MAX_LINE_QUANTITY else "STOCK"


MAX_WISHLISTS = 20
DEFAULT_WISHLIST = "Wishlist"


@dataclass(slots=True)
class Wishlist:
    id: uuid.UUID
    owner_id: uuid.UUID
    name: str
    is_default: bool
    created_at: datetime | None = None
    updated_at: datetime | None = None


@dataclass(slots=True)
class WishlistItem:
    id: uuid.UUID
    owner_id: uuid.UUID
    wishlist_id: uuid.UUID
    product_id: uuid.UUID
    variant_id: uuid.UUID | None
    seller_id: uuid.UUID
    added_at: datetime | None = None
