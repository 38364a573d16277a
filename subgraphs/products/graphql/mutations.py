"""Catalogue mutations: parse input, call one use case, return a payload with userErrors.

Authentication and role failures are GraphQL errors (UNAUTHENTICATED / FORBIDDEN); problems
with the input, including someone else's product reported as NOT_FOUND, are `userErrors`.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable
from typing import Any, TypeVar

import strawberry

from subgraphs.contracts.access import CATALOG_WRITE, SELLER
from subgraphs.platform.graphql.arguments import present, uuid_arg
from subgraphs.platform.graphql.authz import requires_scopes
from subgraphs.platform.graphql.mutations import user_errors
from subgraphs.products.graphql import loaders as dl
from subgraphs.products.graphql.context import Info
from subgraphs.products.graphql.mutation_inputs import (
    AdjustInventoryInput,
    AttributeValueInput,
    ProductCreateInput,
    ProductUpdateInput,
    ProductVariantCreateInput,
    ProductVariantUpdateInput,
)
from subgraphs.products.graphql.payloads import (
    AdjustInventoryPayload,
    DeletePayload,
    ProductPayload,
    ProductVariantsPayload,
)
from subgraphs.products.graphql.types import (
    InventoryItem,
    Product,
    ProductVariant,
)
from subgraphs.products.service_layer.commands import (
    AdjustInventory,
    CreateProduct,
    ImageSpec,
    UpdateProduct,
    VariantPatch,
    VariantSpec,
)

T = TypeVar("T")


async def _fresh_product(info: Info, product_id: uuid.UUID) -> Product:
    return Product.from_row(present(await dl.ProductByIdLoader.of(info.context).fresh(product_id), "product"))


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
    return [
        (uuid_arg(a.attribute_id, f"{prefix}.{i}.attributeId"), a.value) for i, a in enumerate(values or [])
    ]


@strawberry.type
class CatalogMutation:
    @strawberry.federation.mutation(**requires_scopes(CATALOG_WRITE))
    async def product_create(self, info: Info, input: ProductCreateInput) -> ProductPayload:
        actor = info.context.require_role(SELLER)

        def make() -> Awaitable[Any]:
            cmd = CreateProduct(
                title=input.title,
                category_id=uuid_arg(input.category_id, "categoryId"),
                currency=input.currency,
                description=input.description,
                brand_id=uuid_arg(input.brand_id, "brandId") if input.brand_id is not None else None,
                status=input.status,
                seller_id=uuid_arg(input.seller_id, "sellerId") if input.seller_id is not None else None,
                variants=[_variant_spec(v) for v in input.variants or []],
                images=[ImageSpec(i.storage_key, i.alt, i.width, i.height) for i in input.images or []],
                attributes=_attrs(input.attributes, "attributes"),
            )
            return info.context.services.catalog.create_product(actor, cmd)

        product, errors = await user_errors(make)
        return ProductPayload(
            product=await _fresh_product(info, product.id) if product else None, user_errors=errors
        )

    @strawberry.federation.mutation(**requires_scopes(CATALOG_WRITE))
    async def product_update(
        self, info: Info, id: strawberry.ID, input: ProductUpdateInput
    ) -> ProductPayload:
        actor = info.context.require_role(SELLER)

        def make() -> Awaitable[Any]:
            cmd = UpdateProduct(
                id=uuid_arg(id, "id"),
                title=input.title,
                description=input.description,
                category_id=uuid_arg(input.category_id, "categoryId")
                if input.category_id is not None
                else None,
                brand_id=uuid_arg(input.brand_id, "brandId") if input.brand_id is not None else None,
                clear_brand=input.clear_brand,
                status=input.status,
                expected_version=input.expected_version,
            )
            return info.context.services.catalog.update_product(actor, cmd)

        product, errors = await user_errors(make)
        return ProductPayload(
            product=await _fresh_product(info, product.id) if product else None, user_errors=errors
        )

    @strawberry.federation.mutation(**requires_scopes(CATALOG_WRITE))
    async def product_delete(self, info: Info, id: strawberry.ID) -> DeletePayload:
        actor = info.context.require_role(SELLER)
        deleted, errors = await user_errors(
            lambda: info.context.services.catalog.delete_product(actor, uuid_arg(id, "id"))
        )
        return DeletePayload(deleted_id=strawberry.ID(str(deleted)) if deleted else None, user_errors=errors)

    @strawberry.federation.mutation(
        **requires_scopes(CATALOG_WRITE), description="All-or-nothing: one bad row writes nothing."
    )
    async def product_variants_bulk_create(
        self, info: Info, product_id: strawberry.ID, variants: list[ProductVariantCreateInput]
    ) -> ProductVariantsPayload:
        actor = info.context.require_role(SELLER)
        created, errors = await user_errors(
            lambda: info.context.services.catalog.create_variants(
                actor,
                uuid_arg(product_id, "productId"),
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

    @strawberry.federation.mutation(
        **requires_scopes(CATALOG_WRITE), description="All-or-nothing: one bad row writes nothing."
    )
    async def product_variants_bulk_update(
        self, info: Info, product_id: strawberry.ID, variants: list[ProductVariantUpdateInput]
    ) -> ProductVariantsPayload:
        actor = info.context.require_role(SELLER)

        def make() -> Awaitable[Any]:
            patches = [
                VariantPatch(
                    id=uuid_arg(v.id, f"variants.{i}.id"),
                    sku=v.sku,
                    price=v.price,
                    title=v.title,
                    compare_at_price=v.compare_at_price,
                    options={o.name: o.value for o in v.options} if v.options is not None else None,
                )
                for i, v in enumerate(variants)
            ]
            return info.context.services.catalog.update_variants(
                actor, uuid_arg(product_id, "productId"), patches
            )

        updated, errors = await user_errors(make)
        if updated is None:
            return ProductVariantsPayload(product=None, product_variants=[], user_errors=errors)
        return ProductVariantsPayload(
            product=await _fresh_product(info, uuid.UUID(str(product_id))),
            product_variants=await _fresh_variants(info, [v.id for v in updated]),
            user_errors=[],
        )

    @strawberry.federation.mutation(**requires_scopes(CATALOG_WRITE))
    async def product_variant_delete(self, info: Info, id: strawberry.ID) -> DeletePayload:
        actor = info.context.require_role(SELLER)
        deleted, errors = await user_errors(
            lambda: info.context.services.catalog.delete_variant(actor, uuid_arg(id, "id"))
        )
        return DeletePayload(deleted_id=strawberry.ID(str(deleted)) if deleted else None, user_errors=errors)

    @strawberry.federation.mutation(
        **requires_scopes(CATALOG_WRITE),
        description="Replaces the values of the given attributes on the product.",
    )
    async def product_attribute_values_set(
        self, info: Info, product_id: strawberry.ID, values: list[AttributeValueInput]
    ) -> ProductPayload:
        actor = info.context.require_role(SELLER)
        product, errors = await user_errors(
            lambda: info.context.services.catalog.set_attribute_values(
                actor,
                uuid_arg(product_id, "productId"),
                _attrs(values, "values"),
            )
        )
        return ProductPayload(
            product=await _fresh_product(info, product.id) if product else None, user_errors=errors
        )

    @strawberry.federation.mutation(**requires_scopes(CATALOG_WRITE))
    async def adjust_inventory(self, info: Info, input: AdjustInventoryInput) -> AdjustInventoryPayload:
        actor = info.context.require_role(SELLER)

        def make() -> Awaitable[Any]:
            cmd = AdjustInventory(
                variant_id=uuid_arg(input.variant_id, "variantId"),
                warehouse=input.warehouse,
                delta=input.delta,
                reason=input.reason.value,
                idempotency_key=input.idempotency_key,
            )
            return info.context.services.inventory.adjust_inventory(actor, cmd)

        outcome, errors = await user_errors(make)
        if outcome is None:
            return AdjustInventoryPayload(inventory_item=None, replayed=False, user_errors=errors)
        row = await dl.InventoryByIdLoader.of(info.context).fresh(outcome.item.id)
        return AdjustInventoryPayload(
            inventory_item=InventoryItem.from_row(present(row, "inventory item")),
            replayed=outcome.replayed,
            user_errors=[],
        )


async def _fresh_variants(info: Info, ids: list[uuid.UUID]) -> list[ProductVariant]:
    loader = dl.VariantByIdLoader.of(info.context)
    rows = [await loader.fresh(i) for i in ids]
    return [ProductVariant.from_row(r) for r in rows if r is not None]
