"""Shipment reads on PostgreSQL: each list is one single-key keyset query on its reader's copy.

SALES       shipments        WHERE seller_id = …  (shipments_newest / _status_newest)
PURCHASES   buyer_shipments  WHERE buyer_id = …   (buyer_shipments_newest)
ALL         buyer_shipments, everyone's (admins; buyer_shipments_all_newest)
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select, tuple_
from sqlalchemy.ext.asyncio import AsyncEngine

from subgraphs.orders.adapters import tables as t
from subgraphs.orders.adapters.copies import copy_for, keys_of, newest_first
from subgraphs.orders.adapters.shipment_rows import shipment_from_row, tracking_event_from_row
from subgraphs.orders.domain.shipments import Shipment, TrackingEvent
from subgraphs.orders.service_layer.fulfilment_ports import ShipmentQuery
from subgraphs.orders.service_layer.ports import Keys
from subgraphs.platform.kernel.paging import Page, PageArgs
from subgraphs.platform.sql.engine import reading
from subgraphs.platform.sql.keyset import fetch_page


class SqlShipmentReads:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = reading(engine)

    async def keys(self, id: uuid.UUID) -> Keys | None:
        return await keys_of(self._engine, id)

    async def shipment(self, keys: Keys) -> Shipment | None:
        s = t.shipments
        async with self._engine.connect() as conn:
            row = (
                await conn.execute(select(s).where(s.c.seller_id == keys.seller_id, s.c.id == keys.id))
            ).first()
        return shipment_from_row(row) if row else None

    async def shipments(self, query: ShipmentQuery, page: PageArgs) -> Page[Shipment]:
        table = copy_for(query.scope, t.shipments, t.buyer_shipments)
        sql = select(table)
        for column, value in (
            (table.c.seller_id, query.seller_id),
            (table.c.buyer_id, query.buyer_id),
            (table.c.order_id, query.order_id),
            (table.c.carrier, query.carrier.value if query.carrier else None),
        ):
            if value is not None:
                sql = sql.where(column == value)
        if query.statuses:
            sql = sql.where(table.c.status.in_([s.value for s in query.statuses]))
        found = await fetch_page(self._engine, sql, newest_first(table, "shipments", query.scope), page)
        return found.map(shipment_from_row)

    async def of_orders(self, orders: Sequence[tuple[uuid.UUID, uuid.UUID]]) -> list[list[Shipment]]:
        if not orders:
            return []
        s = t.shipments
        async with self._engine.connect() as conn:
            rows = await conn.execute(
                select(s).where(tuple_(s.c.seller_id, s.c.order_id).in_(list(orders))).order_by(s.c.id)
            )
            found: dict[tuple[uuid.UUID, uuid.UUID], list[Shipment]] = {}
            for r in rows:
                found.setdefault((r.seller_id, r.order_id), []).append(shipment_from_row(r))
        return [found.get(key, []) for key in orders]

    async def tracking(self, seller_id: uuid.UUID, shipment_id: uuid.UUID) -> list[TrackingEvent]:
        e = t.tracking_events
        async with self._engine.connect() as conn:
            rows = await conn.execute(
                select(e)
                .where(e.c.seller_id == seller_id, e.c.shipment_id == shipment_id)
                .order_by(e.c.at, e.c.event_id)
            )
            return [tracking_event_from_row(r) for r in rows]
