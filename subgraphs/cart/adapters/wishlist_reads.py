"""`WishlistReads` on PostgreSQL: every statement names the owner (the table's distribution key)."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from subgraphs.cart.adapters import tables as t
from subgraphs.cart.adapters.repository import wishlist_from_row, wishlist_item_from_row
from subgraphs.cart.domain.model import Wishlist, WishlistItem
from subgraphs.cart.service_layer.reads import WishlistItemQuery
from subgraphs.platform.kernel.paging import Page, PageArgs
from subgraphs.platform.sql.engine import reading
from subgraphs.platform.sql.keyset import KeysetOrder, SortKey, ascending, fetch_page


class SqlWishlistReads:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = reading(engine)

    async def wishlist_page(self, owner_id: uuid.UUID, page: PageArgs) -> Page[Wishlist]:
        w = t.wishlists
        rows = await fetch_page(
            self._engine,
            select(w).where(w.c.owner_id == owner_id),
            ascending("wishlists", (w.c.id, uuid.UUID)),
            page,
        )
        return Page(
            [wishlist_from_row(r) for r in rows.rows],
            rows.cursors,
            rows.has_next_page,
            rows.has_previous_page,
        )

    async def item_page(
        self, owner_id: uuid.UUID, query: WishlistItemQuery, page: PageArgs
    ) -> Page[WishlistItem]:
        i = t.wishlist_items
        statement = select(i).where(i.c.owner_id == owner_id)
        if query.wishlist_id is not None:
            statement = statement.where(i.c.wishlist_id == query.wishlist_id)
        if query.product_id is not None:
            statement = statement.where(i.c.product_id == query.product_id)
        if query.seller_id is not None:
            statement = statement.where(i.c.seller_id == query.seller_id)
        # Ids are UUIDv7: id order is the order items were added.
        order = KeysetOrder("wishlistItems", "ADDED_AT", (SortKey(i.c.id, uuid.UUID),), query.newest_first)
        rows = await fetch_page(self._engine, statement, order, page)
        return Page(
            [wishlist_item_from_row(r) for r in rows.rows],
            rows.cursors,
            rows.has_next_page,
            rows.has_previous_page,
        )

    async def wishlist(self, owner_id: uuid.UUID, wishlist_id: uuid.UUID) -> Wishlist | None:
        w = t.wishlists
        async with self._engine.connect() as conn:
            row = (
                await conn.execute(select(w).where(w.c.owner_id == owner_id, w.c.id == wishlist_id))
            ).first()
        return wishlist_from_row(row) if row else None

    async def item(self, owner_id: uuid.UUID, item_id: uuid.UUID) -> WishlistItem | None:
        i = t.wishlist_items
        async with self._engine.connect() as conn:
            row = (await conn.execute(select(i).where(i.c.owner_id == owner_id, i.c.id == item_id))).first()
        return wishlist_item_from_row(row) if row else None
