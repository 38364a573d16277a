"""What the search index holds about a product: one document, built from the catalogue's facts.

Only products a shopper may see are indexed (the products subgraph answers anonymous callers
with ACTIVE products only); a product it no longer shows is removed. The category path (the
product's category and every ancestor) is what makes "this category and its descendants" one
term filter.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class AttributePair:
    name: str
    value: str


@dataclass(frozen=True)
class CategoryRef:
    id: uuid.UUID
    name: str


@dataclass(frozen=True)
class ProductFacts:
    """The catalogue's answer about one visible product (what the index needs, nothing more)."""

    product_id: uuid.UUID
    seller_id: uuid.UUID
    title: str
    description: str
    brand_id: uuid.UUID | None
    brand_name: str | None
    # The product's own category last, its root first.
    category_path: tuple[CategoryRef, ...]
    attributes: tuple[AttributePair, ...]
    variant_skus: tuple[str, ...]
    currency: str
    price_min: int
    price_max: int
    available: int
    popularity: int
    version: int
    created_at: datetime


@dataclass(frozen=True)
class SearchDocument:
    product_id: uuid.UUID
    seller_id: uuid.UUID
    title: str
    description: str
    brand_id: uuid.UUID | None
    brand_name: str | None
    category_id: uuid.UUID
    category_ids: tuple[uuid.UUID, ...]
    category_names: tuple[str, ...]
    attributes: tuple[AttributePair, ...]
    skus: tuple[str, ...]
    currency: str
    price_min: int
    price_max: int
    in_stock: bool
    popularity: int
    product_version: int
    created_at: datetime

    @classmethod
    def from_facts(cls, facts: ProductFacts) -> SearchDocument:
        if not facts.category_path:
            raise ValueError("a product always has a category")
        return cls(
            product_id=facts.product_id,
            seller_id=facts.seller_id,
            title=facts.title,
            description=facts.description,
            brand_id=facts.brand_id,
            brand_name=facts.brand_name,
            category_id=facts.category_path[-1].id,
            category_ids=tuple(c.id for c in facts.category_path),
            category_names=tuple(c.name for c in facts.category_path),
            # Sorted and de-duplicated: the same facts always make the same document.
            attributes=tuple(sorted(set(facts.attributes), key=lambda a: (a.name, a.value))),
            skus=tuple(sorted(set(facts.variant_skus))),
            currency=facts.currency,
            price_min=facts.price_min,
            price_max=facts.price_max,
            in_stock=facts.available > 0,
            popularity=facts.popularity,
            product_version=facts.version,
            created_at=facts.created_at,
        )

    def fingerprint(self) -> str:
        """Equal for equal documents: an event that changes nothing searchable writes nothing."""
        return hashlib.sha256(repr(self).encode()).hexdigest()
