"""GraphQL inputs of catalogue mutations, and their conversion to use-case commands."""

from __future__ import annotations

import strawberry

from subgraphs.products.graphql.enums import AdjustmentReason, ProductStatus


@strawberry.input
class VariantOptionInput:
    name: str
    value: str


@strawberry.input
class WarehouseStockInput:
    warehouse: str
    quantity: int


@strawberry.input
class ProductVariantCreateInput:
    sku: str
    price: int = strawberry.field(description="Minor units in the product's currency.")
    title: str | None = None
    compare_at_price: int | None = None
    options: list[VariantOptionInput] | None = None
    stock: list[WarehouseStockInput] | None = strawberry.field(
        default=None, description="Initial stock per warehouse."
    )


@strawberry.input
class ProductVariantUpdateInput:
    id: strawberry.ID
    sku: str | None = None
    price: int | None = None
    title: str | None = None
    compare_at_price: int | None = None
    options: list[VariantOptionInput] | None = None


@strawberry.input
class ProductImageInput:
    storage_key: str = strawberry.field(description="Path of the uploaded file under the CDN base URL.")
    alt: str = ""
    width: int | None = None
    height: int | None = None


@strawberry.input
class AttributeValueInput:
    attribute_id: strawberry.ID
    value: str


@strawberry.input
class ProductCreateInput:
    title: str
    category_id: strawberry.ID
    currency: str
    description: str = ""
    brand_id: strawberry.ID | None = None
    status: ProductStatus = ProductStatus.DRAFT
    seller_id: strawberry.ID | None = strawberry.field(default=None, description="Admins only.")
    variants: list[ProductVariantCreateInput] | None = None
    images: list[ProductImageInput] | None = None
    attributes: list[AttributeValueInput] | None = None


@strawberry.input
class ProductUpdateInput:
    title: str | None = None
    description: str | None = None
    category_id: strawberry.ID | None = None
    brand_id: strawberry.ID | None = strawberry.field(
        default=None, description="Set `clearBrand` to remove it."
    )
    clear_brand: bool = False
    status: ProductStatus | None = None
    expected_version: int | None = strawberry.field(
        default=None, description="Optimistic lock: fail if the product moved on."
    )


@strawberry.input
class AdjustInventoryInput:
    variant_id: strawberry.ID
    warehouse: str
    delta: int = strawberry.field(description="Units to add (positive) or remove (negative).")
    reason: AdjustmentReason
    idempotency_key: str = strawberry.field(description="Retries with the same key apply once.")


@strawberry.input
class CategoryCreateInput:
    name: str
    parent_id: strawberry.ID | None = None
    slug: str | None = None
    position: int = 0


@strawberry.input
class NamedCreateInput:
    name: str
    slug: str | None = None


@strawberry.input
class CategoryUpdateInput:
    id: strawberry.ID
    name: str | None = None
    slug: str | None = None
    position: int | None = None
    parent_id: strawberry.ID | None = strawberry.field(default=None, description="Move under this category.")
    make_root: bool = strawberry.field(default=False, description="Move to the top level.")


@strawberry.input
class NamedUpdateInput:
    id: strawberry.ID
    name: str | None = None
    slug: str | None = None


@strawberry.input
class ProductImageUpdateInput:
    id: strawberry.ID
    alt: str | None = None
    position: int | None = None
