"""Admin mutations on the catalogue structure: categories, brands and attribute definitions."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

import strawberry

from subgraphs.contracts.access import ADMIN, ADMIN_SCOPE
from subgraphs.platform.graphql.arguments import optional_uuid_arg, uuid_arg
from subgraphs.platform.graphql.authz import requires_scopes
from subgraphs.platform.graphql.mutations import user_errors
from subgraphs.products.graphql import loaders as dl
from subgraphs.products.graphql.context import Info
from subgraphs.products.graphql.mutation_inputs import (
    CategoryCreateInput,
    CategoryUpdateInput,
    NamedCreateInput,
    NamedUpdateInput,
)
from subgraphs.products.graphql.payloads import (
    AttributesPayload,
    BrandsPayload,
    CategoriesPayload,
    DeletePayload,
)
from subgraphs.products.graphql.types import Brand, Category, ProductAttribute
from subgraphs.products.service_layer.commands import CategoryPatch, CategorySpec, NamedPatch, NamedSpec


async def _categories(info: Info, ids: list[Any] | None) -> list[Category]:
    loader = dl.CategoryByIdLoader.of(info.context)
    return [Category.from_row(r) for r in [await loader.fresh(i) for i in ids or []] if r]


async def _brands(info: Info, ids: list[Any] | None) -> list[Brand]:
    loader = dl.BrandByIdLoader.of(info.context)
    media = info.context.services.media
    return [Brand.from_row(r, media) for r in [await loader.fresh(i) for i in ids or []] if r]


async def _attributes(info: Info, ids: list[Any] | None) -> list[ProductAttribute]:
    loader = dl.AttributeByIdLoader.of(info.context)
    rows = [await loader.fresh(i) for i in ids or []]
    return [ProductAttribute(id=strawberry.ID(str(r.id)), name=r.name, slug=r.slug) for r in rows if r]


@strawberry.type
class TaxonomyMutation:
    @strawberry.federation.mutation(
        **requires_scopes(ADMIN_SCOPE),
        description="Admins only. Parents may be created earlier in the same list.",
    )
    async def categories_bulk_create(
        self, info: Info, categories: list[CategoryCreateInput]
    ) -> CategoriesPayload:
        actor = info.context.require_role(ADMIN)

        def make() -> Awaitable[Any]:
            specs = [
                CategorySpec(
                    name=c.name,
                    slug=c.slug,
                    position=c.position,
                    parent_id=uuid_arg(c.parent_id, f"categories.{i}.parentId")
                    if c.parent_id is not None
                    else None,
                )
                for i, c in enumerate(categories)
            ]
            return info.context.services.taxonomy.create_categories(actor, specs)

        ids, errors = await user_errors(make)
        return CategoriesPayload(categories=await _categories(info, ids), user_errors=errors)

    @strawberry.federation.mutation(**requires_scopes(ADMIN_SCOPE), description="Admins only.")
    async def brands_bulk_create(self, info: Info, brands: list[NamedCreateInput]) -> BrandsPayload:
        actor = info.context.require_role(ADMIN)
        ids, errors = await user_errors(
            lambda: info.context.services.taxonomy.create_brands(
                actor, [NamedSpec(b.name, b.slug) for b in brands]
            )
        )
        return BrandsPayload(brands=await _brands(info, ids), user_errors=errors)

    @strawberry.federation.mutation(**requires_scopes(ADMIN_SCOPE), description="Admins only.")
    async def attributes_bulk_create(
        self, info: Info, attributes: list[NamedCreateInput]
    ) -> AttributesPayload:
        actor = info.context.require_role(ADMIN)
        ids, errors = await user_errors(
            lambda: info.context.services.taxonomy.create_attributes(
                actor, [NamedSpec(a.name, a.slug) for a in attributes]
            )
        )
        return AttributesPayload(attributes=await _attributes(info, ids), user_errors=errors)

    @strawberry.federation.mutation(
        **requires_scopes(ADMIN_SCOPE), description="Admins only. Renames, re-orders or moves."
    )
    async def categories_bulk_update(
        self, info: Info, categories: list[CategoryUpdateInput]
    ) -> CategoriesPayload:
        actor = info.context.require_role(ADMIN)

        def make() -> Awaitable[Any]:
            patches = [
                CategoryPatch(
                    id=uuid_arg(c.id, f"categories.{i}.id"),
                    name=c.name,
                    slug=c.slug,
                    position=c.position,
                    parent_id=optional_uuid_arg(c.parent_id, f"categories.{i}.parentId"),
                    make_root=c.make_root,
                )
                for i, c in enumerate(categories)
            ]
            return info.context.services.taxonomy_updates.update_categories(actor, patches)

        ids, errors = await user_errors(make)
        return CategoriesPayload(categories=await _categories(info, ids), user_errors=errors)

    @strawberry.federation.mutation(**requires_scopes(ADMIN_SCOPE), description="Admins only.")
    async def brands_bulk_update(self, info: Info, brands: list[NamedUpdateInput]) -> BrandsPayload:
        actor = info.context.require_role(ADMIN)
        ids, errors = await user_errors(
            lambda: info.context.services.taxonomy_updates.update_brands(
                actor, _named_patches(brands, "brands")
            )
        )
        return BrandsPayload(brands=await _brands(info, ids), user_errors=errors)

    @strawberry.federation.mutation(**requires_scopes(ADMIN_SCOPE), description="Admins only.")
    async def attributes_bulk_update(
        self, info: Info, attributes: list[NamedUpdateInput]
    ) -> AttributesPayload:
        actor = info.context.require_role(ADMIN)
        ids, errors = await user_errors(
            lambda: info.context.services.taxonomy_updates.update_attributes(
                actor, _named_patches(attributes, "attributes")
            )
        )
        return AttributesPayload(attributes=await _attributes(info, ids), user_errors=errors)

    @strawberry.federation.mutation(
        **requires_scopes(ADMIN_SCOPE), description="Admins only. Also removes every product's values."
    )
    async def attribute_delete(self, info: Info, id: strawberry.ID) -> DeletePayload:
        actor = info.context.require_role(ADMIN)
        deleted, errors = await user_errors(
            lambda: info.context.services.taxonomy_updates.delete_attribute(actor, uuid_arg(id, "id"))
        )
        return DeletePayload(deleted_id=strawberry.ID(str(deleted)) if deleted else None, user_errors=errors)


def _named_patches(rows: list[NamedUpdateInput], prefix: str) -> list[NamedPatch]:
    return [
        NamedPatch(id=uuid_arg(r.id, f"{prefix}.{i}.id"), name=r.name, slug=r.slug)
        for i, r in enumerate(rows)
    ]
