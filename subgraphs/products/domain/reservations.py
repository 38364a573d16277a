"""Stock held for a checkout: what one reservation took, and where it can go from there.

    RESERVED ──sell──► SOLD ──restock──► RESTOCKED      (paid, then cancelled before shipping)
        └────release──► RELEASED    │                     (checkout failed, order cancelled, expired)
                                    └─take back (units of a received return; at most what was sold)

Each transition names what it does to the inventory row the reservation took from, so the
adapter moves on-hand and reserved stock in the same statement as the status.
"""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass
from datetime import datetime


class ReservationStatus(enum.Enum):
    RESERVED = "RESERVED"
    SOLD = "SOLD"
    RELEASED = "RELEASED"
    RESTOCKED = "RESTOCKED"


@dataclass(frozen=True, slots=True)
class StockMove:
    """How a transition changes an inventory row: on hand and reserved, by these amounts."""

    on_hand: int
    reserved: int
    reason: str


@dataclass(slots=True)
class Reservation:
    id: uuid.UUID
    checkout_id: uuid.UUID
    line_id: uuid.UUID
    seller_id: uuid.UUID
    product_id: uuid.UUID
    variant_id: uuid.UUID
    inventory_id: uuid.UUID
    warehouse: str
    quantity: int
    status: ReservationStatus
    expires_at: datetime
    returned: int = 0  # units of a sold reservation that came back in returns

    def sell(self) -> StockMove | None:
        """The order was paid: the held units leave on-hand stock. None when not held."""
        if self.status is not ReservationStatus.RESERVED:
            return None
        self.status = ReservationStatus.SOLD
        return StockMove(on_hand=-self.quantity, reserved=-self.quantity, reason="SOLD")

    def undo(self) -> StockMove | None:
        """The checkout failed or the order was cancelled: held units are freed, sold ones come
        back on hand. None when there is nothing to undo (released or restocked already)."""
        if self.status is ReservationStatus.RESERVED:
            self.status = ReservationStatus.RELEASED
            return StockMove(on_hand=0, reserved=-self.quantity, reason="RELEASED")
        if self.status is ReservationStatus.SOLD:
            self.status = ReservationStatus.RESTOCKED
            return StockMove(on_hand=self.quantity - self.returned, reserved=0, reason="RESTOCKED")
        return None

    def take_back(self, units: int) -> StockMove | None:
        """Units of a received return go back on hand (never more than were sold)."""
        units = min(units, self.quantity - self.returned)
        if self.status is not ReservationStatus.SOLD or units < 1:
            return None
        self.returned += units
        return StockMove(on_hand=units, reserved=0, reason="RETURNED")

    def expire(self, now: datetime) -> StockMove | None:
        """Held past its expiry (the saga never finished): freed."""
        if self.status is ReservationStatus.RESERVED and self.expires_at <= now:
            return self.undo()
        return None
