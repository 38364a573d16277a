"""Return reads on PostgreSQL: each list is one single-key keyset query on its reader's copy.

SALES       returns        WHERE seller_id = …  (returns_newest / _status_newest)
PURCHASES   buyer_returns  WHERE buyer_id = …   (buyer_returns_newest)
ALL         buyer_returns, everyone's (admins; buyer_returns_all_newest)
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select, tuple_
from sqlalchemy.ext.asyncio import AsyncEngine

from subgraphs.orders.adapters import tables as t
from subgraphs.orders.adapters.copies import copy_for, keys_of, newest_first
from subgraphs.orders.adapters.return_rows import change_from_row, return_from_row
from subgraphs.orders.domain.returns import Return, ReturnChange
from subgraphs.orders.service_layer.ports import Keys
from subgraphs.orders.service_layer.returns_ports import ReturnQuery
from subgraphs.platform.kernel.paging import Page, PageArgs
from subgraphs.platform.sql.engine import reading
from subgraphs.platform.sql.keyset import fetch_page


class SqlReturnReads:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = reading(engine)

    async def keys(self, id: uuid.UUID) -> Keys | None:
        return await keys_of(self._engine, id)

    async def return_(self, keys: Keys) -> Return | None:
        r = t.returns
        async with self._engine.connect() as conn:
            row = (
                await conn.execute(select(r).where(r.c.seller_id == keys.seller_id, r.c.id == keys.id))
            ).first()
        return return_from_row(row) if row else None

    async def returns(self, query: ReturnQuery, page: PageArgs) -> Page[Return]:
        table = copy_for(query.scope, t.returns, t.buyer_returns)
        sql = select(table)
        for column, value in (
            (table.c.seller_id, query.seller_id),
            (table.c.buyer_id, query.buyer_id),
            (table.c.order_id, query.order_id),
        ):
            if value is not None:
                sql = sql.where(column == value)
        if query.statuses:
            sql = sql.where(table.c.status.in_([s.value for s in query.statuses]))
        if query.reason is not None:
            sql = sql.where(table.c.reasons.contains([query.reason.value]))
        if query.created_after is not None:
            sql = sql.where(table.c.created_at >= query.created_after)
        if query.created_before is not None:
            sql = sql.where(table.c.created_at < query.created_before)
        found = await fetch_page(self._engine, sql, newest_first(table, "returns", query.scope), page)
        return found.map(return_from_row)

    async def histories(self, returns: Sequence[tuple[uuid.UUID, uuid.UUID]]) -> list[list[ReturnChange]]:
        if not returns:
            return []
        h = t.return_history
        async with self._engine.connect() as conn:
            rows = await conn.execute(
                select(h)
                .where(tuple_(h.c.seller_id, h.c.return_id).in_(list(returns)))
                .order_by(h.c.at, h.c.id)
            )
            found: dict[tuple[uuid.UUID, uuid.UUID], list[ReturnChange]] = {}
            for row in rows:
                found.setdefault((row.seller_id, row.return_id), []).append(change_from_row(row))
        return [found.get(key, []) for key in returns]
