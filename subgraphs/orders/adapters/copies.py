"""What the orders schema's reads share: an id's keys, and the reader's copy of a two-copy table.

Orders, shipments and returns are each kept twice (a seller's copy and a buyer's, written in
one transaction); a listing reads the copy of its scope, newest first, so it is one single-key
keyset query (admins' ALL reads the buyers' copy across shards).
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Table, select
from sqlalchemy.ext.asyncio import AsyncEngine

from subgraphs.orders.adapters import tables as t
from subgraphs.orders.service_layer.ports import Keys
from subgraphs.orders.service_layer.read_models import Scope
from subgraphs.platform.sql.keyset import KeysetOrder, SortKey


async def keys_of(engine: AsyncEngine, id: uuid.UUID) -> Keys | None:
    k = t.order_keys
    async with engine.connect() as conn:
        row = (await conn.execute(select(k).where(k.c.id == id))).first()
    return Keys(row.id, row.kind, row.buyer_id, row.seller_id, row.order_id) if row else None


def copy_for(scope: Scope, sellers: Table, buyers: Table) -> Table:
    return sellers if scope is Scope.SALES else buyers


def newest_first(table: Table, name: str, scope: Scope) -> KeysetOrder:
    return KeysetOrder(
        f"{name}:{scope.value}",
        "CREATED_AT",
        (SortKey(table.c.created_at, datetime), SortKey(table.c.id, uuid.UUID)),
        True,
    )
