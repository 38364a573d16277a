"""Seller mutations on product images: add, update alt text and order, delete."""

from __future__ import annotations

import uuid
from typing import Any

import strawberry

from subgraphs.platform.authz import CATALOG_WRITE, requires_scopes
from subgraphs.platform.context import Info
from subgraphs.products.adapters.unit_of_work import SqlUnitOfWork
from subgraphs.products.graphql import dataloaders as dl
from subgraphs.products.graphql.mutation_inputs import ProductImageInput, ProductImageUpdateInput
from subgraphs.products.graphql.mutation_support import guarded, uuid_arg
from subgraphs.products.graphql.payloads import DeletePayload, ProductImagesPayload
from subgraphs.products.graphql.types import Product, ProductImage
from subgraphs.products.service_layer import images as images_service
from subgraphs.products.service_layer.commands import ImagePatch, ImageSpec


async def _payload(info: Info, product_id: uuid.UUID, ids: list[uuid.UUID]) -> ProductImagesPayload:
    loader = dl.ImageByIdLoader.of(info.context)
    rows = [await loader.fresh(i) for i in ids]
    base = info.context.settings.cdn_base_url
    product = Product.from_row(await dl.ProductByIdLoader.of(info.context).fresh(product_id))
    return ProductImagesPayload(
        product=product,
        images=[ProductImage.from_row(r, base) for r in rows if r is not None],
        user_errors=[],
    )


@strawberry.type
class ImageMutation:
    @strawberry.federation.mutation(**requires_scopes(CATALOG_WRITE))
    async def product_images_bulk_create(
        self, info: Info, product_id: strawberry.ID, images: list[ProductImageInput]
    ) -> ProductImagesPayload:
        actor = info.context.require_role("seller")
        ids, errors = await guarded(
            lambda: images_service.add_images(
                SqlUnitOfWork(info.context.engine),
                actor,
                uuid_arg(product_id, "productId"),
                [ImageSpec(i.storage_key, i.alt, i.width, i.height) for i in images],
            )
        )
        if ids is None:
            return ProductImagesPayload(product=None, images=[], user_errors=errors)
        return await _payload(info, uuid.UUID(str(product_id)), ids)

    @strawberry.federation.mutation(**requires_scopes(CATALOG_WRITE))
    async def product_image_delete(self, info: Info, id: strawberry.ID) -> DeletePayload:
        actor = info.context.require_role("seller")
        deleted, errors = await guarded(
            lambda: images_service.delete_image(SqlUnitOfWork(info.context.engine), actor, uuid_arg(id, "id"))
        )
        return DeletePayload(deleted_id=strawberry.ID(str(deleted)) if deleted else None, user_errors=errors)

    @strawberry.federation.mutation(**requires_scopes(CATALOG_WRITE))
    async def product_images_bulk_update(
        self, info: Info, product_id: strawberry.ID, images: list[ProductImageUpdateInput]
    ) -> ProductImagesPayload:
        actor = info.context.require_role("seller")
        changes = images

        def make() -> Any:
            patches = [
                ImagePatch(id=uuid_arg(c.id, f"images.{i}.id"), alt=c.alt, position=c.position)
                for i, c in enumerate(changes)
            ]
            return images_service.update_images(
                SqlUnitOfWork(info.context.engine), actor, uuid_arg(product_id, "productId"), patches
            )

        ids, errors = await guarded(make)
        if ids is None:
            return ProductImagesPayload(product=None, images=[], user_errors=errors)
        return await _payload(info, uuid.UUID(str(product_id)), ids)
