"""The index ledger on PostgreSQL: one row per product the indexer has seen, locked per write."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import func, or_, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from subgraphs.search.adapters import tables as t
from subgraphs.search.service_layer.ports import LedgerRow

_ROWS = t.indexed_products


class SqlIndexLedger:
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def lock(self, product_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, LedgerRow]:
        ids = sorted(set(product_ids))  # one lock order for every writer: no deadlocks
        if not ids:
            return {}
        await self._conn.execute(
            insert(_ROWS).values([{"product_id": i} for i in ids]).on_conflict_do_nothing()
        )
        found = await self._conn.execute(
            select(_ROWS).where(_ROWS.c.product_id.in_(ids)).order_by(_ROWS.c.product_id).with_for_update()
        )
        return {
            row.product_id: LedgerRow(
                product_id=row.product_id,
                revision=row.revision,
                product_version=row.product_version,
                fingerprint=row.fingerprint,
                brand_id=row.brand_id,
                category_ids=tuple(row.category_ids or ()),
            )
            for row in found
        }

    async def save(self, rows: Sequence[LedgerRow]) -> None:
        for row in rows:
            await self._conn.execute(
                update(_ROWS)
                .where(_ROWS.c.product_id == row.product_id)
                .values(
                    revision=row.revision,
                    product_version=row.product_version,
                    fingerprint=row.fingerprint,
                    brand_id=row.brand_id,
                    category_ids=list(row.category_ids),
                    updated_at=func.now(),
                )
            )

    async def products_with(
        self, *, brand_ids: Sequence[uuid.UUID] = (), category_ids: Sequence[uuid.UUID] = ()
    ) -> list[uuid.UUID]:
        conditions = []
        if brand_ids:
            conditions.append(_ROWS.c.brand_id.in_(list(brand_ids)))
        if category_ids:
            conditions.append(_ROWS.c.category_ids.overlap(list(category_ids)))
        if not conditions:
            return []
        found = await self._conn.execute(
            select(_ROWS.c.product_id).where(or_(*conditions), _ROWS.c.fingerprint.is_not(None))
        )
        return [row.product_id for row in found]
