"""Inputs of the catalogue use cases (plain dataclasses; the GraphQL layer builds them)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from subgraphs.products.domain.model import ProductStatus


@dataclass(frozen=True, slots=True)
class VariantSpec:
    sku: str
    price: int
    title: str | None = None
    compare_at_price: int | None = None
    options: dict[str, str] = field(default_factory=dict)
    stock: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class VariantPatch:
    id: uuid.UUID
    sku: str | None = None
    price: int | None = None
    title: str | None = None
    compare_at_price: int | None = None
    options: dict[str, str] | None = None


@dataclass(frozen=True, slots=True)
class ImageSpec:
    storage_key: str
    alt: str = ""
    width: int | None = None
    height: int | None = None


@dataclass(frozen=True, slots=True)
class CreateProduct:
    title: str
    category_id: uuid.UUID
    currency: str
    description: str = ""
    brand_id: uuid.UUID | None = None
    status: ProductStatus = ProductStatus.DRAFT
    seller_id: uuid.UUID | None = None  # admins may create on a seller's behalf
    variants: list[VariantSpec] = field(default_factory=list)
    images: list[ImageSpec] = field(default_factory=list)
    attributes: list[tuple[uuid.UUID, str]] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class UpdateProduct:
    id: uuid.UUID
    title: str | None = None
    description: str | None = None
    category_id: uuid.UUID | None = None
    brand_id: uuid.UUID | None = None
    clear_brand: bool = False
    status: ProductStatus | None = None
    expected_version: int | None = None


@dataclass(frozen=True, slots=True)
class AdjustInventory:
    variant_id: uuid.UUID
    warehouse: str
    delta: int
    reason: str
    idempotency_key: str


@dataclass(frozen=True, slots=True)
class CategorySpec:
    name: str
    parent_id: uuid.UUID | None = None
    slug: str | None = None
    position: int = 0


@dataclass(frozen=True, slots=True)
class NamedSpec:
    """A brand or an attribute definition: a name and an optional slug."""

    name: str
    slug: str | None = None


@dataclass(frozen=True, slots=True)
class CategoryPatch:
    id: uuid.UUID
    name: str | None = None
    slug: str | None = None
    position: int | None = None
    parent_id: uuid.UUID | None = None
    make_root: bool = False


@dataclass(frozen=True, slots=True)
class NamedPatch:
    id: uuid.UUID
    name: str | None = None
    slug: str | None = None


@dataclass(frozen=True, slots=True)
class ImagePatch:
    id: uuid.UUID
    alt: str | None = None
    position: int | None = None
