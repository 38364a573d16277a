"""Mutation payloads: the changed objects plus `userErrors` (empty when it worked)."""

from __future__ import annotations

import strawberry

from subgraphs.platform.graphql.cost import expected_size
from subgraphs.platform.graphql.types import UserError
from subgraphs.products.graphql.types import (
    Brand,
    Category,
    InventoryItem,
    Product,
    ProductAttribute,
    ProductImage,
    ProductVariant,
)


@strawberry.type
class ProductPayload:
    product: Product | None
    user_errors: list[UserError]


@strawberry.type
class DeletePayload:
    deleted_id: strawberry.ID | None
    user_errors: list[UserError]


@strawberry.type
class ProductVariantsPayload:
    product: Product | None
    product_variants: list[ProductVariant] = strawberry.field(directives=[expected_size(10)])
    user_errors: list[UserError]


@strawberry.type
class ProductImagesPayload:
    product: Product | None
    images: list[ProductImage] = strawberry.field(directives=[expected_size(10)])
    user_errors: list[UserError]


@strawberry.type
class AdjustInventoryPayload:
    inventory_item: InventoryItem | None
    replayed: bool = strawberry.field(description="True when this key was already applied; nothing changed.")
    user_errors: list[UserError]


@strawberry.type
class CategoriesPayload:
    categories: list[Category] = strawberry.field(directives=[expected_size(10)])
    user_errors: list[UserError]


@strawberry.type
class BrandsPayload:
    brands: list[Brand] = strawberry.field(directives=[expected_size(10)])
    user_errors: list[UserError]


@strawberry.type
class AttributesPayload:
    attributes: list[ProductAttribute] = strawberry.field(directives=[expected_size(10)])
    user_errors: list[UserError]
