"""The orders repository plus shipments, on the same transaction (one schema, one outbox).

A shipment is written to the seller's `shipments` and the buyer's `buyer_shipments` in the
same transaction, its carrier scans to `tracking_events` (kept once per carrier event id), and
its tracking number to `tracking_numbers` so a carrier webhook finds it by number alone.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert

from subgraphs.orders.adapters import tables as t
from subgraphs.orders.adapters.repository import SqlOrdersRepository
from subgraphs.orders.adapters.shipment_rows import (
    shipment_from_row,
    shipment_values,
    tracking_event_values,
)
from subgraphs.orders.domain.shipments import Carrier, Shipment


class SqlFulfilmentRepository(SqlOrdersRepository):
    async def shipments_of(self, seller_id: uuid.UUID, order_id: uuid.UUID) -> list[Shipment]:
        s = t.shipments
        rows = await self.conn.execute(
            select(s).where(s.c.seller_id == seller_id, s.c.order_id == order_id).order_by(s.c.id)
        )
        return [shipment_from_row(r) for r in rows]

    async def shipment(
        self, seller_id: uuid.UUID, shipment_id: uuid.UUID, *, lock: bool = False
    ) -> Shipment | None:
        s = t.shipments
        query = select(s).where(s.c.seller_id == seller_id, s.c.id == shipment_id)
        row = (await self.conn.execute(query.with_for_update() if lock else query)).first()
        return shipment_from_row(row) if row else None

    async def shipment_by_tracking_number(
        self, carrier: Carrier, tracking_number: str
    ) -> tuple[uuid.UUID, uuid.UUID] | None:
        n = t.tracking_numbers
        row = (
            await self.conn.execute(
                select(n.c.seller_id, n.c.shipment_id).where(
                    n.c.carrier == carrier.value, n.c.tracking_number == tracking_number
                )
            )
        ).first()
        return (row.seller_id, row.shipment_id) if row else None

    async def known_events(self, shipment: Shipment, event_ids: Sequence[str]) -> set[str]:
        e = t.tracking_events
        rows = await self.conn.execute(
            select(e.c.event_id).where(
                e.c.seller_id == shipment.seller_id,
                e.c.shipment_id == shipment.id,
                e.c.event_id.in_(list(event_ids)),
            )
        )
        return {r.event_id for r in rows}

    async def add_shipment(self, shipment: Shipment) -> None:
        values = shipment_values(shipment)
        await self.conn.execute(insert(t.shipments).values(**values))
        await self.conn.execute(insert(t.buyer_shipments).values(**values))
        await self.conn.execute(
            insert(t.tracking_numbers).values(
                carrier=shipment.carrier.value,
                tracking_number=shipment.tracking_number,
                seller_id=shipment.seller_id,
                shipment_id=shipment.id,
            )
        )
        await self.conn.execute(
            insert(t.order_keys).values(
                id=shipment.id,
                kind="SHIPMENT",
                buyer_id=shipment.buyer_id,
                seller_id=shipment.seller_id,
                order_id=shipment.order_id,
            )
        )
        await self._add_events(shipment)

    async def save_shipment(self, shipment: Shipment) -> None:
        changed = {
            k: v
            for k, v in shipment_values(shipment).items()
            if k in ("status", "version", "last_event_at", "delivered_at", "updated_at")
        }
        s, b = t.shipments, t.buyer_shipments
        await self.conn.execute(
            update(s).where(s.c.seller_id == shipment.seller_id, s.c.id == shipment.id).values(**changed)
        )
        await self.conn.execute(
            update(b).where(b.c.buyer_id == shipment.buyer_id, b.c.id == shipment.id).values(**changed)
        )
        await self._add_events(shipment)

    async def _add_events(self, shipment: Shipment) -> None:
        if shipment.new_events:
            await self.conn.execute(
                pg_insert(t.tracking_events).on_conflict_do_nothing(),
                [tracking_event_values(shipment, e) for e in shipment.new_events],
            )
            shipment.new_events.clear()
