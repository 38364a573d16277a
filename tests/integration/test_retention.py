"""Old idempotency keys are pruned in batches; recent ones stay."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

from subgraphs.cart.adapters import tables as t
from subgraphs.platform.kernel.ids import new_id
from subgraphs.platform.sql.retention import BATCH, older_than, prune_once


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
    assert await prune_once(cart_engine, r, older_than(r.c.created_at, timedelta(hours=24))) == BATCH
    await prune_once(cart_engine, r, older_than(r.c.created_at, timedelta(hours=24)))
    async with cart_engine.connect() as conn:
        left = (await conn.execute(select(r.c.key).where(r.c.owner_id == owner))).scalars().all()
    assert left == ["fresh"]


async def test_only_published_outbox_rows_are_pruned(cart_engine: AsyncEngine, cart_app: object) -> None:
    o = t.outbox
    marker = new_id()
    rows: list[dict[str, Any]] = [
        {"published_at": func.now() - timedelta(days=8)},  # published long ago: goes
        {"published_at": func.now()},  # published now: stays
        {"published_at": None},  # never published (Kafka was down): stays whatever its age
    ]
    async with cart_engine.begin() as conn:
        for row in rows:
            await conn.execute(
                insert(o).values(
                    id=new_id(),
                    topic="t",
                    aggregate_id=marker,
                    event_type="test.retention",
                    payload=b"{}",
                    created_at=func.now() - timedelta(days=30),
                    **row,
                )
            )
    await prune_once(cart_engine, o, older_than(o.c.published_at, timedelta(days=7)))
    async with cart_engine.connect() as conn:
        left = (
            (await conn.execute(select(o.c.published_at).where(o.c.aggregate_id == marker))).scalars().all()
        )
    assert len(left) == 2
    assert None in left
