"""Background work of the products subgraph: the outbox relay and the cache invalidator."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from subgraphs.platform.app import Resources
from subgraphs.platform.cache import VersionedCache
from subgraphs.platform.events import Event
from subgraphs.platform.kafka import IdempotentConsumer, make_producer
from subgraphs.platform.outbox import OutboxRelay
from subgraphs.products.adapters import tables
from subgraphs.products.domain.events import CATALOG_TOPIC, PRODUCT_TOPIC

CATALOG_CACHE = "catalog"
CACHE_INVALIDATOR_GROUP = "products-cache-invalidator"


def catalog_cache(resources: Resources) -> VersionedCache:
    return VersionedCache(resources.redis, CATALOG_CACHE, resources.settings.response_cache_ttl_seconds)


async def run_relay(resources: Resources, stop: asyncio.Event) -> None:
    producer = make_producer(resources.settings.kafka_bootstrap_servers, "products-outbox-relay")
    while not stop.is_set():
        try:
            await producer.start()
            break
        except Exception:
            await asyncio.sleep(2.0)
    try:
        relay = OutboxRelay(resources.engine, tables.outbox, producer, resources.settings.asyncpg_dsn)
        await relay.run(stop)
    finally:
        await producer.stop()


def cache_invalidator(resources: Resources) -> IdempotentConsumer:
    cache = catalog_cache(resources)

    async def on_event(_conn: AsyncConnection, _event: Event) -> None:
        # Any catalogue change may move a product in or out of any cached listing.
        await cache.invalidate()

    return IdempotentConsumer(
        bootstrap_servers=resources.settings.kafka_bootstrap_servers,
        group_id=CACHE_INVALIDATOR_GROUP,
        topics=[PRODUCT_TOPIC, CATALOG_TOPIC],
        engine=resources.engine,
        processed_table=tables.processed_events,
        handler=on_event,
    )


def workers(resources: Resources, stop: asyncio.Event) -> list[Coroutine[Any, Any, None]]:
    tasks: list[Coroutine[Any, Any, None]] = []
    if resources.settings.run_outbox_relay:
        tasks.append(run_relay(resources, stop))
    if resources.settings.run_consumers:
        tasks.append(cache_invalidator(resources).run(stop))
    return tasks
