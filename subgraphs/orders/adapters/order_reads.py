"""Order reads on PostgreSQL: each list is one single-key keyset query on its reader's copy.

    PURCHASES   orders        WHERE buyer_id = …   (index orders_buyer_newest)
    SALES       seller_orders WHERE seller_id = …  (seller_orders_newest / _status_newest / _total)
    ALL         orders, everyone's (admins; the one cross-shard listing, index orders_all_newest)

The newest page of a seller with 100,000 orders reads the same few index entries as one with 10.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Table, select, tuple_
from sqlalchemy.ext.asyncio import AsyncEngine

from subgraphs.orders.adapters import tables as t
from subgraphs.orders.adapters.copies import keys_of
from subgraphs.orders.adapters.rows import checkout_from_row, grant_from_row, order_from_row
from subgraphs.orders.domain.checkout import Checkout
from subgraphs.orders.domain.grants import OrderGrant
from subgraphs.orders.domain.orders import Actor, Order, OrderStatus, StatusChange
from subgraphs.orders.service_layer.ports import Keys
from subgraphs.orders.service_layer.read_models import (
    GrantQuery,
    ItemQuery,
    ItemRecord,
    OrderQuery,
    OrderSort,
    Scope,
)
from subgraphs.platform.kernel.paging import Page, PageArgs
from subgraphs.platform.sql.engine import reading
from subgraphs.platform.sql.keyset import KeysetOrder, SortKey, fetch_page


def _order_keyset(table: Table, query: OrderQuery) -> KeysetOrder:
    first = (
        SortKey(table.c.created_at, datetime)
        if query.sort is OrderSort.CREATED_AT
        else SortKey(table.c.grand_total, int)
    )
    return KeysetOrder(
        "orders:" + query.scope.value,
        query.sort.value,
        (first, SortKey(table.c.id, uuid.UUID)),
        query.descending,
    )


def _item(row: Any) -> ItemRecord:
    m = row._mapping
    return ItemRecord(**{name: m[name] for name in ItemRecord.__dataclass_fields__})


class SqlOrderReads:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = reading(engine)

    async def keys(self, id: uuid.UUID) -> Keys | None:
        return await keys_of(self._engine, id)

    async def checkout(self, buyer_id: uuid.UUID, checkout_id: uuid.UUID) -> Checkout | None:
        c = t.checkouts
        async with self._engine.connect() as conn:
            row = (
                await conn.execute(select(c).where(c.c.buyer_id == buyer_id, c.c.id == checkout_id))
            ).first()
        return checkout_from_row(row) if row else None

    async def order(self, keys: Keys) -> Order | None:
        o = t.orders
        async with self._engine.connect() as conn:
            row = (
                await conn.execute(select(o).where(o.c.buyer_id == keys.buyer_id, o.c.id == keys.id))
            ).first()
        return order_from_row(row) if row else None

    async def orders_of(self, buyer_id: uuid.UUID, checkout_id: uuid.UUID) -> list[Order]:
        o = t.orders
        async with self._engine.connect() as conn:
            rows = await conn.execute(
                select(o).where(o.c.buyer_id == buyer_id, o.c.checkout_id == checkout_id).order_by(o.c.id)
            )
            return [order_from_row(r) for r in rows]

    async def orders(self, query: OrderQuery, page: PageArgs) -> Page[Order]:
        table = t.seller_orders if query.scope is Scope.SALES else t.orders
        sql = select(table)
        if query.buyer_id is not None:
            sql = sql.where(table.c.buyer_id == query.buyer_id)
        if query.seller_id is not None:
            sql = sql.where(table.c.seller_id == query.seller_id)
        if query.statuses:
            sql = sql.where(table.c.status.in_([s.value for s in query.statuses]))
        if query.created_after is not None:
            sql = sql.where(table.c.created_at >= query.created_after)
        if query.created_before is not None:
            sql = sql.where(table.c.created_at < query.created_before)
        found = await fetch_page(self._engine, sql, _order_keyset(table, query), page)
        return found.map(order_from_row)

    async def item(self, keys: Keys) -> ItemRecord | None:
        i = t.order_items
        assert keys.seller_id is not None, "an item's keys name its seller"
        async with self._engine.connect() as conn:
            row = (
                await conn.execute(select(i).where(i.c.seller_id == keys.seller_id, i.c.id == keys.id))
            ).first()
        return _item(row) if row else None

    async def items(self, query: ItemQuery, page: PageArgs) -> Page[ItemRecord]:
        i = t.order_items
        sql = select(i)
        for column, value in (
            (i.c.buyer_id, query.buyer_id),
            (i.c.seller_id, query.seller_id),
            (i.c.product_id, query.product_id),
            (i.c.order_id, query.order_id),
            (i.c.sku, query.sku),
        ):
            if value is not None:
                sql = sql.where(column == value)
        order = KeysetOrder(
            "orderItems:" + query.scope.value,
            "CREATED_AT",
            (SortKey(i.c.created_at, datetime), SortKey(i.c.id, uuid.UUID)),
            True,
        )
        found = await fetch_page(self._engine, sql, order, page)
        return found.map(_item)

    async def grants(self, query: GrantQuery, page: PageArgs) -> Page[OrderGrant]:
        g = t.order_grants
        sql = select(g)
        for column, value in ((g.c.order_id, query.order_id), (g.c.user_id, query.user_id)):
            if value is not None:
                sql = sql.where(column == value)
        if query.role is not None:
            sql = sql.where(g.c.role == query.role.value)
        order = KeysetOrder(
            "orderPermissions",
            "NEWEST",
            (SortKey(g.c.created_at, datetime), SortKey(g.c.id, uuid.UUID)),
            True,
        )
        found = await fetch_page(self._engine, sql, order, page)
        return found.map(grant_from_row)

    async def grant(self, keys: Keys) -> OrderGrant | None:
        g = t.order_grants
        async with self._engine.connect() as conn:
            row = (
                await conn.execute(select(g).where(g.c.user_id == keys.buyer_id, g.c.id == keys.id))
            ).first()
        return grant_from_row(row) if row else None

    async def histories(self, orders: list[tuple[uuid.UUID, uuid.UUID]]) -> list[list[StatusChange]]:
        if not orders:
            return []
        h = t.order_history
        async with self._engine.connect() as conn:
            rows = await conn.execute(
                select(h).where(tuple_(h.c.seller_id, h.c.order_id).in_(orders)).order_by(h.c.at, h.c.id)
            )
            found: dict[tuple[uuid.UUID, uuid.UUID], list[StatusChange]] = {}
            for r in rows:
                found.setdefault((r.seller_id, r.order_id), []).append(
                    StatusChange(
                        id=r.id,
                        from_status=OrderStatus(r.from_status) if r.from_status else None,
                        to_status=OrderStatus(r.to_status),
                        actor=Actor(r.actor),
                        actor_id=r.actor_id,
                        note=r.note,
                        at=r.at,
                    )
                )
        return [found.get(key, []) for key in orders]
