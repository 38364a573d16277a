"""Seller ledgers on PostgreSQL: entries are only ever inserted (once per reference).

A balance is one single-seller query: the entries, with an order's counted as available once
its release time has passed (payouts always are).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from subgraphs.orders.adapters import tables as t
from subgraphs.orders.domain.settlements import UNTIED, Balance, EntryKind, LedgerEntry


def entry_from_row(row: Any) -> LedgerEntry:
    return LedgerEntry(
        id=row.id,
        seller_id=row.seller_id,
        kind=EntryKind(row.kind),
        amount=row.amount,
        currency=row.currency,
        reference=row.reference,
        created_at=row.created_at,
        order_id=row.order_id,
        rate_bp=row.rate_bp,
    )


def balances_query(seller_id: uuid.UUID, now: datetime) -> Any:
    ledger, releases = t.seller_ledger, t.seller_releases
    released = or_(ledger.c.kind.in_([k.value for k in UNTIED]), releases.c.release_at <= now)
    return (
        select(
            ledger.c.currency,
            func.sum(ledger.c.amount).label("total"),
            func.coalesce(func.sum(case((released, ledger.c.amount), else_=0)), 0).label("available"),
        )
        .select_from(
            ledger.outerjoin(
                releases,
                and_(releases.c.seller_id == ledger.c.seller_id, releases.c.order_id == ledger.c.order_id),
            )
        )
        .where(ledger.c.seller_id == seller_id)
        .group_by(ledger.c.currency)
        .order_by(ledger.c.currency)
    )


def balance_from_row(row: Any) -> Balance:
    return Balance(row.currency, int(row.total), max(0, int(row.available)))


class SqlSettlementRepository:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def append(self, entries: Sequence[LedgerEntry]) -> int:
        if not entries:
            return 0
        rows = [
            {
                "seller_id": e.seller_id,
                "id": e.id,
                "kind": e.kind.value,
                "amount": e.amount,
                "currency": e.currency,
                "reference": e.reference,
                "order_id": e.order_id,
                "rate_bp": e.rate_bp,
                "created_at": e.created_at,
            }
            for e in entries
        ]
        added = await self.conn.execute(
            insert(t.seller_ledger)
            .values(rows)
            .on_conflict_do_nothing(constraint="seller_ledger_once")
            .returning(t.seller_ledger.c.id)
        )
        return len(added.all())

    async def sale_of(self, seller_id: uuid.UUID, order_id: uuid.UUID) -> LedgerEntry | None:
        ledger = t.seller_ledger
        row = (
            await self.conn.execute(
                select(ledger).where(
                    ledger.c.seller_id == seller_id,
                    ledger.c.order_id == order_id,
                    ledger.c.kind == EntryKind.SALE.value,
                )
            )
        ).first()
        return entry_from_row(row) if row else None

    async def entry(self, seller_id: uuid.UUID, reference: str) -> LedgerEntry | None:
        ledger = t.seller_ledger
        row = (
            await self.conn.execute(
                select(ledger).where(ledger.c.seller_id == seller_id, ledger.c.reference == reference)
            )
        ).first()
        return entry_from_row(row) if row else None

    async def rate_of(self, seller_id: uuid.UUID) -> int | None:
        r = t.commission_rates
        row = (await self.conn.execute(select(r.c.rate_bp).where(r.c.seller_id == seller_id))).first()
        return int(row.rate_bp) if row else None

    async def set_rate(self, seller_id: uuid.UUID, rate_bp: int) -> None:
        statement = insert(t.commission_rates).values(seller_id=seller_id, rate_bp=rate_bp)
        await self.conn.execute(
            statement.on_conflict_do_update(index_elements=["seller_id"], set_={"rate_bp": rate_bp})
        )

    async def release(self, seller_id: uuid.UUID, order_id: uuid.UUID, at: datetime) -> None:
        await self.conn.execute(
            insert(t.seller_releases)
            .values(seller_id=seller_id, order_id=order_id, release_at=at)
            .on_conflict_do_nothing()
        )

    async def lock_account(self, seller_id: uuid.UUID) -> None:
        a = t.seller_accounts
        await self.conn.execute(insert(a).values(seller_id=seller_id).on_conflict_do_nothing())
        await self.conn.execute(select(a.c.seller_id).where(a.c.seller_id == seller_id).with_for_update())

    async def balances(self, seller_id: uuid.UUID, now: datetime) -> list[Balance]:
        return [balance_from_row(r) for r in await self.conn.execute(balances_query(seller_id, now))]
