"""Deletes rows that have outlived their purpose (e.g. idempotency keys after a day), in small
batches so a big backlog never holds long locks; safe to run in several processes at once."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import timedelta

from sqlalchemy import Column, Table, delete, func, select, tuple_
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

log = logging.getLogger(__name__)
BATCH = 1000


async def prune_once(engine: AsyncEngine, table: Table, created: Column[object], keep: timedelta) -> int:
    """Deletes up to BATCH rows older than `keep`; returns how many went."""
    key = list(table.primary_key.columns)
    old = select(*key).where(created < func.now() - keep).limit(BATCH).with_for_update(skip_locked=True)
    async with engine.begin() as conn:
        result = await conn.execute(delete(table).where(tuple_(*key).in_(old)))
    return int(result.rowcount or 0)


async def run_retention(
    engine: AsyncEngine,
    stop: asyncio.Event,
    table: Table,
    created: Column[object],
    keep: timedelta,
    every_seconds: float = 600.0,
) -> None:
    while not stop.is_set():
        try:
            while await prune_once(engine, table, created, keep) == BATCH and not stop.is_set():
                pass
        except SQLAlchemyError:
            log.warning("retention of %s failed; retrying later", table.fullname, exc_info=True)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), every_seconds)
