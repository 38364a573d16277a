"""A seller order: one seller's lines of a checkout, and the state machine it moves through.

    PENDING ──paid──► PAID ──accept──► PROCESSING ──ship──► SHIPPED ──deliver──► DELIVERED
       │                │                  │                                        │
       └── cancel ──────┴──── cancel ──────┘                 return (some lines) ───┤
                                                       PARTIALLY_RETURNED ─return──► RETURNED

Who may move it: the buyer cancels a paid order before shipping; the seller accepts and cancels
before shipping, and ships through shipments (domain/shipments.py: the order is SHIPPED once every
line is in a parcel, DELIVERED once every parcel is); admins make any legal move; the saga (the
system) pays and cancels unpaid orders. An illegal move is refused with ILLEGAL_TRANSITION and
changes nothing.
"""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass, field
from datetime import datetime

from subgraphs.contracts.addresses import Address
from subgraphs.orders.domain.errors import IllegalTransition
from subgraphs.platform.kernel.ids import new_id


class OrderStatus(enum.Enum):
    PENDING = "PENDING"
    PAID = "PAID"
    PROCESSING = "PROCESSING"
    SHIPPED = "SHIPPED"
    DELIVERED = "DELIVERED"
    CANCELLED = "CANCELLED"
    PARTIALLY_RETURNED = "PARTIALLY_RETURNED"
    RETURNED = "RETURNED"


class Actor(enum.Enum):
    BUYER = "BUYER"
    SELLER = "SELLER"
    ADMIN = "ADMIN"
    SYSTEM = "SYSTEM"


S, A = OrderStatus, Actor
_ANYONE_BUT_BUYER = frozenset({A.SELLER, A.ADMIN})
# (from, to) → who may make the move.
MOVES: dict[tuple[OrderStatus, OrderStatus], frozenset[Actor]] = {
    (S.PENDING, S.PAID): frozenset({A.SYSTEM}),
    # PENDING lasts while the payment runs: only the saga (or an admin) cancels it.
    (S.PENDING, S.CANCELLED): frozenset({A.ADMIN, A.SYSTEM}),
    (S.PAID, S.PROCESSING): _ANYONE_BUT_BUYER,
    (S.PAID, S.CANCELLED): frozenset({A.BUYER, A.SELLER, A.ADMIN}),
    (S.PROCESSING, S.CANCELLED): frozenset({A.BUYER, A.SELLER, A.ADMIN}),
    # Shipped and delivered follow the seller's shipments (the system), or an admin.
    (S.PROCESSING, S.SHIPPED): frozenset({A.ADMIN, A.SYSTEM}),
    (S.SHIPPED, S.DELIVERED): frozenset({A.ADMIN, A.SYSTEM}),
    (S.DELIVERED, S.PARTIALLY_RETURNED): frozenset({A.ADMIN, A.SYSTEM}),
    (S.DELIVERED, S.RETURNED): frozenset({A.ADMIN, A.SYSTEM}),
    (S.PARTIALLY_RETURNED, S.RETURNED): frozenset({A.ADMIN, A.SYSTEM}),
}
FINAL = frozenset({S.CANCELLED, S.RETURNED})
# How far along the lifecycle a status is (a checkout is as far as its slowest live order).
PROGRESS = (S.PENDING, S.PAID, S.PROCESSING, S.SHIPPED, S.DELIVERED, S.PARTIALLY_RETURNED, S.RETURNED)


def group_status(statuses: list[OrderStatus]) -> OrderStatus | None:
    """A checkout's status, derived from its orders': the least advanced of those not cancelled,
    CANCELLED when every one is, None before any order exists."""
    if not statuses:
        return None
    live = [s for s in statuses if s is not S.CANCELLED]
    return min(live, key=PROGRESS.index) if live else S.CANCELLED


PAID_STATES = frozenset({S.PAID, S.PROCESSING, S.SHIPPED, S.DELIVERED, S.PARTIALLY_RETURNED, S.RETURNED})


@dataclass(slots=True)
class OrderLine:
    id: uuid.UUID
    variant_id: uuid.UUID
    product_id: uuid.UUID
    sku: str
    title: str
    quantity: int
    unit_price: int  # minor units
    currency: str

    @property
    def line_total(self) -> int:
        return self.unit_price * self.quantity


@dataclass(frozen=True, slots=True)
class StatusChange:
    id: uuid.UUID
    from_status: OrderStatus | None
    to_status: OrderStatus
    actor: Actor
    actor_id: uuid.UUID | None
    note: str | None
    at: datetime


@dataclass(slots=True)
class Order:
    id: uuid.UUID
    checkout_id: uuid.UUID
    buyer_id: uuid.UUID
    seller_id: uuid.UUID
    status: OrderStatus
    currency: str
    lines: list[OrderLine]
    shipping_total: int
    shipping_address: Address
    created_at: datetime
    updated_at: datetime
    version: int = 1
    refunded_total: int = 0  # minor units given back (a cancellation, returns)
    history: list[StatusChange] = field(default_factory=list)

    @property
    def lines_total(self) -> int:
        return sum(line.line_total for line in self.lines)

    @property
    def grand_total(self) -> int:
        return self.lines_total + self.shipping_total

    @property
    def was_paid(self) -> bool:
        return self.status in PAID_STATES

    def may(self, to: OrderStatus, actor: Actor) -> bool:
        return actor in MOVES.get((self.status, to), frozenset())

    def move(
        self,
        to: OrderStatus,
        actor: Actor,
        at: datetime,
        actor_id: uuid.UUID | None = None,
        note: str | None = None,
    ) -> StatusChange:
        if not self.may(to, actor):
            raise IllegalTransition(
                f"A {self.status.value} order cannot become {to.value} by {actor.value.lower()} action.",
                field="status",
                status=self.status.value,
                allowed=sorted(t.value for (f, t), who in MOVES.items() if f is self.status and actor in who),
            )
        change = StatusChange(new_id(), self.status, to, actor, actor_id, note, at)
        self.status = to
        self.version += 1
        self.updated_at = at
        self.history.append(change)
        return change

    def force(
        self, to: OrderStatus, at: datetime, actor_id: uuid.UUID | None, note: str | None
    ) -> StatusChange:
        """A move the rules refuse, let through by an admin override (the caller checked it)."""
        change = StatusChange(new_id(), self.status, to, Actor.ADMIN, actor_id, note, at)
        self.status = to
        self.version += 1
        self.updated_at = at
        self.history.append(change)
        return change
