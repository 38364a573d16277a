"""Per-request DataLoaders: one SQL statement per batch, results aligned with the keys."""

from __future__ import annotations

import uuid
from collections import defaultdict
from typing import Any

from sqlalchemy import Select, String, any_, literal, select
from sqlalchemy.dialects.postgresql import ARRAY

from subgraphs.platform.dataloaders import ContextLoader
from subgraphs.platform.ids import parse_id
from subgraphs.products.adapters import tables as t
from subgraphs.products.adapters.category_counts import subtree_counts
from subgraphs.products.adapters.listing import ids_param

Row = Any


class _SqlLoader(ContextLoader[uuid.UUID, Any]):
    async def load_id(self, raw: str) -> Any:
        """Load by a client-supplied id; a malformed id is simply not found."""
        key = parse_id(raw)
        return await self.load(key) if key is not None else None

    async def rows(self, query: Select[Any]) -> list[Row]:
        async with self.ctx.engine.connect() as conn:
            return list((await conn.execute(query)).all())


class _ByIdLoader(_SqlLoader):
    table = t.products

    async def fetch_many(self, keys: list[uuid.UUID]) -> list[Row | None]:
        found = {
            r.id: r for r in await self.rows(select(self.table).where(self.table.c.id == ids_param(keys)))
        }
        return [found.get(k) for k in keys]


class _ManyByProductLoader(_SqlLoader):
    table = t.variants

    async def fetch_many(self, keys: list[uuid.UUID]) -> list[list[Row]]:
        tbl = self.table
        grouped: dict[uuid.UUID, list[Row]] = defaultdict(list)
        query = select(tbl).where(tbl.c.product_id == ids_param(keys)).order_by(tbl.c.position, tbl.c.id)
        for r in await self.rows(query):
            grouped[r.product_id].append(r)
        return [grouped.get(k, []) for k in keys]


class ProductByIdLoader(_ByIdLoader):
    table = t.products


class VariantByIdLoader(_ByIdLoader):
    table = t.variants


class ImageByIdLoader(_ByIdLoader):
    table = t.images


class BrandByIdLoader(_ByIdLoader):
    table = t.brands


class CategoryByIdLoader(_ByIdLoader):
    table = t.categories


class AttributeByIdLoader(_ByIdLoader):
    table = t.attributes


class InventoryByIdLoader(_ByIdLoader):
    table = t.inventory


class VariantsByProductIdLoader(_ManyByProductLoader):
    table = t.variants


class ImagesByProductIdLoader(_ManyByProductLoader):
    table = t.images


class AttributeValuesByProductIdLoader(_SqlLoader):
    async def fetch_many(self, keys: list[uuid.UUID]) -> list[list[Row]]:
        av, a = t.attribute_values, t.attributes
        query = (
            select(av.c.product_id, av.c.value, a.c.id, a.c.name, a.c.slug)
            .join(a, a.c.id == av.c.attribute_id)
            .where(av.c.product_id == ids_param(keys))
            .order_by(a.c.name, av.c.value)
        )
        grouped: dict[uuid.UUID, list[Row]] = defaultdict(list)
        for r in await self.rows(query):
            grouped[r.product_id].append(r)
        return [grouped.get(k, []) for k in keys]


class InventoryByVariantIdLoader(_SqlLoader):
    async def fetch_many(self, keys: list[uuid.UUID]) -> list[list[Row]]:
        inv = t.inventory
        grouped: dict[uuid.UUID, list[Row]] = defaultdict(list)
        query = select(inv).where(inv.c.variant_id == ids_param(keys)).order_by(inv.c.warehouse)
        for r in await self.rows(query):
            grouped[r.variant_id].append(r)
        return [grouped.get(k, []) for k in keys]


class VariantBySkuLoader(ContextLoader[str, Any]):
    async def fetch_many(self, keys: list[str]) -> list[Row | None]:
        v, s = t.variants, t.variant_skus
        query = (
            select(v).join(s, s.c.variant_id == v.c.id).where(s.c.sku == any_(literal(keys, ARRAY(String))))
        )
        async with self.ctx.engine.connect() as conn:
            found = {r.sku: r for r in (await conn.execute(query)).all()}
        return [found.get(k) for k in keys]


class ChildCategoriesLoader(_SqlLoader):
    async def fetch_many(self, keys: list[uuid.UUID]) -> list[list[Row]]:
        c = t.categories
        grouped: dict[uuid.UUID, list[Row]] = defaultdict(list)
        query = select(c).where(c.c.parent_id == ids_param(keys)).order_by(c.c.position, c.c.name, c.c.id)
        for r in await self.rows(query):
            grouped[r.parent_id].append(r)
        return [grouped.get(k, []) for k in keys]


class ProductCountByCategoryLoader(ContextLoader[uuid.UUID, int]):
    """ACTIVE products in each category and its descendants (counts kept from events)."""

    async def fetch_many(self, keys: list[uuid.UUID]) -> list[int]:
        async with self.ctx.engine.connect() as conn:
            counts = await subtree_counts(conn, keys)
        return [counts.get(k, 0) for k in keys]
