"""A return: delivered lines of a seller order the buyer sends back, and the refund it earns.

    REQUESTED ──approve──► APPROVED ──receive──► RECEIVED
        │                      └──────── refund (the pipeline) ──► refunded_at set
        └──reject──► REJECTED

The buyer asks within the return window (30 days from delivery) for at most what was delivered
and not already asked back (rejected returns do not count); the seller of the lines approves or
rejects with a note, an admin may decide either way. Approval returns the lines
(`order.returned`) and starts the refund; receipt puts the stock back. The refund is the lines'
price, never more than the order's captured total less what was refunded before.
"""

from __future__ import annotations

import enum
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from subgraphs.orders.domain.errors import IllegalTransition, ReturnWindowClosed
from subgraphs.orders.domain.orders import Actor, OrderLine
from subgraphs.platform.kernel.errors import AppError, BadUserInput, NotFound
from subgraphs.platform.kernel.ids import new_id

RETURN_WINDOW = timedelta(days=30)
NOTE_MAX = 500
MAX_PHOTOS = 5
MAX_PHOTO_BYTES = 5 * 1024 * 1024
UPLOADED = "upload:"  # a photo kept by us (its storage key follows), not a link


def photo_kind(data: bytes) -> str | None:
    """The photo's file type by its first bytes (JPEG or PNG), None for anything else."""
    if data.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    return None


class ReturnReason(enum.Enum):
    DAMAGED = "DAMAGED"
    DEFECTIVE = "DEFECTIVE"
    WRONG_ITEM = "WRONG_ITEM"
    NOT_AS_DESCRIBED = "NOT_AS_DESCRIBED"
    NO_LONGER_NEEDED = "NO_LONGER_NEEDED"
    OTHER = "OTHER"


class ReturnStatus(enum.Enum):
    REQUESTED = "REQUESTED"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"
    RECEIVED = "RECEIVED"


R, A = ReturnStatus, Actor
MOVES: dict[tuple[ReturnStatus, ReturnStatus], frozenset[Actor]] = {
    (R.REQUESTED, R.APPROVED): frozenset({A.SELLER, A.ADMIN}),
    (R.REQUESTED, R.REJECTED): frozenset({A.SELLER, A.ADMIN}),
    # An admin may overturn a rejection; taking back an approval (refunded already) needs an
    # admin override (RETURN_FORCE_DECISION).
    (R.REJECTED, R.APPROVED): frozenset({A.ADMIN}),
    (R.APPROVED, R.RECEIVED): frozenset({A.SELLER, A.ADMIN}),
}
COUNTED = frozenset({R.REQUESTED, R.APPROVED, R.RECEIVED})  # what holds delivered units


@dataclass(frozen=True, slots=True)
class ReturnLine:
    item_id: uuid.UUID
    variant_id: uuid.UUID
    quantity: int
    reason: ReturnReason
    unit_price: int


@dataclass(frozen=True, slots=True)
class ReturnChange:
    id: uuid.UUID
    from_status: ReturnStatus | None
    to_status: ReturnStatus
    actor: Actor
    actor_id: uuid.UUID | None
    note: str | None
    at: datetime


@dataclass(slots=True)
class Return:
    id: uuid.UUID
    order_id: uuid.UUID
    seller_id: uuid.UUID
    buyer_id: uuid.UUID
    lines: list[ReturnLine]
    status: ReturnStatus
    currency: str
    note: str | None
    photos: list[str]
    created_at: datetime
    updated_at: datetime
    seller_note: str | None = None
    refunded_amount: int = 0
    refunded_at: datetime | None = None
    version: int = 1
    history: list[ReturnChange] = field(default_factory=list)

    @property
    def amount(self) -> int:
        return sum(line.unit_price * line.quantity for line in self.lines)

    @property
    def reasons(self) -> list[ReturnReason]:
        return sorted({line.reason for line in self.lines}, key=lambda r: r.value)

    def move(
        self, to: ReturnStatus, actor: Actor, at: datetime, actor_id: uuid.UUID | None, note: str | None
    ) -> ReturnChange:
        if actor not in MOVES.get((self.status, to), frozenset()):
            raise IllegalTransition(
                f"A {self.status.value} return cannot become {to.value} by {actor.value.lower()} action.",
                field="status",
                status=self.status.value,
            )
        change = ReturnChange(new_id(), self.status, to, actor, actor_id, note, at)
        self.status, self.updated_at = to, at
        self.version += 1
        if note is not None:
            self.seller_note = note
        self.history.append(change)
        return change


def force_return(
    ret: Return, to: ReturnStatus, at: datetime, actor_id: uuid.UUID | None, note: str | None
) -> ReturnChange:
    """A decision the rules refuse, let through by an admin override (the caller checked it)."""
    change = ReturnChange(new_id(), ret.status, to, A.ADMIN, actor_id, note, at)
    ret.status, ret.updated_at = to, at
    ret.version += 1
    if note is not None:
        ret.seller_note = note
    ret.history.append(change)
    return change


def returnable(
    ordered: Sequence[OrderLine], delivered: Mapping[uuid.UUID, int], earlier: Iterable[Return]
) -> dict[uuid.UUID, int]:
    """Units of each line the buyer may still ask back: delivered, less what live returns hold."""
    held: dict[uuid.UUID, int] = {}
    for r in earlier:
        if r.status in COUNTED:
            for line in r.lines:
                held[line.item_id] = held.get(line.item_id, 0) + line.quantity
    return {line.id: max(0, delivered.get(line.id, 0) - held.get(line.id, 0)) for line in ordered}


def return_lines(
    ordered: Sequence[OrderLine],
    left: Mapping[uuid.UUID, int],
    requested: Sequence[tuple[uuid.UUID, int, ReturnReason]],
    delivered_at: datetime | None,
    now: datetime,
) -> tuple[list[ReturnLine], list[AppError]]:
    """The lines of a new return, and every reason it cannot be asked as it is."""
    if delivered_at is None:
        return [], [BadUserInput("Nothing of this order was delivered yet.", field="orderId")]
    if now > delivered_at + RETURN_WINDOW:
        closed = ReturnWindowClosed(
            "The 30-day return window of this order has closed.",
            field="orderId",
            closedAt=(delivered_at + RETURN_WINDOW).isoformat(),
        )
        return [], [closed]
    if not requested:
        return [], [BadUserInput("Name at least one line to return.", field="items")]
    by_id = {line.id: line for line in ordered}
    lines: list[ReturnLine] = []
    problems: list[AppError] = []
    seen: set[uuid.UUID] = set()
    for index, (item_id, quantity, reason) in enumerate(requested):
        where = f"items.{index}"
        line = by_id.get(item_id)
        if line is None:
            problems.append(NotFound("This order has no such line.", field=f"{where}.itemId"))
        elif item_id in seen:
            problems.append(BadUserInput("Each line once per return.", field=f"{where}.itemId"))
        elif quantity < 1:
            problems.append(BadUserInput("Return at least one unit.", field=f"{where}.quantity"))
        elif quantity > left.get(item_id, 0):
            problems.append(
                BadUserInput(
                    f"Only {left.get(item_id, 0)} delivered units of this line can be returned.",
                    field=f"{where}.quantity",
                    returnable=left.get(item_id, 0),
                )
            )
        else:
            lines.append(ReturnLine(item_id, line.variant_id, quantity, reason, line.unit_price))
        seen.add(item_id)
    return lines, problems


def refundable(amount: int, captured: int, refunded_before: int) -> int:
    """What a return's refund may be: its amount, capped by what is left of the capture."""
    return max(0, min(amount, captured - refunded_before))
