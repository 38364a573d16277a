"""A checkout: the buyer's cart, priced again and split into one order per seller.

    checkout()        the cart's lines re-checked against the catalogue: a moved price, a
                      currency mismatch, a line gone or short is reported and nothing is written
    STARTED           written with its lines and totals; products is asked to hold the stock
    RESERVED          stock held: the seller orders exist (PENDING) and the payment runs
    COMPLETED         captured: the orders are PAID             (status COMPLETED)
    FAILED            stock short, payment declined or timed out (status FAILED, with the code)

Totals are integer minor units of the checkout's one currency: per order lines + the seller's
shipping, and the checkout's grand total is the sum of its orders'.
"""

from __future__ import annotations

import enum
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from subgraphs.contracts.addresses import Address
from subgraphs.orders.domain.errors import CurrencyMismatch, OutOfStock, PriceChanged, VariantUnavailable
from subgraphs.orders.domain.orders import Actor, Order, OrderLine, OrderStatus, StatusChange
from subgraphs.platform.kernel.errors import AppError
from subgraphs.platform.kernel.ids import new_id


class CheckoutStatus(enum.Enum):
    PROCESSING = "PROCESSING"
    COMPLETED = "COMPLETED"
    FAILED = "FAILED"


class CheckoutStage(enum.Enum):
    STARTED = "STARTED"
    RESERVED = "RESERVED"
    COMPLETED = "COMPLETED"
    FAILED = "FAILED"


@dataclass(frozen=True, slots=True)
class CartLineView:
    """A line of the buyer's cart as the cart subgraph shows it."""

    id: uuid.UUID
    variant_id: uuid.UUID
    product_id: uuid.UUID
    seller_id: uuid.UUID
    quantity: int
    unit_price: int
    currency: str


@dataclass(frozen=True, slots=True)
class CartView:
    id: uuid.UUID
    version: int
    currency: str | None
    lines: tuple[CartLineView, ...]


@dataclass(frozen=True, slots=True)
class Offer:
    """What the catalogue says about a variant now."""

    variant_id: uuid.UUID
    product_id: uuid.UUID
    seller_id: uuid.UUID
    sku: str
    title: str
    unit_price: int
    currency: str
    available: int


@dataclass(frozen=True, slots=True)
class ShippingRate:
    """A seller's flat shipping charge per order, waived from `free_over` (lines total) when set."""

    amount: int
    free_over: int | None = None

    def charge(self, lines_total: int) -> int:
        return 0 if self.free_over is not None and lines_total >= self.free_over else self.amount


@dataclass(slots=True)
class CheckoutLine:
    id: uuid.UUID
    seller_id: uuid.UUID
    product_id: uuid.UUID
    variant_id: uuid.UUID
    sku: str
    title: str
    quantity: int
    unit_price: int
    currency: str

    @property
    def line_total(self) -> int:
        return self.unit_price * self.quantity


def priced_lines(cart: CartView, offers: dict[uuid.UUID, Offer]) -> tuple[list[CheckoutLine], list[AppError]]:
    """The cart's lines at the catalogue's prices, and every reason not to charge them as they are."""
    lines: list[CheckoutLine] = []
    problems: list[AppError] = []
    for index, line in enumerate(cart.lines):
        where = f"cart.items.{index}"
        offer = offers.get(line.variant_id)
        if offer is None:
            problems.append(
                VariantUnavailable("This item is no longer for sale.", field=where, itemId=str(line.id))
            )
            continue
        if cart.currency is not None and offer.currency != cart.currency:
            problems.append(
                CurrencyMismatch(
                    f"This item is sold in {offer.currency}, the cart in {cart.currency}.",
                    field=where,
                    itemId=str(line.id),
                )
            )
            continue
        if offer.unit_price != line.unit_price:
            problems.append(
                PriceChanged(
                    "The price changed since the cart showed it: reload the cart and confirm.",
                    field=where,
                    itemId=str(line.id),
                    cartPrice=line.unit_price,
                    currentPrice=offer.unit_price,
                )
            )
        if offer.available < line.quantity:
            problems.append(
                OutOfStock(
                    f"Only {max(offer.available, 0)} left.",
                    field=where,
                    itemId=str(line.id),
                    requested=line.quantity,
                    available=max(offer.available, 0),
                )
            )
        lines.append(
            CheckoutLine(
                id=line.id,
                seller_id=offer.seller_id,
                product_id=offer.product_id,
                variant_id=line.variant_id,
                sku=offer.sku,
                title=offer.title,
                quantity=line.quantity,
                unit_price=offer.unit_price,
                currency=offer.currency,
            )
        )
    return lines, problems


@dataclass(slots=True)
class Checkout:
    id: uuid.UUID
    buyer_id: uuid.UUID
    cart_id: uuid.UUID
    cart_version: int
    currency: str
    lines: list[CheckoutLine]
    shipping: dict[uuid.UUID, int]  # seller id → shipping charge
    shipping_address: Address
    payment_method: str
    idempotency_key: str
    request_hash: str
    created_at: datetime
    updated_at: datetime
    status: CheckoutStatus = CheckoutStatus.PROCESSING
    stage: CheckoutStage = CheckoutStage.STARTED
    failure_code: str | None = None
    failure_detail: list[dict[str, Any]] = field(default_factory=list)
    reserved_until: datetime | None = None
    authorization_id: str | None = None
    order_ids: list[uuid.UUID] = field(default_factory=list)

    @property
    def sellers(self) -> list[uuid.UUID]:
        return list(dict.fromkeys(line.seller_id for line in self.lines))

    @property
    def lines_total(self) -> int:
        return sum(line.line_total for line in self.lines)

    @property
    def shipping_total(self) -> int:
        return sum(self.shipping.values())

    @property
    def grand_total(self) -> int:
        return self.lines_total + self.shipping_total

    @property
    def settled(self) -> bool:
        return self.status is not CheckoutStatus.PROCESSING

    def split(self, at: datetime) -> list[Order]:
        """One PENDING order per seller, in the order the sellers first appear in the cart."""
        orders = []
        for seller_id in self.sellers:
            order = Order(
                id=new_id(),
                checkout_id=self.id,
                buyer_id=self.buyer_id,
                seller_id=seller_id,
                status=OrderStatus.PENDING,
                currency=self.currency,
                lines=[
                    OrderLine(
                        new_id(),
                        ln.variant_id,
                        ln.product_id,
                        ln.sku,
                        ln.title,
                        ln.quantity,
                        ln.unit_price,
                        ln.currency,
                    )
                    for ln in self.lines
                    if ln.seller_id == seller_id
                ],
                shipping_total=self.shipping.get(seller_id, 0),
                shipping_address=self.shipping_address,
                created_at=at,
                updated_at=at,
            )
            order.history.append(
                StatusChange(new_id(), None, OrderStatus.PENDING, Actor.SYSTEM, None, None, at)
            )
            orders.append(order)
        self.order_ids = [o.id for o in orders]
        self.stage = CheckoutStage.RESERVED
        self.updated_at = at
        return orders

    def complete(self, at: datetime) -> None:
        self.status, self.stage, self.updated_at = CheckoutStatus.COMPLETED, CheckoutStage.COMPLETED, at

    def fail(self, code: str, at: datetime, detail: Sequence[dict[str, Any]] = ()) -> None:
        self.status, self.stage, self.updated_at = CheckoutStatus.FAILED, CheckoutStage.FAILED, at
        self.failure_code = code
        self.failure_detail = list(detail)
