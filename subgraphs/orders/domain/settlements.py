"""Seller settlements: an append-only ledger per seller, and what of it may be paid out.

Each paid seller order accrues to its seller: the captured amount (SALE) less the platform's
commission on its lines (COMMISSION, at the seller's rate). Refunds take money back (REFUND)
and give the commission on it back (COMMISSION_REVERSAL, at the sale's rate). An order's
entries are released for payout once it was delivered and its return window has passed;
PAYOUT entries take released money out (PAYOUT_REVERSAL puts back a payout the provider
refused). The balance is the sum of the entries, always: no entry is ever updated or deleted.
"""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass
from datetime import datetime

from subgraphs.orders.domain.errors import OverPayout
from subgraphs.platform.kernel.errors import BadUserInput

BASIS_POINTS = 10_000
MAX_RATE_BP = 5_000  # a commission is at most half


class EntryKind(enum.Enum):
    SALE = "SALE"
    COMMISSION = "COMMISSION"
    REFUND = "REFUND"
    COMMISSION_REVERSAL = "COMMISSION_REVERSAL"
    PAYOUT = "PAYOUT"
    PAYOUT_REVERSAL = "PAYOUT_REVERSAL"


# Entries that are not an order's: released the moment they are written.
UNTIED = frozenset({EntryKind.PAYOUT, EntryKind.PAYOUT_REVERSAL})


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    id: uuid.UUID
    seller_id: uuid.UUID
    kind: EntryKind
    amount: int  # signed minor units: what the seller is owed more (+) or less (-)
    currency: str
    reference: str  # what it is for, once: "sale:<order>", "refund:<return>", "payout:<key>"
    created_at: datetime
    order_id: uuid.UUID | None = None
    rate_bp: int | None = None  # the commission rate of a SALE, in basis points


@dataclass(frozen=True, slots=True)
class Balance:
    currency: str
    total: int  # every entry
    available: int  # released entries: what may be paid out now (never below zero)

    @property
    def pending(self) -> int:
        return self.total - self.available


def commission(amount: int, rate_bp: int) -> int:
    """The platform's share of `amount`, rounded half up to the minor unit (integer arithmetic)."""
    return (amount * rate_bp + BASIS_POINTS // 2) // BASIS_POINTS


def check_rate(rate_bp: int) -> None:
    if not 0 <= rate_bp <= MAX_RATE_BP:
        raise BadUserInput(f"A commission is 0 to {MAX_RATE_BP} basis points.", field="rateBp")


def payout_amount(requested: int | None, available: int) -> int:
    """What a payout takes: what was asked (or everything released), never more than that."""
    amount = available if requested is None else requested
    if amount < 1:
        raise OverPayout("Nothing is released for payout yet.", field="amount", available=max(available, 0))
    if amount > available:
        raise OverPayout(
            f"Only {max(available, 0)} is released for payout.", field="amount", available=max(available, 0)
        )
    return amount
