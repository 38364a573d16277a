"""Per-request DataLoaders (`XByYLoader`): one read-model batch per loader per tick, aligned with the keys."""

from __future__ import annotations

import uuid

from subgraphs.platform.graphql.dataloaders import ContextLoader, IdLoader
from subgraphs.products.graphql.context import ProductsContext
from subgraphs.products.service_layer.read_models import (
    AttributeRecord,
    AttributeValueRecord,
    BrandRecord,
    CategoryRecord,
    ImageRecord,
    InventoryRecord,
    ProductRecord,
    VariantRecord,
)


class ProductByIdLoader(IdLoader[ProductsContext, ProductRecord | None]):
    async def fetch_many(self, keys: list[uuid.UUID]) -> list[ProductRecord | None]:
        return await self.ctx.services.reads.products_by_id(keys)


class VariantByIdLoader(IdLoader[ProductsContext, VariantRecord | None]):
    async def fetch_many(self, keys: list[uuid.UUID]) -> list[VariantRecord | None]:
        return await self.ctx.services.reads.variants_by_id(keys)


class ImageByIdLoader(IdLoader[ProductsContext, ImageRecord | None]):
    async def fetch_many(self, keys: list[uuid.UUID]) -> list[ImageRecord | None]:
        return await self.ctx.services.reads.images_by_id(keys)


class BrandByIdLoader(IdLoader[ProductsContext, BrandRecord | None]):
    async def fetch_many(self, keys: list[uuid.UUID]) -> list[BrandRecord | None]:
        return await self.ctx.services.reads.brands_by_id(keys)


class CategoryByIdLoader(IdLoader[ProductsContext, CategoryRecord | None]):
    async def fetch_many(self, keys: list[uuid.UUID]) -> list[CategoryRecord | None]:
        return await self.ctx.services.reads.categories_by_id(keys)


class AttributeByIdLoader(IdLoader[ProductsContext, AttributeRecord | None]):
    async def fetch_many(self, keys: list[uuid.UUID]) -> list[AttributeRecord | None]:
        return await self.ctx.services.reads.attributes_by_id(keys)


class InventoryByIdLoader(IdLoader[ProductsContext, InventoryRecord | None]):
    async def fetch_many(self, keys: list[uuid.UUID]) -> list[InventoryRecord | None]:
        return await self.ctx.services.reads.inventory_by_id(keys)


class VariantsByProductIdLoader(IdLoader[ProductsContext, list[VariantRecord]]):
    async def fetch_many(self, keys: list[uuid.UUID]) -> list[list[VariantRecord]]:
        return await self.ctx.services.reads.variants_of_products(keys)


class ImagesByProductIdLoader(IdLoader[ProductsContext, list[ImageRecord]]):
    async def fetch_many(self, keys: list[uuid.UUID]) -> list[list[ImageRecord]]:
        return await self.ctx.services.reads.images_of_products(keys)


class AttributeValuesByProductIdLoader(IdLoader[ProductsContext, list[AttributeValueRecord]]):
    async def fetch_many(self, keys: list[uuid.UUID]) -> list[list[AttributeValueRecord]]:
        return await self.ctx.services.reads.attribute_values_of_products(keys)


class InventoryByVariantIdLoader(IdLoader[ProductsContext, list[InventoryRecord]]):
    async def fetch_many(self, keys: list[uuid.UUID]) -> list[list[InventoryRecord]]:
        return await self.ctx.services.reads.inventory_of_variants(keys)


class ChildCategoriesLoader(IdLoader[ProductsContext, list[CategoryRecord]]):
    async def fetch_many(self, keys: list[uuid.UUID]) -> list[list[CategoryRecord]]:
        return await self.ctx.services.reads.children_of_categories(keys)


class ProductCountByCategoryLoader(IdLoader[ProductsContext, int]):
    """ACTIVE products in each category and its descendants (counts kept from events)."""

    async def fetch_many(self, keys: list[uuid.UUID]) -> list[int]:
        return await self.ctx.services.reads.product_counts(keys)


class VariantBySkuLoader(ContextLoader[ProductsContext, str, VariantRecord | None]):
    async def fetch_many(self, keys: list[str]) -> list[VariantRecord | None]:
        return await self.ctx.services.reads.variants_by_sku(keys)
