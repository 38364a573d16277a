"""The read side of the catalogue: what a read returns (records) and what it can be asked (a port).

Resolvers and DataLoaders read only through `CatalogReads`; the SQL lives in
`adapters/catalog_reads.py` and `adapters/listing.py`. Records are the rows as stored (plain
attributes, read without copying: the storefront listing reads thousands of fields a request).
Every read that can show a product takes the caller's `CatalogueView`, the one visibility rule.
"""

from __future__ import annotations

import enum
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from subgraphs.platform.kernel.paging import Page, PageArgs
from subgraphs.products.domain.model import ProductStatus
from subgraphs.products.domain.visibility import CatalogueView


class ProductRecord(Protocol):
    id: uuid.UUID
    seller_id: uuid.UUID
    title: str
    slug: str
    description: str
    status: str
    category_id: uuid.UUID
    brand_id: uuid.UUID | None
    currency: str
    min_price: int
    max_price: int
    popularity: int
    version: int
    created_at: datetime
    updated_at: datetime


class VariantRecord(Protocol):
    id: uuid.UUID
    product_id: uuid.UUID
    sku: str
    title: str
    price: int
    compare_at_price: int | None
    currency: str
    options: dict[str, Any]
    position: int


class ImageRecord(Protocol):
    id: uuid.UUID
    product_id: uuid.UUID
    storage_key: str
    alt: str
    position: int
    width: int | None
    height: int | None


class CategoryRecord(Protocol):
    id: uuid.UUID
    parent_id: uuid.UUID | None
    name: str
    slug: str
    path: str
    depth: int
    position: int


class BrandRecord(Protocol):
    id: uuid.UUID
    name: str
    slug: str
    logo_key: str | None


class AttributeRecord(Protocol):
    id: uuid.UUID
    name: str
    slug: str


class AttributeValueRecord(Protocol):
    """One value of a product's attribute, with the attribute's id, name and slug."""

    product_id: uuid.UUID
    value: str
    id: uuid.UUID
    name: str
    slug: str


class InventoryRecord(Protocol):
    id: uuid.UUID
    product_id: uuid.UUID
    variant_id: uuid.UUID
    warehouse: str
    on_hand: int
    reserved: int
    low_stock_threshold: int
    updated_at: datetime


class ProductSortField(enum.Enum):
    NEWEST = "NEWEST"
    PRICE = "PRICE"
    TITLE = "TITLE"
    POPULARITY = "POPULARITY"


@dataclass(frozen=True)
class AttributeFilter:
    attribute_id: uuid.UUID
    values: tuple[str, ...]


@dataclass(frozen=True)
class ProductFilter:
    category_id: uuid.UUID | None = None  # this category and its descendants
    brand_ids: tuple[uuid.UUID, ...] = ()
    seller_id: uuid.UUID | None = None
    price_min: int | None = None
    price_max: int | None = None
    attributes: tuple[AttributeFilter, ...] = ()
    in_stock: bool | None = None
    status: ProductStatus | None = None
    search: str | None = None
    ids: tuple[uuid.UUID, ...] = field(default=())


@dataclass(frozen=True)
class ProductSort:
    field: ProductSortField = ProductSortField.NEWEST
    descending: bool | None = None  # None: the field's natural direction


@dataclass(frozen=True)
class CategoryFilter:
    search: str | None = None
    roots_only: bool = False
    parent_id: uuid.UUID | None = None


@dataclass(frozen=True)
class VariantFilter:
    product_id: uuid.UUID | None = None
    sku: str | None = None


@dataclass(frozen=True)
class InventoryFilter:
    variant_id: uuid.UUID | None = None
    warehouse: str | None = None
    low_stock: bool | None = None


class CatalogReads(Protocol):
    """Pages (keyset cursors) for the lists, and batches aligned with their keys for DataLoaders."""

    async def product_page(
        self, view: CatalogueView, f: ProductFilter, sort: ProductSort, page: PageArgs
    ) -> Page[ProductRecord]: ...
    async def category_page(self, f: CategoryFilter, page: PageArgs) -> Page[CategoryRecord]: ...
    async def brand_page(self, search: str | None, page: PageArgs) -> Page[BrandRecord]: ...
    async def attribute_page(self, search: str | None, page: PageArgs) -> Page[AttributeRecord]: ...
    async def variant_page(
        self, view: CatalogueView, f: VariantFilter, page: PageArgs
    ) -> Page[VariantRecord]: ...
    async def image_page(
        self, view: CatalogueView, product_id: uuid.UUID, page: PageArgs
    ) -> Page[ImageRecord]: ...
    async def inventory_page(
        self, seller_id: uuid.UUID | None, f: InventoryFilter, page: PageArgs
    ) -> Page[InventoryRecord]:
        """`seller_id`: only that seller's products' stock (None: everyone's, for admins)."""
        ...

    async def category_by_slug(self, slug: str) -> CategoryRecord | None: ...

    async def products_by_id(self, ids: Sequence[uuid.UUID]) -> list[ProductRecord | None]: ...
    async def variants_by_id(self, ids: Sequence[uuid.UUID]) -> list[VariantRecord | None]: ...
    async def variants_by_sku(self, skus: Sequence[str]) -> list[VariantRecord | None]: ...
    async def images_by_id(self, ids: Sequence[uuid.UUID]) -> list[ImageRecord | None]: ...
    async def categories_by_id(self, ids: Sequence[uuid.UUID]) -> list[CategoryRecord | None]: ...
    async def brands_by_id(self, ids: Sequence[uuid.UUID]) -> list[BrandRecord | None]: ...
    async def attributes_by_id(self, ids: Sequence[uuid.UUID]) -> list[AttributeRecord | None]: ...
    async def inventory_by_id(self, ids: Sequence[uuid.UUID]) -> list[InventoryRecord | None]: ...
    async def variants_of_products(self, ids: Sequence[uuid.UUID]) -> list[list[VariantRecord]]: ...
    async def images_of_products(self, ids: Sequence[uuid.UUID]) -> list[list[ImageRecord]]: ...
    async def attribute_values_of_products(
        self, ids: Sequence[uuid.UUID]
    ) -> list[list[AttributeValueRecord]]: ...
    async def inventory_of_variants(self, ids: Sequence[uuid.UUID]) -> list[list[InventoryRecord]]: ...
    async def children_of_categories(self, ids: Sequence[uuid.UUID]) -> list[list[CategoryRecord]]: ...
    async def product_counts(self, category_ids: Sequence[uuid.UUID]) -> list[int]:
        """ACTIVE products in each category and its descendants (kept from events)."""
        ...
