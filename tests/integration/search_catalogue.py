"""A synthetic catalogue for the search tests, and a brute-force answer to compare the engine with."""

from __future__ import annotations

import random
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncEngine

from subgraphs.search.adapters import tables
from subgraphs.search.domain.documents import AttributePair, CategoryRef, ProductFacts, SearchDocument
from subgraphs.search.domain.query import PRICE_BUCKETS, SearchFilter

WORDS = ["Lamp", "Kettle", "Jacket", "Speaker", "Blender", "Tent", "Camera", "Chair", "Drone", "Scarf"]
ADJECTIVES = ["Smart", "Classic", "Ultra", "Eco", "Portable", "Vintage"]
COLORS = ["Red", "Blue", "Green", "Black"]
SIZES = ["S", "M", "L"]


@dataclass(frozen=True)
class Taxonomy:
    roots: tuple[CategoryRef, ...]
    leaves: tuple[tuple[CategoryRef, CategoryRef], ...]  # (root, leaf)
    brands: tuple[tuple[uuid.UUID, str], ...]
    sellers: tuple[uuid.UUID, ...]


def taxonomy(rng: random.Random) -> Taxonomy:
    roots = tuple(CategoryRef(uuid.UUID(int=rng.getrandbits(128)), name) for name in ("Home", "Outdoors"))
    leaves = tuple(
        (root, CategoryRef(uuid.UUID(int=rng.getrandbits(128)), f"{root.name} {n}"))
        for root in roots
        for n in range(3)
    )
    brands = tuple((uuid.UUID(int=rng.getrandbits(128)), f"Brand{b}") for b in range(6))
    sellers = tuple(uuid.UUID(int=rng.getrandbits(128)) for _ in range(4))
    return Taxonomy(roots, leaves, brands, sellers)


def product(rng: random.Random, tax: Taxonomy, n: int, *, title: str | None = None) -> ProductFacts:
    root, leaf = rng.choice(tax.leaves)
    brand = rng.choice(tax.brands) if n % 7 else None
    price = rng.randrange(100, 80_000)
    attributes = [AttributePair("Color", rng.choice(COLORS))]
    if n % 3:
        attributes.append(AttributePair("Size", rng.choice(SIZES)))
    return ProductFacts(
        product_id=uuid.UUID(int=rng.getrandbits(128)),
        seller_id=rng.choice(tax.sellers),
        title=title or f"{rng.choice(ADJECTIVES)} {rng.choice(COLORS)} {rng.choice(WORDS)} {n}",
        description=f"A product for the search tests, number {n}.",
        brand_id=brand[0] if brand else None,
        brand_name=brand[1] if brand else None,
        category_path=(root, leaf),
        attributes=tuple(attributes),
        variant_skus=(f"TST-{n:05d}-1",),
        currency="USD",
        price_min=price,
        price_max=price + 500,
        available=rng.choice([0, 0, 3, 10]),
        popularity=rng.randrange(0, 1000),
        version=1,
        created_at=datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=n),
    )


def matches(doc: SearchDocument, f: SearchFilter, *, leave_out: str | None = None) -> bool:
    """The filter's meaning, written plainly (every clause but `leave_out`)."""
    if f.category_ids and leave_out != "category" and not set(f.category_ids) & set(doc.category_ids):
        return False
    if f.brand_ids and leave_out != "brand" and doc.brand_id not in f.brand_ids:
        return False
    if f.seller_ids and doc.seller_id not in f.seller_ids:
        return False
    if leave_out != "price":
        if f.price_min is not None and doc.price_min < f.price_min:
            return False
        if f.price_max is not None and doc.price_min > f.price_max:
            return False
    if f.in_stock is not None and doc.in_stock != f.in_stock:
        return False
    for attribute in f.attributes:
        if leave_out == f"attr:{attribute.name}":
            continue
        if not any(a.name == attribute.name and a.value in attribute.values for a in doc.attributes):
            return False
    return True


def brute_force_facets(docs: list[SearchDocument], f: SearchFilter) -> dict[str, Counter[str]]:
    counts: dict[str, Counter[str]] = {"category": Counter(), "brand": Counter(), "price": Counter()}
    for doc in docs:
        if matches(doc, f, leave_out="category"):
            counts["category"][str(doc.category_id)] += 1
        if matches(doc, f, leave_out="brand") and doc.brand_id is not None:
            counts["brand"][str(doc.brand_id)] += 1
        if matches(doc, f, leave_out="price"):
            for lo, hi in PRICE_BUCKETS:
                if (lo is None or doc.price_min >= lo) and (hi is None or doc.price_min < hi):
                    counts["price"][f"{lo}-{hi}"] += 1
        for name in {a.name for a in doc.attributes}:
            key = f"attr:{name}"
            if matches(doc, f, leave_out=key):
                counts.setdefault(key, Counter()).update({a.value for a in doc.attributes if a.name == name})
    return counts


async def drop_postgres_alias(engine: AsyncEngine, alias: str) -> None:
    """Everything the PostgreSQL fallback keeps for one alias (a test's own index)."""
    async with engine.begin() as conn:
        await conn.execute(delete(tables.documents).where(tables.documents.c.index_name.like(f"{alias}-%")))
        await conn.execute(delete(tables.document_indexes).where(tables.document_indexes.c.alias == alias))
        await conn.execute(delete(tables.document_words).where(tables.document_words.c.alias == alias))
