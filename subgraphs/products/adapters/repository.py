"""The catalogue repository on one PostgreSQL transaction (SQLAlchemy Core, asyncpg)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, exists, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from subgraphs.platform.kernel.ids import new_id
from subgraphs.platform.kernel.results import InputErrors
from subgraphs.platform.sql.rows import row_to
from subgraphs.products.adapters import tables as t
from subgraphs.products.adapters.taxonomy_repository import TaxonomyRepository
from subgraphs.products.domain.errors import DuplicateSku, IdempotencyKeyReused
from subgraphs.products.domain.model import InventoryItem, Product, ProductStatus, Variant
from subgraphs.products.service_layer.ports import Adjustment

# Everything but the search vector, which only the listing reads.
_PRODUCT_COLUMNS = [c for c in t.products.c if c.key != "search"]


def product_from_row(row: Any) -> Product:
    return row_to(Product, row, status=ProductStatus(row.status))


def variant_from_row(row: Any) -> Variant:
    return row_to(Variant, row, options=dict(row.options))


def _product_values(p: Product) -> dict[str, Any]:
    return {
        "seller_id": p.seller_id,
        "title": p.title,
        "slug": p.slug,
        "description": p.description,
        "status": p.status.value,
        "category_id": p.category_id,
        "brand_id": p.brand_id,
        "currency": p.currency,
        "min_price": p.min_price,
        "max_price": p.max_price,
        "popularity": p.popularity,
        "version": p.version,
    }


class SqlCatalogRepository(TaxonomyRepository):
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def get_product(self, product_id: uuid.UUID, *, lock: bool = False) -> Product | None:
        query = select(*_PRODUCT_COLUMNS).where(t.products.c.id == product_id)
        if lock:
            query = query.with_for_update()
        row = (await self.conn.execute(query)).first()
        return product_from_row(row) if row else None

    async def add_product(self, product: Product) -> None:
        await self.conn.execute(insert(t.products).values(id=product.id, **_product_values(product)))

    async def save_product(self, product: Product) -> None:
        await self.conn.execute(
            update(t.products)
            .where(t.products.c.id == product.id)
            .values(**_product_values(product), updated_at=func.now())
        )

    async def delete_product(self, product_id: uuid.UUID) -> None:
        for table in (
            t.inventory,
            t.inventory_adjustments,
            t.images,
            t.attribute_values,
            t.variant_skus,
            t.variants,
        ):
            await self.conn.execute(delete(table).where(table.c.product_id == product_id))
        await self.conn.execute(delete(t.products).where(t.products.c.id == product_id))

    async def category_exists(self, category_id: uuid.UUID) -> bool:
        return bool(await self.conn.scalar(select(exists().where(t.categories.c.id == category_id))))

    async def brand_exists(self, brand_id: uuid.UUID) -> bool:
        return bool(await self.conn.scalar(select(exists().where(t.brands.c.id == brand_id))))

    async def missing_attributes(self, attribute_ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
        if not attribute_ids:
            return set()
        found = await self.conn.scalars(
            select(t.attributes.c.id).where(t.attributes.c.id.in_(set(attribute_ids)))
        )
        return set(attribute_ids) - set(found)

    async def variants_of(self, product_id: uuid.UUID) -> list[Variant]:
        rows = await self.conn.execute(
            select(t.variants)
            .where(t.variants.c.product_id == product_id)
            .order_by(t.variants.c.position, t.variants.c.id)
        )
        return [variant_from_row(r) for r in rows]

    async def get_variant(self, variant_id: uuid.UUID) -> Variant | None:
        row = (await self.conn.execute(select(t.variants).where(t.variants.c.id == variant_id))).first()
        return variant_from_row(row) if row else None

    async def taken_skus(self, skus: Sequence[str]) -> set[str]:
        if not skus:
            return set()
        return set(
            await self.conn.scalars(select(t.variant_skus.c.sku).where(t.variant_skus.c.sku.in_(set(skus))))
        )

    def _variant_row(self, v: Variant) -> dict[str, Any]:
        return {
            "id": v.id,
            "product_id": v.product_id,
            "sku": v.sku,
            "title": v.title,
            "price": v.price,
            "compare_at_price": v.compare_at_price,
            "currency": v.currency,
            "options": v.options,
            "position": v.position,
        }

    async def _claim_skus(self, variants: Sequence[Variant]) -> None:
        # The SKU registry's primary key settles races between two sellers taking one SKU.
        try:
            async with self.conn.begin_nested():
                await self.conn.execute(
                    insert(t.variant_skus),
                    [{"sku": v.sku, "variant_id": v.id, "product_id": v.product_id} for v in variants],
                )
        except IntegrityError as exc:
            raise InputErrors(
                [DuplicateSku("A SKU in this request is already used.", field="variants")]
            ) from exc

    async def add_variants(self, variants: Sequence[Variant]) -> None:
        if not variants:
            return
        await self._claim_skus(variants)
        await self.conn.execute(insert(t.variants), [self._variant_row(v) for v in variants])

    async def save_variants(self, variants: Sequence[Variant], old_skus: dict[uuid.UUID, str]) -> None:
        if old_skus:
            await self.conn.execute(
                delete(t.variant_skus).where(t.variant_skus.c.sku.in_(list(old_skus.values())))
            )
            await self._claim_skus([v for v in variants if v.id in old_skus])
        for v in variants:
            row = self._variant_row(v)
            row.pop("id")
            await self.conn.execute(
                update(t.variants).where(t.variants.c.id == v.id).values(**row, updated_at=func.now())
            )

    async def delete_variant(self, variant: Variant) -> None:
        await self.conn.execute(
            delete(t.inventory).where(
                t.inventory.c.product_id == variant.product_id, t.inventory.c.variant_id == variant.id
            )
        )
        await self.conn.execute(delete(t.variant_skus).where(t.variant_skus.c.sku == variant.sku))
        await self.conn.execute(delete(t.variants).where(t.variants.c.id == variant.id))

    async def add_images(self, product_id: uuid.UUID, images: Sequence[dict[str, object]]) -> list[uuid.UUID]:
        if not images:
            return []
        base = await self.conn.scalar(
            select(t.images.c.position)
            .where(t.images.c.product_id == product_id)
            .order_by(t.images.c.position.desc())
            .limit(1)
        )
        offset = 0 if base is None else base + 1
        ids = [new_id() for _ in images]
        rows = [
            {**img, "id": i, "product_id": product_id, "position": offset + int(str(img["position"]))}
            for i, img in zip(ids, images, strict=True)
        ]
        await self.conn.execute(insert(t.images), rows)
        return ids

    async def get_image_product(self, image_id: uuid.UUID) -> uuid.UUID | None:
        return await self.conn.scalar(select(t.images.c.product_id).where(t.images.c.id == image_id))

    async def delete_image(self, image_id: uuid.UUID) -> None:
        await self.conn.execute(delete(t.images).where(t.images.c.id == image_id))

    async def set_attribute_values(
        self, product_id: uuid.UUID, values: Sequence[tuple[uuid.UUID, str]]
    ) -> None:
        attribute_ids = {a for a, _ in values}
        if not attribute_ids:
            return
        # Setting an attribute replaces its values on this product.
        await self.conn.execute(
            delete(t.attribute_values).where(
                t.attribute_values.c.product_id == product_id,
                t.attribute_values.c.attribute_id.in_(attribute_ids),
            )
        )
        await self.conn.execute(
            pg_insert(t.attribute_values).on_conflict_do_nothing(),
            [{"id": new_id(), "product_id": product_id, "attribute_id": a, "value": v} for a, v in values],
        )

    async def lock_inventory(
        self, product_id: uuid.UUID, variant_id: uuid.UUID, warehouse: str
    ) -> InventoryItem:
        inv = t.inventory
        await self.conn.execute(
            pg_insert(inv)
            .values(id=new_id(), product_id=product_id, variant_id=variant_id, warehouse=warehouse, on_hand=0)
            .on_conflict_do_nothing(constraint="inventory_variant_warehouse")
        )
        row = (
            await self.conn.execute(
                select(inv)
                .where(
                    inv.c.product_id == product_id,
                    inv.c.variant_id == variant_id,
                    inv.c.warehouse == warehouse,
                )
                .with_for_update()
            )
        ).one()
        m = row._mapping
        return InventoryItem(
            id=m["id"],
            product_id=m["product_id"],
            variant_id=m["variant_id"],
            warehouse=m["warehouse"],
            on_hand=m["on_hand"],
            reserved=m["reserved"],
            low_stock_threshold=m["low_stock_threshold"],
        )

    async def save_inventory(self, item: InventoryItem) -> None:
        await self.conn.execute(
            update(t.inventory)
            .where(t.inventory.c.id == item.id)
            .values(on_hand=item.on_hand, reserved=item.reserved, updated_at=func.now())
        )

    async def find_adjustment(
        self, product_id: uuid.UUID, actor_id: uuid.UUID, key: str
    ) -> Adjustment | None:
        a = t.inventory_adjustments
        row = (
            await self.conn.execute(
                select(a.c.inventory_id, a.c.delta, a.c.reason, a.c.on_hand_after).where(
                    a.c.product_id == product_id, a.c.actor_id == actor_id, a.c.idempotency_key == key
                )
            )
        ).first()
        return Adjustment(*row) if row else None

    async def add_adjustment(
        self, item: InventoryItem, actor_id: uuid.UUID, key: str, delta: int, reason: str
    ) -> None:
        try:
            async with self.conn.begin_nested():
                await self.conn.execute(
                    insert(t.inventory_adjustments).values(
                        id=new_id(),
                        product_id=item.product_id,
                        inventory_id=item.id,
                        actor_id=actor_id,
                        idempotency_key=key,
                        delta=delta,
                        reason=reason,
                        on_hand_after=item.on_hand,
                    )
                )
        except IntegrityError as exc:
            raise InputErrors(
                [
                    IdempotencyKeyReused(
                        "This idempotency key was used with a different request.", field="idempotencyKey"
                    )
                ]
            ) from exc

    async def add_categories(self, rows: Sequence[dict[str, object]]) -> None:
        await self.conn.execute(insert(t.categories), list(rows))

    async def get_category_path(self, category_id: uuid.UUID) -> tuple[str, int] | None:
        row = (
            await self.conn.execute(
                select(t.categories.c.path, t.categories.c.depth).where(t.categories.c.id == category_id)
            )
        ).first()
        return (row[0], row[1]) if row else None

    async def taken_slugs(self, table: str, slugs: Sequence[str]) -> set[str]:
        tbl = {"categories": t.categories, "brands": t.brands, "attributes": t.attributes}[table]
        return set(await self.conn.scalars(select(tbl.c.slug).where(tbl.c.slug.in_(set(slugs)))))

    async def add_brands(self, rows: Sequence[dict[str, object]]) -> None:
        await self.conn.execute(insert(t.brands), list(rows))

    async def add_attributes(self, rows: Sequence[dict[str, object]]) -> None:
        await self.conn.execute(insert(t.attributes), list(rows))
