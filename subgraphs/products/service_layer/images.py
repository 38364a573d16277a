"""Product images: add (appended in order), change alt text or position, delete.

Images are files already uploaded to storage; the catalogue keeps their storage key, and
the GraphQL layer turns it into a CDN URL. A key must be a relative path inside the bucket.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from subgraphs.contracts.access import Principal
from subgraphs.platform.kernel.errors import AppError, BadUserInput, NotFound
from subgraphs.platform.kernel.results import InputErrors
from subgraphs.products.service_layer.catalog import (
    MAX_IMAGES,
    image_row,
    owned_product,
    require_seller,
    save_update,
)
from subgraphs.products.service_layer.commands import ImagePatch, ImageSpec
from subgraphs.products.service_layer.ports import OpenCatalogUnitOfWork


def _bad_key(key: str) -> bool:
    return not key or key.startswith("/") or ".." in key or "://" in key or len(key) > 500


@dataclass(frozen=True)
class Images:
    """Sellers' changes to product images."""

    uow: OpenCatalogUnitOfWork

    async def add_images(
        self, actor: Principal, product_id: uuid.UUID, specs: Sequence[ImageSpec]
    ) -> list[uuid.UUID]:
        require_seller(actor)
        errors: list[AppError] = [
            BadUserInput("Storage key must be a relative path without '..'.", field=f"images.{i}.storageKey")
            for i, s in enumerate(specs)
            if _bad_key(s.storage_key)
        ]
        if not specs or len(specs) > MAX_IMAGES:
            errors.append(BadUserInput(f"Give 1 to {MAX_IMAGES} images.", field="images"))
        async with self.uow() as uow:
            product = await owned_product(uow.repo, actor, product_id)
            if errors:
                raise InputErrors(errors)
            ids = await uow.repo.add_images(product.id, [image_row(i, s) for i, s in enumerate(specs)])
            await save_update(uow, product, images_added=len(ids))
            await uow.commit()
        return ids

    async def delete_image(self, actor: Principal, image_id: uuid.UUID) -> uuid.UUID:
        require_seller(actor)
        async with self.uow() as uow:
            product_id = await uow.repo.get_image_product(image_id)
            if product_id is None:
                raise InputErrors([NotFound("Image not found.", field="id")])
            product = await owned_product(uow.repo, actor, product_id)
            await uow.repo.delete_image(image_id)
            await save_update(uow, product, image_deleted=image_id)
            await uow.commit()
        return image_id

    async def update_images(
        self, actor: Principal, product_id: uuid.UUID, patches: Sequence[ImagePatch]
    ) -> list[uuid.UUID]:
        require_seller(actor)
        if not patches or len(patches) > MAX_IMAGES:
            raise InputErrors([BadUserInput(f"Give 1 to {MAX_IMAGES} images.", field="images")])
        async with self.uow() as uow:
            product = await owned_product(uow.repo, actor, product_id)
            own = await uow.repo.image_ids_of(product.id)
            errors: list[AppError] = []
            for i, patch in enumerate(patches):
                if patch.id not in own:
                    errors.append(NotFound("Image not found on this product.", field=f"images.{i}.id"))
                if patch.alt is not None and len(patch.alt) > 300:
                    errors.append(
                        BadUserInput("Alt text must be at most 300 characters.", field=f"images.{i}.alt")
                    )
                if patch.position is not None and not 0 <= patch.position <= 10_000:
                    errors.append(BadUserInput("Position must be 0 to 10000.", field=f"images.{i}.position"))
            if errors:
                raise InputErrors(errors)
            for patch in patches:
                values: dict[str, object] = {}
                if patch.alt is not None:
                    values["alt"] = patch.alt
                if patch.position is not None:
                    values["position"] = patch.position
                if values:
                    await uow.repo.update_image(patch.id, values)
            await save_update(uow, product)
            await uow.commit()
        return [p.id for p in patches]
