"""Repository methods for categories, brands and attributes (mixed into the catalogue repository)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Table, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from subgraphs.products.adapters import tables as t
from subgraphs.products.adapters.category_counts import apply_listing_change

_TABLES: dict[str, Table] = {"categories": t.categories, "brands": t.brands, "attributes": t.attributes}


class TaxonomyRepository:
    conn: AsyncConnection

    async def taxonomy_rows(self, table: str, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, dict[str, Any]]:
        """Rows by id, locked; categories also get `subtree_height` (levels below them)."""
        if not ids:
            return {}
        tbl = _TABLES[table]
        query = select(tbl).where(tbl.c.id.in_(set(ids))).order_by(tbl.c.id).with_for_update()
        rows = {r.id: dict(r._mapping) for r in await self.conn.execute(query)}
        if table == "categories":
            for row in rows.values():
                deepest = await self.conn.scalar(
                    select(func.max(t.categories.c.depth)).where(t.categories.c.path.startswith(row["path"]))
                )
                row["subtree_height"] = int(deepest or row["depth"]) - int(row["depth"])
        return rows

    async def update_taxonomy_row(self, table: str, row_id: uuid.UUID, values: dict[str, object]) -> None:
        tbl = _TABLES[table]
        await self.conn.execute(update(tbl).where(tbl.c.id == row_id).values(**values, updated_at=func.now()))

    async def move_category(self, old_path: str, new_path: str, depth_delta: int) -> None:
        c = t.categories
        await self.conn.execute(
            update(c)
            .where(c.c.path.startswith(old_path))
            .values(path=new_path + func.substr(c.c.path, len(old_path) + 1), depth=c.c.depth + depth_delta)
        )

    async def delete_attribute(self, attribute_id: uuid.UUID) -> None:
        await self.conn.execute(
            delete(t.attribute_values).where(t.attribute_values.c.attribute_id == attribute_id)
        )
        await self.conn.execute(delete(t.attributes).where(t.attributes.c.id == attribute_id))

    async def image_ids_of(self, product_id: uuid.UUID) -> set[uuid.UUID]:
        return set(await self.conn.scalars(select(t.images.c.id).where(t.images.c.product_id == product_id)))

    async def update_image(self, image_id: uuid.UUID, values: dict[str, object]) -> None:
        await self.conn.execute(
            update(t.images).where(t.images.c.id == image_id).values(**values, updated_at=func.now())
        )

    async def apply_listing_change(self, deltas: Sequence[tuple[uuid.UUID, int]]) -> None:
        await apply_listing_change(self.conn, deltas)
