"""Per-category product counts: applied from events, read with the category subtree."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from subgraphs.platform.sql.keyset import ids_param
from subgraphs.products.adapters import tables as t


async def apply_listing_change(conn: AsyncConnection, deltas: Sequence[tuple[uuid.UUID, int]]) -> None:
    for category_id, delta in deltas:
        stmt = insert(t.category_counts).values(category_id=category_id, active_products=delta)
        await conn.execute(
            stmt.on_conflict_do_update(
                index_elements=[t.category_counts.c.category_id],
                set_={"active_products": t.category_counts.c.active_products + stmt.excluded.active_products},
            )
        )


async def subtree_counts(conn: AsyncConnection, category_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, int]:
    """ACTIVE products in each category and its descendants: joins two small tables only."""
    c, d, n = t.categories, t.categories.alias("d"), t.category_counts
    query = (
        select(c.c.id, func.coalesce(func.sum(n.c.active_products), 0))
        .select_from(c)
        .join(d, d.c.path.startswith(c.c.path))
        .join(n, n.c.category_id == d.c.id)
        .where(c.c.id == ids_param(category_ids))
        .group_by(c.c.id)
    )
    return {row[0]: int(row[1]) for row in await conn.execute(query)}
