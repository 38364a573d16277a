"""The orders repository on one PostgreSQL transaction (SQLAlchemy Core, asyncpg).

A seller order is written to both projections (`orders` by buyer, `seller_orders` by seller)
and its lines to `order_items`, in the same transaction; `order_keys` maps every id to the
keys that find its rows.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, insert, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncConnection

from subgraphs.orders.adapters import tables as t
from subgraphs.orders.adapters.override_rows import OverrideRows
from subgraphs.orders.adapters.rows import (
    checkout_from_row,
    checkout_values,
    grant_from_row,
    order_from_row,
    order_values,
)
from subgraphs.orders.domain.checkout import Checkout, ShippingRate
from subgraphs.orders.domain.grants import OrderGrant
from subgraphs.orders.domain.orders import Order, StatusChange
from subgraphs.orders.service_layer.ports import Keys

SETTLED_CHANNEL = "orders_checkout_settled"


def history_rows(order: Order, changes: Sequence[StatusChange]) -> list[dict[str, object]]:
    return [
        {
            "seller_id": order.seller_id,
            "id": c.id,
            "order_id": order.id,
            "from_status": c.from_status.value if c.from_status else None,
            "to_status": c.to_status.value,
            "actor": c.actor.value,
            "actor_id": c.actor_id,
            "note": c.note,
            "at": c.at,
        }
        for c in changes
    ]


class SqlOrdersRepository(OverrideRows):
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def keys(self, id: uuid.UUID) -> Keys | None:
        k = t.order_keys
        row = (await self.conn.execute(select(k).where(k.c.id == id))).first()
        return Keys(row.id, row.kind, row.buyer_id, row.seller_id, row.order_id) if row else None

    async def checkout(
        self, buyer_id: uuid.UUID, checkout_id: uuid.UUID, *, lock: bool = False
    ) -> Checkout | None:
        c = t.checkouts
        query = select(c).where(c.c.buyer_id == buyer_id, c.c.id == checkout_id)
        row = (await self.conn.execute(query.with_for_update() if lock else query)).first()
        return checkout_from_row(row) if row else None

    async def live_checkout_of(
        self, buyer_id: uuid.UUID, cart_id: uuid.UUID, cart_version: int
    ) -> Checkout | None:
        c = t.checkouts
        query = select(c).where(
            c.c.buyer_id == buyer_id,
            c.c.cart_id == cart_id,
            c.c.cart_version == cart_version,
            c.c.status != "FAILED",
        )
        row = (await self.conn.execute(query)).first()
        return checkout_from_row(row) if row else None

    async def checkout_by_key(self, buyer_id: uuid.UUID, idempotency_key: str) -> Checkout | None:
        c = t.checkouts
        query = select(c).where(c.c.buyer_id == buyer_id, c.c.idempotency_key == idempotency_key)
        row = (await self.conn.execute(query)).first()
        return checkout_from_row(row) if row else None

    async def add_checkout(self, checkout: Checkout) -> bool:
        added = await self.conn.execute(
            pg_insert(t.checkouts)
            .values(**checkout_values(checkout))
            .on_conflict_do_nothing()  # the buyer's key, or a live checkout of this cart version
            .returning(t.checkouts.c.id)
        )
        if added.first() is None:
            return False
        await self.conn.execute(
            insert(t.order_keys).values(id=checkout.id, kind="CHECKOUT", buyer_id=checkout.buyer_id)
        )
        return True

    async def save_checkout(self, checkout: Checkout) -> None:
        values = checkout_values(checkout)
        c = t.checkouts
        await self.conn.execute(
            update(c)
            .where(c.c.buyer_id == checkout.buyer_id, c.c.id == checkout.id)
            .values(**{k: v for k, v in values.items() if k not in ("buyer_id", "id", "created_at")})
        )

    async def orders_of(
        self, buyer_id: uuid.UUID, checkout_id: uuid.UUID, *, lock: bool = False
    ) -> list[Order]:
        o = t.orders
        query = select(o).where(o.c.buyer_id == buyer_id, o.c.checkout_id == checkout_id).order_by(o.c.id)
        rows = await self.conn.execute(query.with_for_update() if lock else query)
        return [order_from_row(r) for r in rows]

    async def order(self, buyer_id: uuid.UUID, order_id: uuid.UUID, *, lock: bool = False) -> Order | None:
        o = t.orders
        query = select(o).where(o.c.buyer_id == buyer_id, o.c.id == order_id)
        row = (await self.conn.execute(query.with_for_update() if lock else query)).first()
        return order_from_row(row) if row else None

    async def add_orders(self, orders: Sequence[Order]) -> None:
        if not orders:
            return
        rows = [order_values(o) for o in orders]
        await self.conn.execute(insert(t.orders), rows)
        await self.conn.execute(insert(t.seller_orders), rows)
        items = [
            {
                "seller_id": o.seller_id,
                "id": line.id,
                "order_id": o.id,
                "buyer_id": o.buyer_id,
                "product_id": line.product_id,
                "variant_id": line.variant_id,
                "sku": line.sku,
                "title": line.title,
                "quantity": line.quantity,
                "unit_price": line.unit_price,
                "line_total": line.line_total,
                "currency": line.currency,
                "created_at": o.created_at,
            }
            for o in orders
            for line in o.lines
        ]
        await self.conn.execute(insert(t.order_items), items)
        keys = [
            {"id": o.id, "kind": "ORDER", "buyer_id": o.buyer_id, "seller_id": o.seller_id, "order_id": o.id}
            for o in orders
        ]
        keys += [
            {
                "id": i["id"],
                "kind": "ITEM",
                "buyer_id": i["buyer_id"],
                "seller_id": i["seller_id"],
                "order_id": i["order_id"],
            }
            for i in items
        ]
        await self.conn.execute(insert(t.order_keys), keys)
        history = [row for o in orders for row in history_rows(o, o.history)]
        if history:
            await self.conn.execute(insert(t.order_history), history)
        for o in orders:
            o.history.clear()

    async def save_order(self, order: Order) -> None:
        changed = {
            "status": order.status.value,
            "version": order.version,
            "updated_at": order.updated_at,
            "refunded_total": order.refunded_total,
        }
        await self.conn.execute(
            update(t.orders)
            .where(t.orders.c.buyer_id == order.buyer_id, t.orders.c.id == order.id)
            .values(**changed)
        )
        await self.conn.execute(
            update(t.seller_orders)
            .where(t.seller_orders.c.seller_id == order.seller_id, t.seller_orders.c.id == order.id)
            .values(**changed)
        )
        if order.history:
            await self.conn.execute(insert(t.order_history), history_rows(order, order.history))
            order.history.clear()

    async def shipping_rates(
        self, seller_ids: Sequence[uuid.UUID], currency: str
    ) -> dict[uuid.UUID, ShippingRate]:
        r = t.shipping_rates
        rows = await self.conn.execute(
            select(r.c.seller_id, r.c.amount, r.c.free_over).where(
                r.c.seller_id.in_(list(seller_ids)), r.c.currency == currency
            )
        )
        return {row.seller_id: ShippingRate(row.amount, row.free_over) for row in rows}

    async def stalled(self, stage: str, before: datetime, limit: int) -> list[tuple[uuid.UUID, uuid.UUID]]:
        c = t.checkouts
        rows = await self.conn.execute(
            select(c.c.buyer_id, c.c.id)
            .where(c.c.status == "PROCESSING", c.c.stage == stage, c.c.updated_at < before)
            .order_by(c.c.updated_at)
            .limit(limit)
        )
        return [(row.buyer_id, row.id) for row in rows]

    async def grant_for(self, user_id: uuid.UUID, order_id: uuid.UUID) -> OrderGrant | None:
        g = t.order_grants
        row = (
            await self.conn.execute(select(g).where(g.c.user_id == user_id, g.c.order_id == order_id))
        ).first()
        return grant_from_row(row) if row else None

    async def grant(self, user_id: uuid.UUID, grant_id: uuid.UUID) -> OrderGrant | None:
        g = t.order_grants
        row = (await self.conn.execute(select(g).where(g.c.user_id == user_id, g.c.id == grant_id))).first()
        return grant_from_row(row) if row else None

    async def put_grant(self, grant: OrderGrant) -> OrderGrant:
        g = t.order_grants
        values = {"role": grant.role.value, "granted_by": grant.granted_by, "expires_at": grant.expires_at}
        row = (
            await self.conn.execute(
                pg_insert(g)
                .values(
                    user_id=grant.user_id,
                    id=grant.id,
                    order_id=grant.order_id,
                    created_at=grant.created_at,
                    **values,
                )
                .on_conflict_do_update(constraint="order_grants_one_per_order", set_=values)
                .returning(g)
            )
        ).one()
        stored = grant_from_row(row)
        if stored.id == grant.id:
            await self.conn.execute(
                insert(t.order_keys).values(
                    id=stored.id, kind="GRANT", buyer_id=stored.user_id, order_id=stored.order_id
                )
            )
        return stored

    async def delete_grant(self, grant: OrderGrant) -> None:
        g, k = t.order_grants, t.order_keys
        await self.conn.execute(delete(g).where(g.c.user_id == grant.user_id, g.c.id == grant.id))
        await self.conn.execute(delete(k).where(k.c.id == grant.id))

    async def settled(self, checkout_id: uuid.UUID) -> None:
        # Delivered to listeners only when this transaction commits (PostgreSQL queues it).
        await self.conn.execute(
            text("SELECT pg_notify(:channel, :id)"), {"channel": SETTLED_CHANNEL, "id": str(checkout_id)}
        )
