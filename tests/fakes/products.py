"""In-memory fakes of the products subgraph's ports, for service-layer tests without a database.

Like the SQL adapter, the fake copies on write and on read, so a test that changes an object
without saving it sees the change vanish.
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Sequence
from typing import Any

from subgraphs.platform.kernel.ids import new_id
from subgraphs.products.domain.model import InventoryItem, Product, Variant
from subgraphs.products.service_layer.ports import Adjustment
from tests.fakes.unit_of_work import FakeUnitOfWork


class FakeCatalogRepository:
    def __init__(self) -> None:
        self.products: dict[uuid.UUID, Product] = {}
        self.variants: dict[uuid.UUID, Variant] = {}
        self.inventory: dict[tuple[uuid.UUID, str], InventoryItem] = {}
        self.adjustments: dict[tuple[uuid.UUID, uuid.UUID, str], Adjustment] = {}
        self.categories: dict[uuid.UUID, tuple[str, int]] = {}
        self.brands: set[uuid.UUID] = set()
        self.attributes: set[uuid.UUID] = set()
        self.images: dict[uuid.UUID, uuid.UUID] = {}
        self.attribute_values: dict[uuid.UUID, list[tuple[uuid.UUID, str]]] = {}
        self.slugs: dict[str, set[str]] = {"categories": set(), "brands": set(), "attributes": set()}
        self.category_counts: dict[uuid.UUID, int] = {}

    async def get_product(self, product_id: uuid.UUID, *, lock: bool = False) -> Product | None:
        return copy.deepcopy(self.products.get(product_id))

    async def add_product(self, product: Product) -> None:
        self.products[product.id] = copy.deepcopy(product)

    async def save_product(self, product: Product) -> None:
        self.products[product.id] = copy.deepcopy(product)

    async def delete_product(self, product_id: uuid.UUID) -> None:
        del self.products[product_id]
        for vid in [v.id for v in self.variants.values() if v.product_id == product_id]:
            del self.variants[vid]

    async def category_exists(self, category_id: uuid.UUID) -> bool:
        return category_id in self.categories

    async def brand_exists(self, brand_id: uuid.UUID) -> bool:
        return brand_id in self.brands

    async def missing_attributes(self, attribute_ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
        return set(attribute_ids) - self.attributes

    async def variants_of(self, product_id: uuid.UUID) -> list[Variant]:
        return [copy.deepcopy(v) for v in self.variants.values() if v.product_id == product_id]

    async def get_variant(self, variant_id: uuid.UUID) -> Variant | None:
        return copy.deepcopy(self.variants.get(variant_id))

    async def taken_skus(self, skus: Sequence[str]) -> set[str]:
        return {v.sku for v in self.variants.values()} & set(skus)

    async def add_variants(self, variants: Sequence[Variant]) -> None:
        for v in variants:
            self.variants[v.id] = copy.deepcopy(v)

    async def save_variants(self, variants: Sequence[Variant], old_skus: dict[uuid.UUID, str]) -> None:
        await self.add_variants(variants)

    async def delete_variant(self, variant: Variant) -> None:
        del self.variants[variant.id]

    async def add_images(self, product_id: uuid.UUID, images: Sequence[dict[str, object]]) -> list[uuid.UUID]:
        ids = [new_id() for _ in images]
        self.images.update(dict.fromkeys(ids, product_id))
        return ids

    async def get_image_product(self, image_id: uuid.UUID) -> uuid.UUID | None:
        return self.images.get(image_id)

    async def delete_image(self, image_id: uuid.UUID) -> None:
        del self.images[image_id]

    async def set_attribute_values(
        self, product_id: uuid.UUID, values: Sequence[tuple[uuid.UUID, str]]
    ) -> None:
        self.attribute_values[product_id] = list(values)

    async def lock_inventory(
        self, product_id: uuid.UUID, variant_id: uuid.UUID, warehouse: str
    ) -> InventoryItem:
        key = (variant_id, warehouse)
        if key not in self.inventory:
            self.inventory[key] = InventoryItem(new_id(), product_id, variant_id, warehouse, on_hand=0)
        return copy.deepcopy(self.inventory[key])

    async def save_inventory(self, item: InventoryItem) -> None:
        self.inventory[(item.variant_id, item.warehouse)] = copy.deepcopy(item)

    async def find_adjustment(
        self, product_id: uuid.UUID, actor_id: uuid.UUID, key: str
    ) -> Adjustment | None:
        return self.adjustments.get((product_id, actor_id, key))

    async def add_adjustment(
        self, item: InventoryItem, actor_id: uuid.UUID, key: str, delta: int, reason: str
    ) -> None:
        self.adjustments[(item.product_id, actor_id, key)] = Adjustment(item.id, delta, reason, item.on_hand)

    async def add_categories(self, rows: Sequence[dict[str, object]]) -> None:
        for r in rows:
            self.categories[r["id"]] = (str(r["path"]), int(r["depth"]))  # type: ignore[index, call-overload]
            self.slugs["categories"].add(str(r["slug"]))

    async def get_category_path(self, category_id: uuid.UUID) -> tuple[str, int] | None:
        return self.categories.get(category_id)

    async def taken_slugs(self, table: str, slugs: Sequence[str]) -> set[str]:
        return self.slugs[table] & set(slugs)

    async def add_brands(self, rows: Sequence[dict[str, object]]) -> None:
        for r in rows:
            self.brands.add(r["id"])  # type: ignore[arg-type]
            self.slugs["brands"].add(str(r["slug"]))

    async def add_attributes(self, rows: Sequence[dict[str, object]]) -> None:
        for r in rows:
            self.attributes.add(r["id"])  # type: ignore[arg-type]
            self.slugs["attributes"].add(str(r["slug"]))

    async def taxonomy_rows(self, table: str, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, dict[str, Any]]:
        if table != "categories":
            known = self.brands if table == "brands" else self.attributes
            return {i: {"id": i, "slug": ""} for i in ids if i in known}
        rows = {}
        for i in ids:
            if i in self.categories:
                path, depth = self.categories[i]
                deepest = max(d for p, d in self.categories.values() if p.startswith(path))
                rows[i] = {
                    "id": i,
                    "slug": "",
                    "path": path,
                    "depth": depth,
                    "subtree_height": deepest - depth,
                }
        return rows

    async def update_taxonomy_row(self, table: str, row_id: uuid.UUID, values: dict[str, object]) -> None:
        if "slug" in values:
            self.slugs[table].add(str(values["slug"]))

    async def move_category(self, old_path: str, new_path: str, depth_delta: int) -> None:
        for key, (path, depth) in list(self.categories.items()):
            if path.startswith(old_path):
                self.categories[key] = (new_path + path[len(old_path) :], depth + depth_delta)

    async def delete_attribute(self, attribute_id: uuid.UUID) -> None:
        self.attributes.discard(attribute_id)
        for product_id, values in self.attribute_values.items():
            self.attribute_values[product_id] = [(a, v) for a, v in values if a != attribute_id]

    async def image_ids_of(self, product_id: uuid.UUID) -> set[uuid.UUID]:
        return {i for i, p in self.images.items() if p == product_id}

    async def update_image(self, image_id: uuid.UUID, values: dict[str, object]) -> None:
        return None

    async def apply_listing_change(self, deltas: Sequence[tuple[uuid.UUID, int]]) -> None:
        for category_id, delta in deltas:
            self.category_counts[category_id] = self.category_counts.get(category_id, 0) + delta


class FakeCacheNamespace:
    def __init__(self) -> None:
        self.version = 0

    async def invalidate(self) -> int:
        self.version += 1
        return self.version


def catalog_unit_of_work() -> FakeUnitOfWork[FakeCatalogRepository]:
    return FakeUnitOfWork(FakeCatalogRepository())
