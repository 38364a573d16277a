"""Catalogue mutations: parse input, call one use case, return a payload with userErrors.

Authentication and role failures are GraphQL errors (UNAUTHENTICATED / FORBIDDEN); problems
with the input, including someone else's product reported as NOT_FOUND, are `userErrors`.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable
from typing import Any, TypeVar

import strawberry

from subgraphs.platform.context import Info
from subgraphs.platform.errors import AppError, BadUserInput, Conflict, NotFound
from subgraphs.platform.graphql_types import UserError, user_errors_from
from subgraphs.platform.ids import parse_id
from subgraphs.products.adapters.unit_of_work import SqlUnitOfWork
from subgraphs.products.domain.model import ProductStatus as DomainStatus
from subgraphs.products.graphql import dataloaders as dl
from subgraphs.products.graphql.mutation_inputs import (
    AttributeValueInput,
    CategoryCreateInput,
    InventoryAdjustInput,
    NamedCreateInput,
    ProductCreateInput,
    ProductImageInput,
    ProductUpdateInput,
    ProductVariantCreateInput,
    ProductVariantUpdateInput,
)
from subgraphs.products.graphql.types import (
    Brand,
    Category,
    InventoryItem,
    Product,
    ProductAttribute,
    ProductImage,
    ProductVariant,
)
from subgraphs.products.service_layer import catalog, inventory, taxonomy
from subgraphs.products.service_layer.commands import (
    AdjustInventory,
    CategorySpec,
    CreateProduct,
    ImageSpec,
    NamedSpec,
    UpdateProduct,
    VariantPatch,
    VariantSpec,
)
from subgraphs.products.service_layer.results import InputErrors

T = TypeVar("T")


class _BadId(BadUserInput):
    pass


def _uuid(raw: strawberry.ID | None, field: str) -> uuid.UUID:
    value = parse_id(raw) if raw is not None else None
    if value is None:
        raise InputErrors([NotFound("Not found.", field=field)])
    return value


async def _run(call: Awaitable[T]) -> tuple[T | None, list[UserError]]:
    try:
        return await call, []
    except InputErrors as exc:
        return None, user_errors_from(exc.errors)
    except (NotFound, Conflict, BadUserInput) as exc:
        return None, user_errors_from([exc])


async def _guarded(make: Any) -> tuple[Any, list[UserError]]:
    """Like `_run`, but also turns input-conversion failures into userErrors."""
    try:
        call = make()
    except InputErrors as exc:
        return None, user_errors_from(exc.errors)
    except AppError as exc:
        if isinstance(exc, (NotFound, Conflict, BadUserInput)):
            return None, user_errors_from([exc])
        raise
    return await _run(call)


async def _fresh_product(info: Info, product_id: uuid.UUID) -> Product:
    return Product.from_row(await dl.ProductByIdLoader.of(info.context).fresh(product_id))


def _variant_spec(v: ProductVariantCreateInput) -> VariantSpec:
    return VariantSpec(
        sku=v.sku,
        price=v.price,
        title=v.title,
        compare_at_price=v.compare_at_price,
        options={o.name: o.value for o in v.options or []},
        stock={s.warehouse: s.quantity for s in v.stock or []},
    )


def _attrs(values: list[AttributeValueInput] | None, prefix: str) -> list[tuple[uuid.UUID, str]]:
    return [(_uuid(a.attribute_id, f"{prefix}.{i}.attributeId"), a.value) for i, a in enumerate(values or [])]


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
    product_variants: list[ProductVariant]
    user_errors: list[UserError]


@strawberry.type
class ProductImagesPayload:
    product: Product | None
    images: list[ProductImage]
    user_errors: list[UserError]


@strawberry.type
class InventoryAdjustPayload:
    inventory_item: InventoryItem | None
    replayed: bool = strawberry.field(description="True when this key was already applied; nothing changed.")
    user_errors: list[UserError]


@strawberry.type
class CategoriesPayload:
    categories: list[Category]
    user_errors: list[UserError]


@strawberry.type
class BrandsPayload:
    brands: list[Brand]
    user_errors: list[UserError]


@strawberry.type
class AttributesPayload:
    attributes: list[ProductAttribute]
    user_errors: list[UserError]


_AUTH: dict[str, Any] = {"authenticated": True}


@strawberry.type
class CatalogMutation:
    @strawberry.federation.mutation(**_AUTH)
    async def product_create(self, info: Info, input: ProductCreateInput) -> ProductPayload:
        actor = info.context.require_role("seller")

        def make() -> Awaitable[Any]:
            cmd = CreateProduct(
                title=input.title,
                category_id=_uuid(input.category_id, "categoryId"),
                currency=input.currency,
                description=input.description,
                brand_id=_uuid(input.brand_id, "brandId") if input.brand_id is not None else None,
                status=DomainStatus(input.status.value),
                seller_id=_uuid(input.seller_id, "sellerId") if input.seller_id is not None else None,
                variants=[_variant_spec(v) for v in input.variants or []],
                images=[ImageSpec(i.storage_key, i.alt, i.width, i.height) for i in input.images or []],
                attributes=_attrs(input.attributes, "attributes"),
            )
            return catalog.create_product(SqlUnitOfWork(info.context.engine), actor, cmd)

        product, errors = await _guarded(make)
        return ProductPayload(
            product=await _fresh_product(info, product.id) if product else None, user_errors=errors
        )

    @strawberry.federation.mutation(**_AUTH)
    async def product_update(
        self, info: Info, id: strawberry.ID, input: ProductUpdateInput
    ) -> ProductPayload:
        actor = info.context.require_role("seller")

        def make() -> Awaitable[Any]:
            cmd = UpdateProduct(
                id=_uuid(id, "id"),
                title=input.title,
                description=input.description,
                category_id=_uuid(input.category_id, "categoryId") if input.category_id is not None else None,
                brand_id=_uuid(input.brand_id, "brandId") if input.brand_id is not None else None,
                clear_brand=input.clear_brand,
                status=DomainStatus(input.status.value) if input.status else None,
                expected_version=input.expected_version,
            )
            return catalog.update_product(SqlUnitOfWork(info.context.engine), actor, cmd)

        product, errors = await _guarded(make)
        return ProductPayload(
            product=await _fresh_product(info, product.id) if product else None, user_errors=errors
        )

    @strawberry.federation.mutation(**_AUTH)
    async def product_delete(self, info: Info, id: strawberry.ID) -> DeletePayload:
        actor = info.context.require_role("seller")
        deleted, errors = await _guarded(
            lambda: catalog.delete_product(SqlUnitOfWork(info.context.engine), actor, _uuid(id, "id"))
        )
        return DeletePayload(deleted_id=strawberry.ID(str(deleted)) if deleted else None, user_errors=errors)

    @strawberry.federation.mutation(**_AUTH, description="All-or-nothing: one bad row writes nothing.")
    async def product_variants_bulk_create(
        self, info: Info, product_id: strawberry.ID, variants: list[ProductVariantCreateInput]
    ) -> ProductVariantsPayload:
        actor = info.context.require_role("seller")
        created, errors = await _guarded(
            lambda: catalog.create_variants(
                SqlUnitOfWork(info.context.engine),
                actor,
                _uuid(product_id, "productId"),
                [_variant_spec(v) for v in variants],
            )
        )
        if not created:
            return ProductVariantsPayload(product=None, product_variants=[], user_errors=errors)
        return ProductVariantsPayload(
            product=await _fresh_product(info, created[0].product_id),
            product_variants=await _fresh_variants(info, [v.id for v in created]),
            user_errors=[],
        )

    @strawberry.federation.mutation(**_AUTH, description="All-or-nothing: one bad row writes nothing.")
    async def product_variants_bulk_update(
        self, info: Info, product_id: strawberry.ID, variants: list[ProductVariantUpdateInput]
    ) -> ProductVariantsPayload:
        actor = info.context.require_role("seller")

        def make() -> Awaitable[Any]:
            patches = [
                VariantPatch(
                    id=_uuid(v.id, f"variants.{i}.id"),
                    sku=v.sku,
                    price=v.price,
                    title=v.title,
                    compare_at_price=v.compare_at_price,
                    options={o.name: o.value for o in v.options} if v.options is not None else None,
                )
                for i, v in enumerate(variants)
            ]
            return catalog.update_variants(
                SqlUnitOfWork(info.context.engine), actor, _uuid(product_id, "productId"), patches
            )

        updated, errors = await _guarded(make)
        if updated is None:
            return ProductVariantsPayload(product=None, product_variants=[], user_errors=errors)
        return ProductVariantsPayload(
            product=await _fresh_product(info, uuid.UUID(str(product_id))),
            product_variants=await _fresh_variants(info, [v.id for v in updated]),
            user_errors=[],
        )

    @strawberry.federation.mutation(**_AUTH)
    async def product_variant_delete(self, info: Info, id: strawberry.ID) -> DeletePayload:
        actor = info.context.require_role("seller")
        deleted, errors = await _guarded(
            lambda: catalog.delete_variant(SqlUnitOfWork(info.context.engine), actor, _uuid(id, "id"))
        )
        return DeletePayload(deleted_id=strawberry.ID(str(deleted)) if deleted else None, user_errors=errors)

    @strawberry.federation.mutation(**_AUTH)
    async def product_images_bulk_create(
        self, info: Info, product_id: strawberry.ID, images: list[ProductImageInput]
    ) -> ProductImagesPayload:
        actor = info.context.require_role("seller")
        ids, errors = await _guarded(
            lambda: catalog.add_images(
                SqlUnitOfWork(info.context.engine),
                actor,
                _uuid(product_id, "productId"),
                [ImageSpec(i.storage_key, i.alt, i.width, i.height) for i in images],
            )
        )
        if ids is None:
            return ProductImagesPayload(product=None, images=[], user_errors=errors)
        rows = await dl.ImageByIdLoader.of(info.context).load_many(ids)
        base = info.context.settings.cdn_base_url
        return ProductImagesPayload(
            product=await _fresh_product(info, uuid.UUID(str(product_id))),
            images=[ProductImage.from_row(r, base) for r in rows if r is not None],
            user_errors=[],
        )

    @strawberry.federation.mutation(**_AUTH)
    async def product_image_delete(self, info: Info, id: strawberry.ID) -> DeletePayload:
        actor = info.context.require_role("seller")
        deleted, errors = await _guarded(
            lambda: catalog.delete_image(SqlUnitOfWork(info.context.engine), actor, _uuid(id, "id"))
        )
        return DeletePayload(deleted_id=strawberry.ID(str(deleted)) if deleted else None, user_errors=errors)

    @strawberry.federation.mutation(
        **_AUTH, description="Replaces the values of the given attributes on the product."
    )
    async def product_attribute_values_set(
        self, info: Info, product_id: strawberry.ID, values: list[AttributeValueInput]
    ) -> ProductPayload:
        actor = info.context.require_role("seller")
        product, errors = await _guarded(
            lambda: catalog.set_attribute_values(
                SqlUnitOfWork(info.context.engine),
                actor,
                _uuid(product_id, "productId"),
                _attrs(values, "values"),
            )
        )
        return ProductPayload(
            product=await _fresh_product(info, product.id) if product else None, user_errors=errors
        )

    @strawberry.federation.mutation(**_AUTH)
    async def inventory_adjust(self, info: Info, input: InventoryAdjustInput) -> InventoryAdjustPayload:
        actor = info.context.require_role("seller")

        def make() -> Awaitable[Any]:
            cmd = AdjustInventory(
                variant_id=_uuid(input.variant_id, "variantId"),
                warehouse=input.warehouse,
                delta=input.delta,
                reason=input.reason.value,
                idempotency_key=input.idempotency_key,
            )
            return inventory.adjust_inventory(SqlUnitOfWork(info.context.engine), actor, cmd)

        outcome, errors = await _guarded(make)
        if outcome is None:
            return InventoryAdjustPayload(inventory_item=None, replayed=False, user_errors=errors)
        row = await dl.InventoryByIdLoader.of(info.context).fresh(outcome.item.id)
        return InventoryAdjustPayload(
            inventory_item=InventoryItem.from_row(row),
            replayed=outcome.replayed,
            user_errors=[],
        )

    @strawberry.federation.mutation(
        **_AUTH, description="Admins only. Parents may be created earlier in the same list."
    )
    async def categories_bulk_create(
        self, info: Info, categories: list[CategoryCreateInput]
    ) -> CategoriesPayload:
        actor = info.context.require_role("admin")

        def make() -> Awaitable[Any]:
            specs = [
                CategorySpec(
                    name=c.name,
                    slug=c.slug,
                    position=c.position,
                    parent_id=_uuid(c.parent_id, f"categories.{i}.parentId")
                    if c.parent_id is not None
                    else None,
                )
                for i, c in enumerate(categories)
            ]
            return taxonomy.create_categories(SqlUnitOfWork(info.context.engine), actor, specs)

        ids, errors = await _guarded(make)
        rows = await dl.CategoryByIdLoader.of(info.context).load_many(ids or [])
        return CategoriesPayload(categories=[Category.from_row(r) for r in rows if r], user_errors=errors)

    @strawberry.federation.mutation(**_AUTH, description="Admins only.")
    async def brands_bulk_create(self, info: Info, brands: list[NamedCreateInput]) -> BrandsPayload:
        actor = info.context.require_role("admin")
        ids, errors = await _guarded(
            lambda: taxonomy.create_brands(
                SqlUnitOfWork(info.context.engine), actor, [NamedSpec(b.name, b.slug) for b in brands]
            )
        )
        rows = await dl.BrandByIdLoader.of(info.context).load_many(ids or [])
        return BrandsPayload(brands=[Brand.from_row(r) for r in rows if r], user_errors=errors)

    @strawberry.federation.mutation(**_AUTH, description="Admins only.")
    async def attributes_bulk_create(
        self, info: Info, attributes: list[NamedCreateInput]
    ) -> AttributesPayload:
        actor = info.context.require_role("admin")
        ids, errors = await _guarded(
            lambda: taxonomy.create_attributes(
                SqlUnitOfWork(info.context.engine), actor, [NamedSpec(a.name, a.slug) for a in attributes]
            )
        )
        rows = await dl.AttributeByIdLoader.of(info.context).load_many(ids or [])
        return AttributesPayload(
            attributes=[
                ProductAttribute(id=strawberry.ID(str(r.id)), name=r.name, slug=r.slug) for r in rows if r
            ],
            user_errors=errors,
        )


async def _fresh_variants(info: Info, ids: list[uuid.UUID]) -> list[ProductVariant]:
    loader = dl.VariantByIdLoader.of(info.context)
    rows = [await loader.fresh(i) for i in ids]
    return [ProductVariant.from_row(r) for r in rows if r is not None]
