"""Keeps cart lines in step with the catalogue when products publish price or stock changes.

Product events only say *which* product or variant changed; the new price and stock are asked
from the products subgraph (the source of truth), so replays and out-of-order events converge
on the current state. Lines whose variant is gone are flagged unavailable, never deleted.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import and_, bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from subgraphs.cart.adapters import tables as t
from subgraphs.cart.service_layer.ports import Catalog


async def refresh_lines(
    conn: AsyncConnection,
    catalog: Catalog,
    *,
    product_id: uuid.UUID | None = None,
    variant_id: uuid.UUID | None = None,
) -> set[uuid.UUID]:
    """Re-prices and re-stocks the active carts' lines of one product or variant; returns their owners."""
    i, c = t.cart_items, t.carts
    condition = i.c.variant_id == variant_id if variant_id is not None else i.c.product_id == product_id
    # On Citus this is the one cross-shard read: asynchronous, off the request path.
    rows = (
        await conn.execute(
            select(i.c.owner_id, i.c.id, i.c.variant_id, i.c.unit_price, i.c.available, i.c.unavailable)
            .join(c, and_(c.c.owner_id == i.c.owner_id, c.c.id == i.c.cart_id))
            .where(condition, c.c.status == "ACTIVE")
        )
    ).all()
    if not rows:
        return set()
    facts = await catalog.variants(list({r.variant_id for r in rows}))
    changes: list[dict[str, Any]] = []
    for r in rows:
        f = facts.get(r.variant_id)
        new = (r.unit_price, r.available, True) if f is None else (f.unit_price, f.available, False)
        if new != (r.unit_price, r.available, r.unavailable):
            changes.append(
                {"o": r.owner_id, "l": r.id, "price": new[0], "available": new[1], "unavailable": new[2]}
            )
    if changes:
        await conn.execute(
            update(i)
            .where(i.c.owner_id == bindparam("o"), i.c.id == bindparam("l"))
            .values(
                unit_price=bindparam("price"),
                available=bindparam("available"),
                unavailable=bindparam("unavailable"),
            ),
            changes,
        )
    return {ch["o"] for ch in changes}
