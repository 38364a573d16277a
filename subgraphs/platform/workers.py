"""Background workers every subgraph runs the same way: its outbox relay and its consumers."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence

from sqlalchemy import Table

from subgraphs.platform.app import Resources
from subgraphs.platform.events import Event
from subgraphs.platform.kafka import EventHandler, IdempotentConsumer, make_producer
from subgraphs.platform.outbox import OutboxRelay


async def run_outbox_relay(resources: Resources, stop: asyncio.Event, outbox: Table) -> None:
    """Publish the subgraph's outbox until `stop`; waits for Kafka if it is not up yet."""
    schema = outbox.schema or "public"
    producer = make_producer(resources.settings.kafka_bootstrap_servers, f"{schema}-outbox-relay")
    while not stop.is_set():
        try:
            await producer.start()
            break
        except Exception:
            await asyncio.sleep(2.0)
    try:
        await OutboxRelay(resources.engine, outbox, producer, resources.settings.asyncpg_dsn).run(stop)
    finally:
        await producer.stop()


def consumer(
    resources: Resources,
    group_id: str,
    topics: Sequence[str],
    processed: Table,
    handler: EventHandler,
    after_commit: Callable[[Event], Awaitable[None]] | None = None,
) -> IdempotentConsumer:
    return IdempotentConsumer(
        bootstrap_servers=resources.settings.kafka_bootstrap_servers,
        group_id=group_id,
        topics=topics,
        engine=resources.engine,
        processed_table=processed,
        handler=handler,
        after_commit=after_commit,
    )
