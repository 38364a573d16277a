"""Seller ledger reads: the balance and the entries, each a single-seller query."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from subgraphs.orders.adapters import tables as t
from subgraphs.orders.adapters.settlement_repository import balance_from_row, balances_query, entry_from_row
from subgraphs.orders.domain.settlements import Balance, LedgerEntry
from subgraphs.orders.service_layer.settlement_ports import EntryQuery
from subgraphs.platform.kernel.paging import Page, PageArgs
from subgraphs.platform.sql.engine import reading
from subgraphs.platform.sql.keyset import KeysetOrder, SortKey, fetch_page


class SqlSettlementReads:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = reading(engine)

    async def balances(self, seller_id: uuid.UUID, now: datetime) -> list[Balance]:
        async with self._engine.connect() as conn:
            return [balance_from_row(r) for r in await conn.execute(balances_query(seller_id, now))]

    async def entries(self, query: EntryQuery, page: PageArgs) -> Page[LedgerEntry]:
        ledger = t.seller_ledger
        sql = select(ledger).where(ledger.c.seller_id == query.seller_id)
        if query.kinds:
            sql = sql.where(ledger.c.kind.in_([k.value for k in query.kinds]))
        if query.order_id is not None:
            sql = sql.where(ledger.c.order_id == query.order_id)
        if query.created_after is not None:
            sql = sql.where(ledger.c.created_at >= query.created_after)
        if query.created_before is not None:
            sql = sql.where(ledger.c.created_at < query.created_before)
        order = KeysetOrder(
            "sellerLedger",
            "NEWEST",
            (SortKey(ledger.c.created_at, datetime), SortKey(ledger.c.id, uuid.UUID)),
            True,
        )
        found = await fetch_page(self._engine, sql, order, page)
        return found.map(entry_from_row)
