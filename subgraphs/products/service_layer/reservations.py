"""Stock reservations for the checkout saga: reserve all lines or none, sell, undo, expire.

Each use case runs on one event of the saga (with its claim, so a redelivery changes nothing)
or on the expiry job. Lines are taken in variant order, so two checkouts sharing variants lock
their rows in the same order and cannot deadlock. A line comes from one warehouse: the one
with the most free stock that can cover it whole.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from subgraphs.contracts.orders import CheckoutLine, CheckoutStarted, ReturnReceived
from subgraphs.contracts.products import InventoryChanged, ShortLine, StockRejected, StockReserved
from subgraphs.platform.kernel.ids import new_id
from subgraphs.platform.kernel.unit_of_work import Claim
from subgraphs.products.domain.reservations import Reservation, ReservationStatus, StockMove
from subgraphs.products.service_layer.reservation_ports import (
    OpenReservationUnitOfWork,
    ReservationUnitOfWork,
    StockRow,
)

EXPIRY_BATCH = 200


def _changed(row: StockRow, move: StockMove, seller_id: uuid.UUID) -> InventoryChanged:
    """`row` is the stock after the move."""
    return InventoryChanged(
        inventory_id=row.inventory_id,
        product_id=row.product_id,
        variant_id=row.variant_id,
        warehouse=row.warehouse,
        delta=move.on_hand,
        reason=move.reason,
        on_hand=row.on_hand,
        reserved=row.reserved,
        available=row.available,
        seller_id=seller_id,
        low_stock_threshold=row.low_stock_threshold,
        available_before=row.available - (move.on_hand - move.reserved),
    )


async def _move_all(
    uow: ReservationUnitOfWork,
    reservations: list[Reservation],
    step: Callable[[Reservation], StockMove | None],
) -> int:
    moved = 0
    for reservation in reservations:
        move = step(reservation)
        if move is not None:
            row = await uow.repo.apply(reservation, move)
            uow.events.append(_changed(row, move, reservation.seller_id))
            moved += 1
    return moved


async def _take(uow: ReservationUnitOfWork, rows: list[StockRow], quantity: int) -> StockRow | None:
    """The first warehouse row (most free stock first) that still covers the line whole."""
    for row in rows:
        if row.available >= quantity and (taken := await uow.repo.take(row, quantity)):
            return taken
    return None


def _held(started: CheckoutStarted, line: CheckoutLine, taken: StockRow, expires_at: datetime) -> Reservation:
    return Reservation(
        id=new_id(),
        checkout_id=started.checkout_id,
        line_id=line.line_id,
        seller_id=line.seller_id,
        product_id=taken.product_id,
        variant_id=line.variant_id,
        inventory_id=taken.inventory_id,
        warehouse=taken.warehouse,
        quantity=line.quantity,
        status=ReservationStatus.RESERVED,
        expires_at=expires_at,
    )


@dataclass(frozen=True)
class Reservations:
    uow: OpenReservationUnitOfWork
    clock: Callable[[], datetime]

    async def reserve_checkout(self, started: CheckoutStarted, claim: Claim) -> bool:
        """Holds stock for every line of the checkout, or for none; says which with an event."""
        expires_at = self.clock() + timedelta(seconds=started.reserve_seconds)
        lines = sorted(started.lines, key=lambda line: (line.variant_id, line.line_id))
        async with self.uow(claim) as uow:
            stock: dict[uuid.UUID, list[StockRow]] = {}
            for row in await uow.repo.stock_of([line.variant_id for line in lines]):
                stock.setdefault(row.variant_id, []).append(row)
            await uow.repo.begin_attempt()
            held: list[Reservation] = []
            short: list[ShortLine] = []
            for line in lines:
                rows = sorted(stock.get(line.variant_id, []), key=lambda r: (-r.available, r.warehouse))
                taken = await _take(uow, rows, line.quantity)
                if taken is None:
                    free = max((r.available for r in rows), default=0)
                    short.append(
                        ShortLine(
                            line_id=line.line_id,
                            variant_id=line.variant_id,
                            requested=line.quantity,
                            available=max(free, 0),
                        )
                    )
                else:
                    held.append(_held(started, line, taken, expires_at))
                    uow.events.append(
                        _changed(
                            taken,
                            StockMove(on_hand=0, reserved=line.quantity, reason="RESERVED"),
                            line.seller_id,
                        )
                    )
            if short or not lines:
                await uow.repo.undo_attempt()
                uow.events[:] = [StockRejected(checkout_id=started.checkout_id, short=short)]
            else:
                await uow.repo.add(held)
                uow.events.append(StockReserved(checkout_id=started.checkout_id, expires_at=expires_at))
            await uow.commit()
        return bool(lines) and not short

    async def sell(self, checkout_id: uuid.UUID, seller_id: uuid.UUID, claim: Claim) -> int:
        """The seller's order of the checkout was paid: its held stock leaves on hand."""
        async with self.uow(claim) as uow:
            moved = await _move_all(uow, await uow.repo.of_checkout(checkout_id, seller_id), Reservation.sell)
            await uow.commit()
        return moved

    async def undo(self, checkout_id: uuid.UUID, seller_id: uuid.UUID | None, claim: Claim) -> int:
        """A failed checkout (every seller) or a cancelled order (one): stock freed or put back."""
        async with self.uow(claim) as uow:
            moved = await _move_all(uow, await uow.repo.of_checkout(checkout_id, seller_id), Reservation.undo)
            await uow.commit()
        return moved

    async def take_back(self, received: ReturnReceived, claim: Claim) -> int:
        """A return came back to the seller: its units go back on hand where they were sold from."""
        async with self.uow(claim) as uow:
            held = await uow.repo.of_checkout(received.checkout_id, received.seller_id)
            units = {line.variant_id: line.quantity for line in received.lines}
            back = [r for r in held if r.variant_id in units]
            moved = await _move_all(uow, back, lambda r: r.take_back(units[r.variant_id]))
            await uow.commit()
        return moved

    async def expire_due(self) -> int:
        """Frees a batch of reservations held past their expiry; how many it freed."""
        now = self.clock()
        async with self.uow() as uow:
            due = await uow.repo.due(now, EXPIRY_BATCH)
            moved = await _move_all(uow, due, lambda r: r.expire(now))
            await uow.commit()
        return moved
