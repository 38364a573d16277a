"""GraphQL input types and enums for catalogue queries."""

from __future__ import annotations

import strawberry

from subgraphs.platform.graphql.types import SortDirection
from subgraphs.products.graphql.enums import ProductSortField, ProductStatus


@strawberry.input
class ProductSort:
    field: ProductSortField = ProductSortField.NEWEST
    direction: SortDirection | None = strawberry.field(
        default=None, description="Defaults: NEWEST and POPULARITY descending, PRICE and TITLE ascending."
    )


@strawberry.input(description="Minor units, inclusive bounds, compared to the lowest variant price.")
class PriceRangeFilter:
    min: int | None = None
    max: int | None = None


@strawberry.input
class AttributeValuesFilter:
    attribute_id: strawberry.ID
    values: list[str]


@strawberry.input
class ProductFilter:
    category_id: strawberry.ID | None = strawberry.field(default=None, description="Includes descendants.")
    brand_ids: list[strawberry.ID] | None = None
    seller_id: strawberry.ID | None = None
    price: PriceRangeFilter | None = None
    attributes: list[AttributeValuesFilter] | None = None
    in_stock: bool | None = None
    status: ProductStatus | None = strawberry.field(
        default=None, description="Non-ACTIVE statuses are visible to their seller and admins only."
    )
    search: str | None = strawberry.field(
        default=None, description="Full-text search in title and description."
    )


@strawberry.input
class CategoryFilter:
    parent_id: strawberry.ID | None = None
    roots_only: bool = False
    search: str | None = None


@strawberry.input
class NameFilter:
    search: str | None = None


@strawberry.input
class VariantFilter:
    product_id: strawberry.ID | None = None
    sku: str | None = None


@strawberry.input
class InventoryFilter:
    variant_id: strawberry.ID | None = None
    warehouse: str | None = None
    low_stock: bool | None = None
