"""Background work of the products subgraph: the outbox relay and the cache invalidator."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Coroutine
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from subgraphs.platform.app import Resources
from subgraphs.platform.cache import VersionedCache
from subgraphs.platform.events import Event
from subgraphs.platform.kafka import IdempotentConsumer
from subgraphs.platform.retention import bookkeeping_retention
from subgraphs.platform.workers import consumer, run_outbox_relay
from subgraphs.products.adapters import tables
from subgraphs.products.adapters.category_counts import apply_listing_change
from subgraphs.products.domain.events import CATALOG_TOPIC, PRODUCT_TOPIC

CATALOG_CACHE = "catalog"
CACHE_INVALIDATOR_GROUP = "products-cache-invalidator"
CATEGORY_COUNTER_GROUP = "products-category-counter"


def catalog_cache(resources: Resources) -> VersionedCache:
    return VersionedCache(resources.redis, CATALOG_CACHE, resources.settings.response_cache_ttl_seconds)


def cache_invalidator(resources: Resources) -> IdempotentConsumer:
    cache = catalog_cache(resources)

    async def on_event(_conn: AsyncConnection, _event: Event) -> None:
        # Any catalogue change may move a product in or out of any cached listing.
        await cache.invalidate()

    return consumer(
        resources, CACHE_INVALIDATOR_GROUP, [PRODUCT_TOPIC, CATALOG_TOPIC], tables.processed_events, on_event
    )


def category_counter(resources: Resources) -> IdempotentConsumer:
    async def on_event(conn: AsyncConnection, event: Event) -> None:
        before, after = event.data.get("listedInBefore"), event.data.get("listedIn")
        await apply_listing_change(
            conn, uuid.UUID(before) if before else None, uuid.UUID(after) if after else None
        )

    return consumer(resources, CATEGORY_COUNTER_GROUP, [PRODUCT_TOPIC], tables.processed_events, on_event)


def workers(resources: Resources, stop: asyncio.Event) -> list[Coroutine[Any, Any, None]]:
    tasks: list[Coroutine[Any, Any, None]] = []
    if resources.settings.run_outbox_relay:
        tasks.append(run_outbox_relay(resources, stop, tables.outbox))
        tasks += bookkeeping_retention(resources.engine, stop, tables.outbox, tables.processed_events)
    if resources.settings.run_consumers:
        tasks.append(cache_invalidator(resources).run(stop))
        tasks.append(category_counter(resources).run(stop))
    return tasks
