"""The cart's unit of work: the platform's SQL unit of work bound to our repository.

After a commit it drops the cached view of every owner the events name, so the next read
sees the change; a rolled-back change leaves the cache alone.
"""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncEngine

from subgraphs.cart.adapters import tables
from subgraphs.cart.adapters.cart_cache import CartCache
from subgraphs.cart.adapters.repository import SqlCartRepository
from subgraphs.cart.domain.events import topic_for
from subgraphs.platform.events import Event
from subgraphs.platform.unit_of_work import SqlUnitOfWork


class CartUnitOfWork(SqlUnitOfWork[SqlCartRepository]):
    def __init__(self, engine: AsyncEngine, cache: CartCache) -> None:
        async def drop_cached(events: list[Event]) -> None:
            owners = {
                uuid.UUID(str(e.data[k])) for e in events for k in ("ownerId", "fromOwnerId") if k in e.data
            }
            await cache.drop(owners)

        super().__init__(engine, SqlCartRepository, tables.outbox, topic_for, after_commit=drop_cached)
