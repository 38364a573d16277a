"""Seller mutations on product images: add, update alt text and order, delete."""

from __future__ import annotations

import uuid
from typing import Any

import strawberry

from subgraphs.contracts.access import CATALOG_WRITE, SELLER
from subgraphs.platform.graphql.arguments import present, uuid_arg
from subgraphs.platform.graphql.authz import requires_scopes
from subgraphs.platform.graphql.mutations import user_errors
from subgraphs.products.graphql import loaders as dl
from subgraphs.products.graphql.context import Info
from subgraphs.products.graphql.mutation_inputs import ProductImageInput, ProductImageUpdateInput
from subgraphs.products.graphql.payloads import DeletePayload, ProductImagesPayload
from subgraphs.products.graphql.types import Product, ProductImage
from subgraphs.products.service_layer.commands import ImagePatch, ImageSpec


async def _payload(info: Info, product_id: uuid.UUID, ids: list[uuid.UUID]) -> ProductImagesPayload:
    loader = dl.ImageByIdLoader.of(info.context)
    rows = [await loader.fresh(i) for i in ids]
    media = info.context.services.media
    product = Product.from_row(
        present(await dl.ProductByIdLoader.of(info.context).fresh(product_id), "product")
    )
    return ProductImagesPayload(
        product=product,
        images=[ProductImage.from_row(r, media) for r in rows if r is not None],
        user_errors=[],
    )


@strawberry.type
class ImageMutation:
    @strawberry.federation.mutation(**requires_scopes(CATALOG_WRITE))
    async def product_images_bulk_create(
        self, info: Info, product_id: strawberry.ID, images: list[ProductImageInput]
    ) -> ProductImagesPayload:
        actor = info.context.require_role(SELLER)
        ids, errors = await user_errors(
            lambda: info.context.services.images.add_images(
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
        actor = info.context.require_role(SELLER)
        deleted, errors = await user_errors(
            lambda: info.context.services.images.delete_image(actor, uuid_arg(id, "id"))
        )
        return DeletePayload(deleted_id=strawberry.ID(str(deleted)) if deleted else None, user_errors=errors)

    @strawberry.federation.mutation(**requires_scopes(CATALOG_WRITE))
    async def product_images_bulk_update(
        self, info: Info, product_id: strawberry.ID, images: list[ProductImageUpdateInput]
    ) -> ProductImagesPayload:
        actor = info.context.require_role(SELLER)
        changes = images

        def make() -> Any:
            patches = [
                ImagePatch(id=uuid_arg(c.id, f"images.{i}.id"), alt=c.alt, position=c.position)
                for i, c in enumerate(changes)
            ]
            return info.context.services.images.update_images(
                actor, uuid_arg(product_id, "productId"), patches
            )

        ids, errors = await user_errors(make)
        if ids is None:
            return ProductImagesPayload(product=None, images=[], user_errors=errors)
        return await _payload(info, uuid.UUID(str(product_id)), ids)
