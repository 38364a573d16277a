"""Cart lines, owners and wishlists: pure rules, no I/O (the `Cart` aggregate is in `cart.py`)."""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass, replace
from datetime import datetime

from subgraphs.cart.domain.errors import InsufficientStock, InvalidQuantity

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


@dataclass(frozen=True, slots=True)
class Owner:
    """Whose cart: a signed-in user, or a guest known by the id derived from their cart token."""

    id: uuid.UUID
    kind: OwnerKind

    @classmethod
    def user(cls, user_id: uuid.UUID) -> Owner:
        return cls(user_id, OwnerKind.USER)

    @classmethod
    def guest(cls, token_sha256: bytes) -> Owner:
        """A guest cart's owner id is the first 16 bytes of its token's SHA-256."""
        return cls(uuid.UUID(bytes=token_sha256[:16]), OwnerKind.GUEST)


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
