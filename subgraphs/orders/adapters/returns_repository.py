"""The fulfilment repository plus returns, on the same transaction.

A return is written to the seller's `returns` and the buyer's `buyer_returns` in the same
transaction, its decisions to `return_history`, and its id to `order_keys`.
"""

from __future__ import annotations

import uuid

from sqlalchemy import insert, select, update

from subgraphs.orders.adapters import tables as t
from subgraphs.orders.adapters.fulfilment_repository import SqlFulfilmentRepository
from subgraphs.orders.adapters.return_rows import change_values, return_from_row, return_values
from subgraphs.orders.domain.returns import Return

_CHANGING = ("status", "seller_note", "refunded_amount", "refunded_at", "version", "updated_at")


class SqlReturnsRepository(SqlFulfilmentRepository):
    async def returns_of(self, seller_id: uuid.UUID, order_id: uuid.UUID) -> list[Return]:
        r = t.returns
        rows = await self.conn.execute(
            select(r).where(r.c.seller_id == seller_id, r.c.order_id == order_id).order_by(r.c.id)
        )
        return [return_from_row(row) for row in rows]

    async def return_(
        self, seller_id: uuid.UUID, return_id: uuid.UUID, *, lock: bool = False
    ) -> Return | None:
        r = t.returns
        query = select(r).where(r.c.seller_id == seller_id, r.c.id == return_id)
        row = (await self.conn.execute(query.with_for_update() if lock else query)).first()
        return return_from_row(row) if row else None

    async def add_return(self, ret: Return) -> None:
        values = return_values(ret)
        await self.conn.execute(insert(t.returns).values(**values))
        await self.conn.execute(insert(t.buyer_returns).values(**values))
        await self.conn.execute(
            insert(t.order_keys).values(
                id=ret.id,
                kind="RETURN",
                buyer_id=ret.buyer_id,
                seller_id=ret.seller_id,
                order_id=ret.order_id,
            )
        )
        await self._history(ret)

    async def save_return(self, ret: Return) -> None:
        changed = {k: v for k, v in return_values(ret).items() if k in _CHANGING}
        r, b = t.returns, t.buyer_returns
        await self.conn.execute(
            update(r).where(r.c.seller_id == ret.seller_id, r.c.id == ret.id).values(**changed)
        )
        await self.conn.execute(
            update(b).where(b.c.buyer_id == ret.buyer_id, b.c.id == ret.id).values(**changed)
        )
        await self._history(ret)

    async def _history(self, ret: Return) -> None:
        if ret.history:
            await self.conn.execute(insert(t.return_history), [change_values(ret, c) for c in ret.history])
            ret.history.clear()
