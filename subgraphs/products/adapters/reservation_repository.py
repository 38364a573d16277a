"""Stock reservations on PostgreSQL: the conditional take, and the moves that follow it.

`take` is one statement: `UPDATE inventory SET reserved = reserved + q WHERE id = … AND
on_hand - reserved >= q`. PostgreSQL re-checks the condition on the newest row version after
waiting for a concurrent writer's lock, so of two buyers racing for the last unit exactly one
row is updated; the table's CHECK (`reserved <= on_hand`) backs it up.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncTransaction

from subgraphs.products.adapters import tables as t
from subgraphs.products.domain.reservations import Reservation, ReservationStatus, StockMove
from subgraphs.products.service_layer.reservation_ports import StockRow

inv, res = t.inventory, t.stock_reservations
_ROW = (
    inv.c.id,
    inv.c.product_id,
    inv.c.variant_id,
    inv.c.warehouse,
    inv.c.on_hand,
    inv.c.reserved,
    inv.c.low_stock_threshold,
)


def _stock_row(row: Any) -> StockRow:
    return StockRow(row[0], row[1], row[2], row[3], row[4], row[5], row[6])


def _reservation(row: Any) -> Reservation:
    m = row._mapping
    return Reservation(
        id=m["id"],
        checkout_id=m["checkout_id"],
        line_id=m["line_id"],
        seller_id=m["seller_id"],
        product_id=m["product_id"],
        variant_id=m["variant_id"],
        inventory_id=m["inventory_id"],
        warehouse=m["warehouse"],
        quantity=m["quantity"],
        status=ReservationStatus(m["status"]),
        expires_at=m["expires_at"],
        returned=m["returned"],
    )


class SqlReservationRepository:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn
        self._attempt: AsyncTransaction | None = None

    async def stock_of(self, variant_ids: Sequence[uuid.UUID]) -> list[StockRow]:
        if not variant_ids:
            return []
        rows = await self.conn.execute(select(*_ROW).where(inv.c.variant_id.in_(list(variant_ids))))
        return [_stock_row(r) for r in rows]

    async def take(self, row: StockRow, quantity: int) -> StockRow | None:
        taken = (
            await self.conn.execute(
                update(inv)
                .where(
                    inv.c.product_id == row.product_id,
                    inv.c.id == row.inventory_id,
                    inv.c.on_hand - inv.c.reserved >= quantity,
                )
                .values(reserved=inv.c.reserved + quantity, updated_at=func.now())
                .returning(*_ROW)
            )
        ).first()
        return _stock_row(taken) if taken else None

    async def begin_attempt(self) -> None:
        self._attempt = await self.conn.begin_nested()

    async def undo_attempt(self) -> None:
        assert self._attempt is not None, "begin_attempt first"
        await self._attempt.rollback()
        self._attempt = None

    async def add(self, reservations: Sequence[Reservation]) -> None:
        if not reservations:
            return
        await self.conn.execute(
            insert(res),
            [
                {
                    "product_id": r.product_id,
                    "id": r.id,
                    "checkout_id": r.checkout_id,
                    "line_id": r.line_id,
                    "seller_id": r.seller_id,
                    "variant_id": r.variant_id,
                    "inventory_id": r.inventory_id,
                    "warehouse": r.warehouse,
                    "quantity": r.quantity,
                    "status": r.status.value,
                    "expires_at": r.expires_at,
                }
                for r in reservations
            ],
        )

    async def of_checkout(
        self, checkout_id: uuid.UUID, seller_id: uuid.UUID | None = None
    ) -> list[Reservation]:
        query = select(res).where(res.c.checkout_id == checkout_id)
        if seller_id is not None:
            query = query.where(res.c.seller_id == seller_id)
        # Locked in one order everywhere (inventory row, then id) so concurrent moves cannot deadlock.
        rows = await self.conn.execute(query.order_by(res.c.inventory_id, res.c.id).with_for_update())
        return [_reservation(r) for r in rows]

    async def due(self, now: datetime, limit: int) -> list[Reservation]:
        rows = await self.conn.execute(
            select(res)
            .where(res.c.status == ReservationStatus.RESERVED.value, res.c.expires_at <= now)
            .order_by(res.c.expires_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return sorted((_reservation(r) for r in rows), key=lambda r: (r.inventory_id, r.id))

    async def apply(self, reservation: Reservation, move: StockMove) -> StockRow:
        await self.conn.execute(
            update(res)
            .where(res.c.product_id == reservation.product_id, res.c.id == reservation.id)
            .values(status=reservation.status.value, returned=reservation.returned, updated_at=func.now())
        )
        moved = (
            await self.conn.execute(
                update(inv)
                .where(inv.c.product_id == reservation.product_id, inv.c.id == reservation.inventory_id)
                .values(
                    on_hand=inv.c.on_hand + move.on_hand,
                    reserved=inv.c.reserved + move.reserved,
                    updated_at=func.now(),
                )
                .returning(*_ROW)
            )
        ).one()
        return _stock_row(moved)
