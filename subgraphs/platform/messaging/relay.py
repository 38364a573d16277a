"""The outbox relay every subgraph runs: publish its outbox to Kafka until told to stop."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncEngine

from subgraphs.platform.messaging.kafka import make_producer
from subgraphs.platform.settings import Settings
from subgraphs.platform.sql.outbox import OutboxRelay


async def run_outbox_relay(
    settings: Settings,
    engine: AsyncEngine,
    stop: asyncio.Event,
    outbox: Table,
    report: Callable[[OutboxRelay], None] | None = None,
) -> None:
    """Publish the subgraph's outbox until `stop`; waits for Kafka if it is not up yet."""
    schema = outbox.schema or "public"
    producer = make_producer(settings.kafka_bootstrap_servers, f"{schema}-outbox-relay")
    while not stop.is_set():
        try:
            await producer.start()
            break
        except Exception:
            await asyncio.sleep(2.0)
    relay = OutboxRelay(engine, outbox, producer, settings.asyncpg_dsn)
    if report is not None:
        report(relay)
    try:
        await relay.run(stop)
    finally:
        await producer.stop()
