"""Catalogue use cases: products, variants, images and attribute values.

Each is one transaction: check the caller may touch the product (sellers own products,
admins any; someone else's product is reported as not found), validate every input row,
write, record events for the outbox, commit. Nothing is written when any row is invalid.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from subgraphs.contracts.access import Principal
from subgraphs.contracts.products import ProductCreated, ProductDeleted, ProductEvent, ProductUpdated
from subgraphs.platform.kernel.errors import AppError, BadUserInput, Conflict, Forbidden, NotFound
from subgraphs.platform.kernel.ids import new_id
from subgraphs.platform.kernel.money import validate_amount, validate_currency
from subgraphs.platform.kernel.results import InputErrors, prefixed
from subgraphs.products.domain.errors import DuplicateSku
from subgraphs.products.domain.model import (
    Product,
    Variant,
    product_slug,
    validate_sku,
    validate_title,
)
from subgraphs.products.service_layer.commands import (
    CreateProduct,
    ImageSpec,
    UpdateProduct,
    VariantPatch,
    VariantSpec,
)
from subgraphs.products.service_layer.ports import CatalogRepository, CatalogUnitOfWork, OpenCatalogUnitOfWork

MAX_VARIANTS = 100


class Unchanged:
    """Marker: the event does not change where the product is listed."""


UNCHANGED = Unchanged()
MAX_IMAGES = 50


def require_seller(actor: Principal) -> None:
    if not (actor.is_seller or actor.is_admin):
        raise Forbidden("Only sellers and admins can change the catalogue.")


async def owned_product(repo: CatalogRepository, actor: Principal, product_id: uuid.UUID) -> Product:
    """The product, locked for update, if the caller may change it; else NOT_FOUND."""
    product = await repo.get_product(product_id, lock=True)
    if product is None or not (actor.is_admin or product.owned_by(actor.user_id)):
        raise NotFound("Product not found.", field="id")
    return product


def product_event(
    kind: type[ProductEvent],
    product: Product,
    listed_before: uuid.UUID | Unchanged | None = UNCHANGED,
    *,
    variants_added: int | None = None,
    variant_deleted: uuid.UUID | None = None,
    images_added: int | None = None,
    image_deleted: uuid.UUID | None = None,
) -> ProductEvent:
    """`listedIn`/`listedInBefore` let consumers keep per-category counts without reading us."""
    listed_after = None if kind is ProductDeleted else product.listed_in
    before = product.listed_in if isinstance(listed_before, Unchanged) else listed_before
    return kind(
        product_id=product.id,
        seller_id=product.seller_id,
        status=product.status.value,
        category_id=product.category_id,
        version=product.version,
        listed_in=listed_after,
        listed_in_before=before,
        variants_added=variants_added,
        variant_deleted=variant_deleted,
        images_added=images_added,
        image_deleted=image_deleted,
    )


def _variant_errors(
    specs: Sequence[VariantSpec], product_id: uuid.UUID, currency: str
) -> tuple[list[Variant], list[AppError]]:
    variants: list[Variant] = []
    errors: list[AppError] = []
    seen: set[str] = set()
    for i, spec in enumerate(specs):
        try:
            sku = validate_sku(spec.sku)
            if sku in seen:
                raise DuplicateSku(f"SKU {sku!r} appears twice in this request.", field="sku")
            seen.add(sku)
            validate_amount(spec.price)
            if spec.compare_at_price is not None:
                validate_amount(spec.compare_at_price, field="compareAtPrice")
            for name, qty in spec.stock.items():
                if qty < 0:
                    raise BadUserInput(f"Stock for {name!r} must not be negative.", field="stock")
            title = validate_title(spec.title or sku)
        except AppError as exc:
            errors.append(prefixed(exc, f"variants.{i}"))
            continue
        variants.append(
            Variant(
                id=new_id(),
                product_id=product_id,
                sku=sku,
                title=title,
                price=spec.price,
                currency=currency,
                compare_at_price=spec.compare_at_price,
                options=dict(spec.options),
                position=i,
            )
        )
    return variants, errors


async def _check_skus_free(
    repo: CatalogRepository, variants: Sequence[Variant], offset: int = 0
) -> list[AppError]:
    taken = await repo.taken_skus([v.sku for v in variants])
    return [
        DuplicateSku(f"SKU {v.sku!r} is already used.", field=f"variants.{offset + i}.sku")
        for i, v in enumerate(variants)
        if v.sku in taken
    ]


@dataclass(frozen=True)
class Catalog:
    """Sellers' (and admins') changes to products, their variants and attribute values."""

    uow: OpenCatalogUnitOfWork

    async def create_product(self, actor: Principal, cmd: CreateProduct) -> Product:
        require_seller(actor)
        errors: list[AppError] = []
        seller_id = actor.user_id
        if cmd.seller_id is not None and cmd.seller_id != actor.user_id:
            if not actor.is_admin:
                errors.append(
                    Forbidden("Only admins can create products for another seller.", field="sellerId")
                )
            seller_id = cmd.seller_id
        title = ""
        try:
            title = validate_title(cmd.title)
        except AppError as exc:
            errors.append(exc)
        try:
            validate_currency(cmd.currency)
        except AppError as exc:
            errors.append(exc)
        if len(cmd.variants) > MAX_VARIANTS:
            errors.append(BadUserInput(f"At most {MAX_VARIANTS} variants per product.", field="variants"))
        if len(cmd.images) > MAX_IMAGES:
            errors.append(BadUserInput(f"At most {MAX_IMAGES} images per product.", field="images"))
        product_id = new_id()
        variants, variant_errors = _variant_errors(cmd.variants, product_id, cmd.currency)
        errors.extend(variant_errors)
        async with self.uow() as uow:
            repo = uow.repo
            if not await repo.category_exists(cmd.category_id):
                errors.append(NotFound("Category not found.", field="categoryId"))
            if cmd.brand_id is not None and not await repo.brand_exists(cmd.brand_id):
                errors.append(NotFound("Brand not found.", field="brandId"))
            missing = await repo.missing_attributes([a for a, _ in cmd.attributes])
            errors.extend(
                NotFound("Attribute not found.", field=f"attributes.{i}.attributeId")
                for i, (a, _) in enumerate(cmd.attributes)
                if a in missing
            )
            errors.extend(await _check_skus_free(repo, variants))
            if errors:
                raise InputErrors(errors)
            product = Product(
                id=product_id,
                seller_id=seller_id,
                title=title,
                slug=product_slug(title, product_id),
                description=cmd.description,
                status=cmd.status,
                category_id=cmd.category_id,
                brand_id=cmd.brand_id,
                currency=cmd.currency,
            )
            product.reprice([v.price for v in variants])
            await repo.add_product(product)
            await repo.add_variants(variants)
            for spec, variant in zip(cmd.variants, variants, strict=True):
                for warehouse, qty in spec.stock.items():
                    item = await repo.lock_inventory(product_id, variant.id, warehouse)
                    item.on_hand = qty
                    await repo.save_inventory(item)
            await repo.add_images(product_id, [image_row(i, img) for i, img in enumerate(cmd.images)])
            await repo.set_attribute_values(product_id, cmd.attributes)
            uow.events.append(product_event(ProductCreated, product, listed_before=None))
            await uow.commit()
        return product

    async def update_product(self, actor: Principal, cmd: UpdateProduct) -> Product:
        require_seller(actor)
        async with self.uow() as uow:
            repo = uow.repo
            product = await owned_product(repo, actor, cmd.id)
            listed_before = product.listed_in
            errors: list[AppError] = []
            if cmd.expected_version is not None and cmd.expected_version != product.version:
                raise InputErrors(
                    [
                        Conflict(
                            f"Product changed since version {cmd.expected_version}; "
                            f"it is at {product.version}.",
                            field="expectedVersion",
                            currentVersion=product.version,
                        )
                    ]
                )
            if cmd.title is not None:
                try:
                    product.title = validate_title(cmd.title)
                    product.slug = product_slug(product.title, product.id)
                except AppError as exc:
                    errors.append(exc)
            if cmd.category_id is not None:
                if await repo.category_exists(cmd.category_id):
                    product.category_id = cmd.category_id
                else:
                    errors.append(NotFound("Category not found.", field="categoryId"))
            if cmd.clear_brand:
                product.brand_id = None
            elif cmd.brand_id is not None:
                if await repo.brand_exists(cmd.brand_id):
                    product.brand_id = cmd.brand_id
                else:
                    errors.append(NotFound("Brand not found.", field="brandId"))
            if errors:
                raise InputErrors(errors)
            if cmd.description is not None:
                product.description = cmd.description
            if cmd.status is not None:
                product.status = cmd.status
            product.version += 1
            await repo.save_product(product)
            uow.events.append(product_event(ProductUpdated, product, listed_before=listed_before))
            await uow.commit()
        return product

    async def delete_product(self, actor: Principal, product_id: uuid.UUID) -> uuid.UUID:
        require_seller(actor)
        async with self.uow() as uow:
            product = await owned_product(uow.repo, actor, product_id)
            await uow.repo.delete_product(product.id)
            uow.events.append(product_event(ProductDeleted, product))
            await uow.commit()
        return product_id

    async def create_variants(
        self, actor: Principal, product_id: uuid.UUID, specs: Sequence[VariantSpec]
    ) -> list[Variant]:
        require_seller(actor)
        if not specs:
            raise InputErrors([BadUserInput("Give at least one variant.", field="variants")])
        async with self.uow() as uow:
            product = await owned_product(uow.repo, actor, product_id)
            existing = await uow.repo.variants_of(product.id)
            variants, errors = _variant_errors(specs, product.id, product.currency)
            if len(existing) + len(specs) > MAX_VARIANTS:
                errors.append(BadUserInput(f"At most {MAX_VARIANTS} variants per product.", field="variants"))
            errors.extend(await _check_skus_free(uow.repo, variants))
            if errors:
                raise InputErrors(errors)
            for offset, v in enumerate(variants):
                v.position = len(existing) + offset
            await uow.repo.add_variants(variants)
            for spec, variant in zip(specs, variants, strict=True):
                for warehouse, qty in spec.stock.items():
                    item = await uow.repo.lock_inventory(product.id, variant.id, warehouse)
                    item.on_hand = qty
                    await uow.repo.save_inventory(item)
            await _reprice(uow, product)
            await save_update(uow, product, variants_added=len(variants))
            await uow.commit()
        return variants

    async def update_variants(
        self, actor: Principal, product_id: uuid.UUID, patches: Sequence[VariantPatch]
    ) -> list[Variant]:
        require_seller(actor)
        async with self.uow() as uow:
            product = await owned_product(uow.repo, actor, product_id)
            by_id = {v.id: v for v in await uow.repo.variants_of(product.id)}
            errors: list[AppError] = []
            changed: list[Variant] = []
            old_skus: dict[uuid.UUID, str] = {}
            new_skus: list[tuple[int, str]] = []
            for i, patch in enumerate(patches):
                variant = by_id.get(patch.id)
                if variant is None:
                    errors.append(NotFound("Variant not found on this product.", field=f"variants.{i}.id"))
                    continue
                try:
                    if patch.sku is not None and patch.sku != variant.sku:
                        old_skus[variant.id] = variant.sku
                        variant.sku = validate_sku(patch.sku)
                        new_skus.append((i, variant.sku))
                    if patch.price is not None:
                        variant.price = validate_amount(patch.price)
                    if patch.compare_at_price is not None:
                        variant.compare_at_price = validate_amount(patch.compare_at_price, "compareAtPrice")
                    if patch.title is not None:
                        variant.title = validate_title(patch.title)
                    if patch.options is not None:
                        variant.options = dict(patch.options)
                except AppError as exc:
                    errors.append(prefixed(exc, f"variants.{i}"))
                    continue
                changed.append(variant)
            taken = await uow.repo.taken_skus([s for _, s in new_skus])
            seen: set[str] = set()
            for i, sku in new_skus:
                if sku in taken or sku in seen:
                    errors.append(DuplicateSku(f"SKU {sku!r} is already used.", field=f"variants.{i}.sku"))
                seen.add(sku)
            if errors:
                raise InputErrors(errors)
            await uow.repo.save_variants(changed, old_skus)
            await _reprice(uow, product)
            await save_update(uow, product)
            await uow.commit()
        return changed

    async def delete_variant(self, actor: Principal, variant_id: uuid.UUID) -> uuid.UUID:
        require_seller(actor)
        async with self.uow() as uow:
            variant = await uow.repo.get_variant(variant_id)
            if variant is None:
                raise InputErrors([NotFound("Variant not found.", field="id")])
            product = await owned_product(uow.repo, actor, variant.product_id)
            await uow.repo.delete_variant(variant)
            await _reprice(uow, product)
            await save_update(uow, product, variant_deleted=variant_id)
            await uow.commit()
        return variant_id

    async def set_attribute_values(
        self, actor: Principal, product_id: uuid.UUID, values: Sequence[tuple[uuid.UUID, str]]
    ) -> Product:
        require_seller(actor)
        errors: list[AppError] = [
            BadUserInput("Value must be 1 to 200 characters.", field=f"values.{i}.value")
            for i, (_, v) in enumerate(values)
            if not v.strip() or len(v) > 200
        ]
        async with self.uow() as uow:
            product = await owned_product(uow.repo, actor, product_id)
            missing = await uow.repo.missing_attributes([a for a, _ in values])
            errors.extend(
                NotFound("Attribute not found.", field=f"values.{i}.attributeId")
                for i, (a, _) in enumerate(values)
                if a in missing
            )
            if errors:
                raise InputErrors(errors)
            await uow.repo.set_attribute_values(product.id, [(a, v.strip()) for a, v in values])
            await save_update(uow, product)
            await uow.commit()
        return product


def image_row(position: int, spec: ImageSpec) -> dict[str, object]:
    return {
        "storage_key": spec.storage_key,
        "alt": spec.alt,
        "position": position,
        "width": spec.width,
        "height": spec.height,
    }


async def _reprice(uow: CatalogUnitOfWork, product: Product) -> None:
    product.reprice([v.price for v in await uow.repo.variants_of(product.id)])


async def save_update(
    uow: CatalogUnitOfWork,
    product: Product,
    *,
    variants_added: int | None = None,
    variant_deleted: uuid.UUID | None = None,
    images_added: int | None = None,
    image_deleted: uuid.UUID | None = None,
) -> None:
    """The product moves to its next version, is saved, and `product.updated` says what changed."""
    product.version += 1
    await uow.repo.save_product(product)
    uow.events.append(
        product_event(
            ProductUpdated,
            product,
            variants_added=variants_added,
            variant_deleted=variant_deleted,
            images_added=images_added,
            image_deleted=image_deleted,
        )
    )
