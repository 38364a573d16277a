"""The cart's unit of work: the platform's SQL unit of work bound to our repository and tables.

It drops the cached view of every owner the events name (before and after the commit, see
`SqlUnitOfWork`), so the next read sees the change; a rolled-back change leaves the cache alone.
"""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncEngine

from subgraphs.cart.adapters import tables
from subgraphs.cart.adapters.repository import SqlCartRepository
from subgraphs.cart.service_layer.ports import CartViews, OpenCartUnitOfWork
from subgraphs.platform.kernel.messages import EventContract
from subgraphs.platform.sql.unit_of_work import SqlUnitOfWorkFactory


def owners_named(events: list[EventContract]) -> set[uuid.UUID]:
    """Every cart or wishlist owner the events name (a merge names the guest too)."""
    named = (getattr(e, name, None) for e in events for name in ("owner_id", "from_owner_id"))
    return {owner for owner in named if isinstance(owner, uuid.UUID)}


def cart_unit_of_work(engine: AsyncEngine, views: CartViews) -> OpenCartUnitOfWork:
    async def drop_cached(events: list[EventContract]) -> None:
        await views.drop(owners_named(events))

    return SqlUnitOfWorkFactory(
        engine, SqlCartRepository, tables.outbox, tables.processed_events, invalidate=drop_cached
    )
