"""Old idempotency keys are pruned in batches; recent ones stay."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

from subgraphs.cart.adapters import tables as t
from subgraphs.platform.ids import new_id
from subgraphs.platform.retention import BATCH, prune_once


async def test_rows_older_than_the_window_go_and_the_rest_stay(
    cart_engine: AsyncEngine, cart_app: object
) -> None:
    owner = new_id()
    r = t.cart_requests
    old = [
        {
            "owner_id": owner,
            "key": f"old-{i}",
            "request_hash": "h",
            "cart_id": owner,
            "created_at": func.now() - timedelta(days=2),
        }
        for i in range(BATCH + 5)
    ]
    async with cart_engine.begin() as conn:
        for row in old:
            await conn.execute(insert(r).values(**row))
        await conn.execute(insert(r).values(owner_id=owner, key="fresh", request_hash="h", cart_id=owner))
    assert await prune_once(cart_engine, r, r.c.created_at, timedelta(hours=24)) == BATCH
    await prune_once(cart_engine, r, r.c.created_at, timedelta(hours=24))
    async with cart_engine.connect() as conn:
        left = (await conn.execute(select(r.c.key).where(r.c.owner_id == owner))).scalars().all()
    assert left == ["fresh"]
