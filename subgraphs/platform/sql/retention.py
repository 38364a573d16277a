"""Deletes rows that have outlived their purpose (idempotency keys after a day, published outbox
rows after a week, consumers' claims after two), in small batches so a big backlog never holds
long locks; safe to run in several processes at once (SKIP LOCKED)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Coroutine
from datetime import timedelta
from functools import partial
from typing import Any

from sqlalchemy import Column, ColumnElement, Table, delete, func, select, tuple_
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

log = logging.getLogger(__name__)
BATCH = 1000


def older_than(column: Column[object], keep: timedelta) -> ColumnElement[bool]:
    """Rows whose `column` is more than `keep` ago (NULL never qualifies)."""
    return column < func.now() - keep


async def prune_once(engine: AsyncEngine, table: Table, expired: ColumnElement[bool]) -> int:
    """Deletes up to BATCH rows matching `expired`; returns how many went."""
    key = list(table.primary_key.columns)
    old = select(*key).where(expired).limit(BATCH).with_for_update(skip_locked=True)
    async with engine.begin() as conn:
        result = await conn.execute(delete(table).where(tuple_(*key).in_(old)))
    return int(result.rowcount or 0)


async def run_retention(
    engine: AsyncEngine,
    stop: asyncio.Event,
    table: Table,
    expired: ColumnElement[bool],
    every_seconds: float = 600.0,
) -> None:
    while not stop.is_set():
        try:
            while await prune_once(engine, table, expired) == BATCH and not stop.is_set():
                pass
        except (SQLAlchemyError, OSError):
            log.warning("retention of %s failed; retrying later", table.fullname, exc_info=True)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), every_seconds)


# Published outbox rows are kept a week for inspection and replays by hand; consumers' claims
# outlive Kafka's retention (7 days by default), so no redelivery can find its claim gone.
PUBLISHED_OUTBOX_KEPT = timedelta(days=7)
PROCESSED_EVENTS_KEPT = timedelta(days=14)


def bookkeeping_retention(
    engine: AsyncEngine, stop: asyncio.Event, outbox: Table, processed_events: Table
) -> list[Callable[[], Coroutine[Any, Any, None]]]:
    """Pruning of a subgraph's outbox (published rows only) and processed-event claims (restartable)."""
    return [
        partial(
            run_retention, engine, stop, outbox, older_than(outbox.c.published_at, PUBLISHED_OUTBOX_KEPT)
        ),
        partial(
            run_retention,
            engine,
            stop,
            processed_events,
            older_than(processed_events.c.processed_at, PROCESSED_EVENTS_KEPT),
        ),
    ]
