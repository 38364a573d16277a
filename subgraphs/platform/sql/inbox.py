"""Idempotent consumers: remember processed event ids in the same transaction as the effect.

The primary key `(consumer, event_id)` makes the check atomic: a redelivered event inserts
nothing and its handler does not run again. No read-then-write race is possible.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import Column, DateTime, Index, MetaData, String, Table, Uuid, func
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection


def processed_events_table(metadata: MetaData) -> Table:
    return Table(
        "processed_events",
        metadata,
        Column("consumer", String(100), primary_key=True),
        Column("event_id", Uuid, primary_key=True),
        Column("processed_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        Index("processed_events_at", "processed_at"),  # for retention
    )


async def claim_event(conn: AsyncConnection, table: Table, consumer: str, event_id: uuid.UUID) -> bool:
    """True the first time `consumer` sees `event_id` (in this transaction), False after."""
    result = await conn.execute(
        insert(table)
        .values(consumer=consumer, event_id=event_id)
        .on_conflict_do_nothing()
        .returning(table.c.event_id)
    )
    return result.first() is not None


async def claim_events(
    conn: AsyncConnection, table: Table, consumer: str, event_ids: Sequence[uuid.UUID]
) -> set[uuid.UUID]:
    """The ids of `event_ids` that `consumer` sees for the first time, claimed in one statement."""
    if not event_ids:
        return set()
    result = await conn.execute(
        insert(table)
        .values([{"consumer": consumer, "event_id": event_id} for event_id in dict.fromkeys(event_ids)])
        .on_conflict_do_nothing()
        .returning(table.c.event_id)
    )
    return {row.event_id for row in result}
