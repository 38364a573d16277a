"""`CatalogReads` on PostgreSQL: one statement per page or per DataLoader batch.

Batches return rows aligned with their keys (None or [] where nothing matched). They are the
hottest reads (every listing, every `_entities` call), so they run as prepared statements on
the read pool (`platform.sql.prepared`); pages and searches, whose shape varies, go through
SQLAlchemy. Either way rows are read as the records of `service_layer.read_models` without copying.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import Select, String, Table, any_, bindparam, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncEngine

from subgraphs.platform.kernel.paging import Page, PageArgs
from subgraphs.platform.sql.engine import reading
from subgraphs.platform.sql.keyset import KeysetOrder, ascending, escape_like, fetch_page
from subgraphs.platform.sql.prepared import UUIDS, PreparedRead
from subgraphs.products.adapters import tables as t
from subgraphs.products.adapters.category_counts import subtree_counts
from subgraphs.products.adapters.listing import filtered_products, order_of, visible
from subgraphs.products.domain.visibility import CatalogueView
from subgraphs.products.service_layer.read_models import (
    AttributeRecord,
    AttributeValueRecord,
    BrandRecord,
    CategoryFilter,
    CategoryRecord,
    ImageRecord,
    InventoryFilter,
    InventoryRecord,
    ProductFilter,
    ProductRecord,
    ProductSort,
    VariantFilter,
    VariantRecord,
)


def _by_name(table: Table, search: str | None) -> tuple[Select[Any], KeysetOrder]:
    """Small lists (categories, brands, attributes): name order, optional name search."""
    query = select(table)
    if search:
        query = query.where(table.c.name.ilike(f"%{escape_like(search)}%"))
    return query, ascending(table.name, (table.c.name, str), (table.c.id, uuid.UUID))


def _ids() -> Any:
    return any_(bindparam("ids", type_=UUIDS))


def _by_id(table: Table) -> PreparedRead:
    return PreparedRead(lambda: select(table).where(table.c.id == _ids()))


_BY_ID = {
    table.name: _by_id(table)
    for table in (t.products, t.variants, t.images, t.categories, t.brands, t.attributes, t.inventory)
}
_VARIANTS_BY_SKU = PreparedRead(
    lambda: (
        select(t.variants)
        .join(t.variant_skus, t.variant_skus.c.variant_id == t.variants.c.id)
        .where(t.variant_skus.c.sku == any_(bindparam("skus", type_=ARRAY(String))))
    )
)
_VARIANTS_OF_PRODUCTS = PreparedRead(
    lambda: (
        select(t.variants)
        .where(t.variants.c.product_id == _ids())
        .order_by(t.variants.c.position, t.variants.c.id)
    )
)
_IMAGES_OF_PRODUCTS = PreparedRead(
    lambda: (
        select(t.images).where(t.images.c.product_id == _ids()).order_by(t.images.c.position, t.images.c.id)
    )
)
_ATTRIBUTE_VALUES_OF_PRODUCTS = PreparedRead(
    lambda: (
        select(
            t.attribute_values.c.product_id,
            t.attribute_values.c.value,
            t.attributes.c.id,
            t.attributes.c.name,
            t.attributes.c.slug,
        )
        .join(t.attributes, t.attributes.c.id == t.attribute_values.c.attribute_id)
        .where(t.attribute_values.c.product_id == _ids())
        .order_by(t.attributes.c.name, t.attribute_values.c.value)
    )
)
_INVENTORY_OF_VARIANTS = PreparedRead(
    lambda: select(t.inventory).where(t.inventory.c.variant_id == _ids()).order_by(t.inventory.c.warehouse)
)
_CHILDREN_OF_CATEGORIES = PreparedRead(
    lambda: (
        select(t.categories)
        .where(t.categories.c.parent_id == _ids())
        .order_by(t.categories.c.position, t.categories.c.name, t.categories.c.id)
    )
)


class SqlCatalogReads:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = reading(engine)

    async def _rows(self, query: Select[Any]) -> list[Any]:
        async with self._engine.connect() as conn:
            return list((await conn.execute(query)).all())

    async def _page(self, query: Select[Any], order: KeysetOrder, page: PageArgs) -> Page[Any]:
        return await fetch_page(self._engine, query, order, page)

    # Pages

    async def product_page(
        self, view: CatalogueView, f: ProductFilter, sort: ProductSort, page: PageArgs
    ) -> Page[ProductRecord]:
        return await self._page(filtered_products(f, view), order_of(sort), page)

    async def category_page(self, f: CategoryFilter, page: PageArgs) -> Page[CategoryRecord]:
        c = t.categories
        query, order = _by_name(c, f.search)
        if f.roots_only:
            query = query.where(c.c.parent_id.is_(None))
        if f.parent_id is not None:
            query = query.where(c.c.parent_id == f.parent_id)
        return await self._page(query, order, page)

    async def brand_page(self, search: str | None, page: PageArgs) -> Page[BrandRecord]:
        return await self._page(*_by_name(t.brands, search), page)

    async def attribute_page(self, search: str | None, page: PageArgs) -> Page[AttributeRecord]:
        return await self._page(*_by_name(t.attributes, search), page)

    async def variant_page(
        self, view: CatalogueView, f: VariantFilter, page: PageArgs
    ) -> Page[VariantRecord]:
        v, p = t.variants, t.products
        query = select(v).join(p, p.c.id == v.c.product_id).where(*visible(view))
        if f.product_id is not None:
            query = query.where(v.c.product_id == f.product_id)
        if f.sku is not None:
            query = query.where(v.c.sku == f.sku)
        return await self._page(query, ascending("variants", (v.c.id, uuid.UUID)), page)

    async def image_page(
        self, view: CatalogueView, product_id: uuid.UUID, page: PageArgs
    ) -> Page[ImageRecord]:
        i, p = t.images, t.products
        query = (
            select(i).join(p, p.c.id == i.c.product_id).where(i.c.product_id == product_id, *visible(view))
        )
        return await self._page(query, ascending("images", (i.c.position, int), (i.c.id, uuid.UUID)), page)

    async def inventory_page(
        self, seller_id: uuid.UUID | None, f: InventoryFilter, page: PageArgs
    ) -> Page[InventoryRecord]:
        inv, p = t.inventory, t.products
        query = select(inv)
        if seller_id is not None:
            query = query.join(p, p.c.id == inv.c.product_id).where(p.c.seller_id == seller_id)
        if f.variant_id is not None:
            query = query.where(inv.c.variant_id == f.variant_id)
        if f.warehouse is not None:
            query = query.where(inv.c.warehouse == f.warehouse)
        if f.low_stock is not None:
            low = (inv.c.on_hand - inv.c.reserved) <= inv.c.low_stock_threshold
            query = query.where(low if f.low_stock else ~low)
        return await self._page(query, ascending("inventory", (inv.c.id, uuid.UUID)), page)

    async def category_by_slug(self, slug: str) -> CategoryRecord | None:
        rows = await self._rows(select(t.categories).where(t.categories.c.slug == slug))
        return cast(CategoryRecord, rows[0]) if rows else None

    # Batches for DataLoaders: prepared statements on the read pool (the hottest reads)

    async def _by_ids(self, table: Table, ids: Sequence[uuid.UUID]) -> list[Any]:
        found = {r.id: r for r in await _BY_ID[table.name].fetch(self._engine, ids=list(ids))}
        return [found.get(k) for k in ids]

    async def _grouped(self, read: PreparedRead, key: str, ids: Sequence[uuid.UUID]) -> list[list[Any]]:
        grouped: dict[uuid.UUID, list[Any]] = defaultdict(list)
        for r in await read.fetch(self._engine, ids=list(ids)):
            grouped[r[key]].append(r)
        return [grouped.get(k, []) for k in ids]

    async def products_by_id(self, ids: Sequence[uuid.UUID]) -> list[ProductRecord | None]:
        return await self._by_ids(t.products, ids)

    async def variants_by_id(self, ids: Sequence[uuid.UUID]) -> list[VariantRecord | None]:
        return await self._by_ids(t.variants, ids)

    async def images_by_id(self, ids: Sequence[uuid.UUID]) -> list[ImageRecord | None]:
        return await self._by_ids(t.images, ids)

    async def categories_by_id(self, ids: Sequence[uuid.UUID]) -> list[CategoryRecord | None]:
        return await self._by_ids(t.categories, ids)

    async def brands_by_id(self, ids: Sequence[uuid.UUID]) -> list[BrandRecord | None]:
        return await self._by_ids(t.brands, ids)

    async def attributes_by_id(self, ids: Sequence[uuid.UUID]) -> list[AttributeRecord | None]:
        return await self._by_ids(t.attributes, ids)

    async def inventory_by_id(self, ids: Sequence[uuid.UUID]) -> list[InventoryRecord | None]:
        return await self._by_ids(t.inventory, ids)

    async def variants_by_sku(self, skus: Sequence[str]) -> list[VariantRecord | None]:
        found = {r.sku: r for r in await _VARIANTS_BY_SKU.fetch(self._engine, skus=list(skus))}
        return [found.get(k) for k in skus]

    async def variants_of_products(self, ids: Sequence[uuid.UUID]) -> list[list[VariantRecord]]:
        return await self._grouped(_VARIANTS_OF_PRODUCTS, "product_id", ids)

    async def images_of_products(self, ids: Sequence[uuid.UUID]) -> list[list[ImageRecord]]:
        return await self._grouped(_IMAGES_OF_PRODUCTS, "product_id", ids)

    async def attribute_values_of_products(
        self, ids: Sequence[uuid.UUID]
    ) -> list[list[AttributeValueRecord]]:
        return await self._grouped(_ATTRIBUTE_VALUES_OF_PRODUCTS, "product_id", ids)

    async def inventory_of_variants(self, ids: Sequence[uuid.UUID]) -> list[list[InventoryRecord]]:
        return await self._grouped(_INVENTORY_OF_VARIANTS, "variant_id", ids)

    async def children_of_categories(self, ids: Sequence[uuid.UUID]) -> list[list[CategoryRecord]]:
        return await self._grouped(_CHILDREN_OF_CATEGORIES, "parent_id", ids)

    async def product_counts(self, category_ids: Sequence[uuid.UUID]) -> list[int]:
        async with self._engine.connect() as conn:
            counts = await subtree_counts(conn, category_ids)
        return [counts.get(k, 0) for k in category_ids]
