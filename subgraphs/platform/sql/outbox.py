"""Transactional outbox: events are rows written in the same transaction as the change.

A relay publishes unsent rows to Kafka (key = aggregate id) and marks them sent. Delivery is
at-least-once: if the relay dies between Kafka's ack and the UPDATE, the rows go out again
and consumers drop the duplicates by event id (see `idempotency`). Rows are selected by a
`published_at IS NULL` status, not by an id high-water mark, because transactions commit out
of id order. One relay per subgraph is leader (a PostgreSQL advisory lock) so per-aggregate
order is kept; `FOR UPDATE SKIP LOCKED` keeps a second one harmless anyway.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import zlib
from collections.abc import Sequence
from typing import Any, Protocol

import asyncpg
from sqlalchemy import (
    Column,
    DateTime,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Uuid,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from subgraphs.platform.kernel.messages import Envelope, EventContract

logger = logging.getLogger("outbox")


def outbox_table(metadata: MetaData) -> Table:
    return Table(
        "outbox",
        metadata,
        Column("id", Uuid, primary_key=True),
        Column("topic", String(200), nullable=False),
        Column("aggregate_id", Uuid, nullable=False),
        Column("event_type", String(100), nullable=False),
        Column("payload", LargeBinary, nullable=False),
        Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        Column("published_at", DateTime(timezone=True)),
        Column("attempts", Integer, nullable=False, server_default="0"),
        Index("outbox_unpublished", "id", postgresql_where=text("published_at IS NULL")),
        # For retention: published rows by age (unpublished ones are never pruned).
        Index("outbox_published", "published_at", postgresql_where=text("published_at IS NOT NULL")),
    )


def notify_channel(schema: str) -> str:
    return f"outbox_{schema}"


async def write_events(conn: AsyncConnection, table: Table, events: Sequence[EventContract]) -> None:
    """Append events in the caller's transaction; they are only visible if it commits."""
    if not events:
        return
    rows = []
    for event in events:
        envelope = Envelope.wrap(event)
        rows.append(
            {
                "id": envelope.id,
                "topic": event.TOPIC.name,
                "aggregate_id": envelope.aggregate_id,
                "event_type": envelope.event_type,
                "payload": envelope.to_json(),
            }
        )
    await conn.execute(insert(table), rows)
    # Wakes the relay at once instead of waiting for its polling interval.
    await conn.execute(text(f"NOTIFY {notify_channel(table.schema or 'public')}"))


class Producer(Protocol):
    async def send(
        self, topic: str, value: bytes, key: bytes, headers: list[tuple[str, bytes]]
    ) -> asyncio.Future[Any]: ...


class OutboxRelay:
    def __init__(
        self,
        engine: AsyncEngine,
        table: Table,
        producer: Producer,
        dsn: str,
        batch_size: int = 500,
        poll_interval: float = 1.0,
        standby_interval: float = 1.0,
    ) -> None:
        self._engine = engine
        self._table = table
        self._producer = producer
        self._dsn = dsn
        self._batch_size = batch_size
        self._poll_interval = poll_interval
        self._wake = asyncio.Event()
        self.published = 0
        self.state = "starting"
        self.standby_interval = standby_interval

    async def publish_batch(self) -> int:
        t = self._table
        async with self._engine.begin() as conn:
            rows = (
                await conn.execute(
                    select(t.c.id, t.c.topic, t.c.aggregate_id, t.c.event_type, t.c.payload)
                    .where(t.c.published_at.is_(None))
                    .order_by(t.c.id)
                    .limit(self._batch_size)
                    .with_for_update(skip_locked=True)
                )
            ).all()
            if not rows:
                return 0
            acks = [
                await self._producer.send(
                    r.topic,
                    value=r.payload,
                    key=str(r.aggregate_id).encode(),
                    headers=[("event_id", str(r.id).encode()), ("event_type", r.event_type.encode())],
                )
                for r in rows
            ]
            await asyncio.gather(*acks)
            await conn.execute(
                update(t)
                .where(t.c.id.in_([r.id for r in rows]))
                .values(published_at=func.now(), attempts=t.c.attempts + 1)
            )
        self.published += len(rows)
        return len(rows)

    async def run(self, stop: asyncio.Event) -> None:
        """Lead (advisory lock), then publish until `stop`; wakes on NOTIFY or every poll.

        The lock lives on its own connection; when that connection dies (PostgreSQL restarted,
        the backend was killed) the lock is gone with it, so the relay stops publishing at once
        and competes for the lock again. A standby tries every `standby_interval` seconds.
        """
        schema = self._table.schema or "public"
        lock_key = zlib.crc32(f"outbox-relay:{schema}".encode())
        while not stop.is_set():
            self.state = "standby"
            try:
                conn = await asyncpg.connect(self._dsn, timeout=5)
            except (OSError, asyncpg.PostgresError, TimeoutError):
                self.state = "retrying: postgres"
                logger.warning("outbox relay cannot reach PostgreSQL; retrying")
                await _sleep_or_stop(stop, 1.0)
                continue
            try:
                if not await conn.fetchval("SELECT pg_try_advisory_lock($1)", lock_key):
                    await _sleep_or_stop(stop, self.standby_interval)
                    continue
                self.state = "leading"
                conn.add_termination_listener(self._on_notify)
                await conn.add_listener(notify_channel(schema), self._on_notify)
                await self._publish_until(stop, conn)
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError):
                logger.warning("outbox relay lost its lock connection; competing again", exc_info=True)
            finally:
                self.state = "standby"
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(conn.close(), 2)

    def _on_notify(self, *_: object) -> None:
        self._wake.set()

    async def _publish_until(self, stop: asyncio.Event, lock: asyncpg.Connection) -> None:
        failures = 0
        while not stop.is_set():
            self._wake.clear()
            # Still the leader? A dead lock connection means another relay may lead by now.
            if lock.is_closed():
                return
            await lock.fetchval("SELECT 1", timeout=5)
            try:
                sent = await self.publish_batch()
                failures = 0
            except Exception:
                failures += 1
                logger.exception("outbox relay batch failed", extra={"failures": failures})
                await _sleep_or_stop(stop, min(2.0, 0.2 * 2**failures))
                continue
            if sent < self._batch_size:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake_or_stop(stop), self._poll_interval)

    async def _wake_or_stop(self, stop: asyncio.Event) -> None:
        waiters = [asyncio.ensure_future(self._wake.wait()), asyncio.ensure_future(stop.wait())]
        try:
            await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for w in waiters:
                w.cancel()


async def _sleep_or_stop(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)
