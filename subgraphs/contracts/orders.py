"""Checkout and order events, published by the orders subgraph.

    orders.checkout.v1  checkout.started | checkout.completed | checkout.failed      key: checkout id
    orders.order.v1     order.created | order.paid | order.status_changed | order.cancelled |
                        order.access_changed
                                                                                   key: order id
    orders.shipment.v1  shipment.created | shipment.tracking_updated              key: shipment id
    orders.order.v1 also carries returns, keyed by their order id (one order's return, refund
    and cancellation events stay in order):
                        return.requested | order.returned (approved: refund it) | return.rejected |
                        return.received (stock back) | return.refunded

A checkout is the buyer's order group: one order per seller. The checkout saga runs on these
events and on the products subgraph's reservation events (`contracts/products.py`):

    checkout.started  → products reserves every line (all or nothing)  → stock.reserved | stock.rejected
    stock.reserved    → orders creates the orders, authorizes and captures the payment
                        → order.paid per order, checkout.completed (the cart is checked out)
    stock.rejected, a declined or timed-out payment → order.cancelled, checkout.failed
                        (products releases what the checkout reserved)
    order.paid        → products turns the order's reservations into sold stock
    order.cancelled   → products releases the order's reservations, or puts sold stock back
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from subgraphs.platform.kernel.messages import EventContract, Topic

CHECKOUT_TOPIC = Topic("orders.checkout.v1", "Checkout (order group) saga, keyed by checkout id.")
ORDER_TOPIC = Topic("orders.order.v1", "Seller order lifecycle, keyed by order id.")
SHIPMENT_TOPIC = Topic(
    "orders.shipment.v1", "Parcels of seller orders and their carrier scans, keyed by shipment id."
)


@dataclass(frozen=True, kw_only=True)
class CheckoutLine:
    """One line to reserve: a variant of a seller's product, and how many."""

    line_id: uuid.UUID
    variant_id: uuid.UUID
    product_id: uuid.UUID
    seller_id: uuid.UUID
    quantity: int


@dataclass(frozen=True, kw_only=True)
class CheckoutEvent(EventContract, topic=CHECKOUT_TOPIC, aggregate="checkout", key="checkout_id"):
    checkout_id: uuid.UUID
    buyer_id: uuid.UUID


@dataclass(frozen=True, kw_only=True)
class CheckoutStarted(CheckoutEvent, event_type="checkout.started"):
    lines: list[CheckoutLine] = field(default_factory=list)
    reserve_seconds: int = 900  # how long products holds the stock before its expiry job frees it


@dataclass(frozen=True, kw_only=True)
class CheckoutCompleted(CheckoutEvent, event_type="checkout.completed"):
    cart_id: uuid.UUID
    cart_version: int  # the version the buyer checked out; a cart changed since keeps its new lines
    variant_ids: list[uuid.UUID] = field(default_factory=list)  # what was bought
    order_ids: list[uuid.UUID] = field(default_factory=list)
    grand_total: int
    currency: str


@dataclass(frozen=True, kw_only=True)
class CheckoutFailed(CheckoutEvent, event_type="checkout.failed"):
    reason: str  # OUT_OF_STOCK | PAYMENT_DECLINED | PAYMENT_TIMEOUT | EXPIRED


@dataclass(frozen=True, kw_only=True)
class OrderEvent(EventContract, topic=ORDER_TOPIC, aggregate="order", key="order_id"):
    order_id: uuid.UUID
    checkout_id: uuid.UUID
    buyer_id: uuid.UUID
    seller_id: uuid.UUID
    status: str
    version: int


@dataclass(frozen=True, kw_only=True)
class OrderCreated(OrderEvent, event_type="order.created"):
    grand_total: int
    currency: str
    lines_total: int | None = None  # the lines without shipping (what commission is taken on)


@dataclass(frozen=True, kw_only=True)
class OrderPaid(OrderEvent, event_type="order.paid"):
    grand_total: int
    currency: str
    lines_total: int | None = None  # the lines without shipping (what commission is taken on)
    # The products bought (added later: older events lack it); "also bought" learns from it.
    product_ids: list[uuid.UUID] | None = None


@dataclass(frozen=True, kw_only=True)
class OrderStatusChanged(OrderEvent, event_type="order.status_changed"):
    previous_status: str
    at: datetime | None = None  # when it happened (DELIVERED: when the carrier delivered)


@dataclass(frozen=True, kw_only=True)
class OrderCancelled(OrderEvent, event_type="order.cancelled"):
    previous_status: str
    reason: str


@dataclass(frozen=True, kw_only=True)
class OrderAccessChanged(
    EventContract, event_type="order.access_changed", topic=ORDER_TOPIC, aggregate="order", key="order_id"
):
    """An admin granted a user explicit access to one order, or took it back (an audit trail)."""

    order_id: uuid.UUID
    user_id: uuid.UUID
    grant_id: uuid.UUID
    role: str | None  # VIEWER | SUPPORT; None when revoked
    expires_at: datetime | None
    by: uuid.UUID


@dataclass(frozen=True)
class ShippedLine:
    item_id: uuid.UUID  # the order item
    quantity: int


@dataclass(frozen=True, kw_only=True)
class ShipmentEvent(EventContract, topic=SHIPMENT_TOPIC, aggregate="shipment", key="shipment_id"):
    shipment_id: uuid.UUID
    order_id: uuid.UUID
    buyer_id: uuid.UUID
    seller_id: uuid.UUID
    carrier: str
    tracking_number: str
    status: str  # LABEL_CREATED | IN_TRANSIT | OUT_FOR_DELIVERY | DELIVERED | EXCEPTION
    version: int


@dataclass(frozen=True, kw_only=True)
class ShipmentCreated(ShipmentEvent, event_type="shipment.created"):
    """A seller put some of an order's lines in a parcel and bought its label."""

    lines: list[ShippedLine] = field(default_factory=list)


@dataclass(frozen=True, kw_only=True)
class ShipmentTracked(ShipmentEvent, event_type="shipment.tracking_updated"):
    """The carrier scanned the parcel (a new tracking event; the status may be unchanged)."""

    event_status: str
    event_at: datetime
    location: str | None = None
    description: str | None = None


@dataclass(frozen=True)
class ReturnedLine:
    item_id: uuid.UUID  # the order item
    variant_id: uuid.UUID
    quantity: int
    reason: str


@dataclass(frozen=True, kw_only=True)
class ReturnEvent(EventContract, topic=ORDER_TOPIC, aggregate="order", key="order_id"):
    return_id: uuid.UUID
    order_id: uuid.UUID
    checkout_id: uuid.UUID
    buyer_id: uuid.UUID
    seller_id: uuid.UUID
    status: str  # the return's: REQUESTED | APPROVED | REJECTED | RECEIVED
    version: int
    lines: list[ReturnedLine] = field(default_factory=list)
    amount: int  # the lines' price, minor units
    currency: str


@dataclass(frozen=True, kw_only=True)
class ReturnRequested(ReturnEvent, event_type="return.requested"):
    """The buyer asked to send delivered lines back."""


@dataclass(frozen=True, kw_only=True)
class OrderReturned(ReturnEvent, event_type="order.returned"):
    """A return was approved: its lines are returned and the refund pipeline pays it back."""


@dataclass(frozen=True, kw_only=True)
class ReturnRejected(ReturnEvent, event_type="return.rejected"):
    note: str | None = None


@dataclass(frozen=True, kw_only=True)
class ReturnReceived(ReturnEvent, event_type="return.received"):
    """The seller has the parcel back: products puts the units back on hand."""


@dataclass(frozen=True, kw_only=True)
class ReturnRefunded(ReturnEvent, event_type="return.refunded"):
    refunded: int  # what was paid back (capped by what is left of the capture)


@dataclass(frozen=True, kw_only=True)
class PayoutMade(
    EventContract, event_type="payout.made", topic=ORDER_TOPIC, aggregate="seller", key="seller_id"
):
    """Released money left a seller's balance for their bank account."""

    seller_id: uuid.UUID
    entry_id: uuid.UUID
    amount: int
    currency: str
