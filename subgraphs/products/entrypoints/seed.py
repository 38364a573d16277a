"""Deterministic demo catalogue, loaded with COPY: `python -m subgraphs.products.entrypoints.seed --size N`.

The same size and seed always give the same ids, titles and prices, so demo links and
benchmark documents stay valid across machines. Loading is skipped when the catalogue
already holds at least that many products (a second `make dev` starts at once).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import asyncpg
import orjson
from redis.asyncio import Redis
from tqdm import tqdm

from subgraphs.platform.settings import Settings
from subgraphs.platform.sql.engine import create_engine
from subgraphs.platform.sql.migrations import migrate
from subgraphs.products.adapters.catalog_cache import catalog_cache
from subgraphs.products.adapters.tables import MIGRATIONS, SCHEMA
from subgraphs.products.domain.model import product_slug, slugify

ROOTS = [
    "Electronics",
    "Home & Garden",
    "Fashion",
    "Sports & Outdoors",
    "Beauty & Health",
    "Toys & Hobbies",
    "Automotive",
    "Books & Media",
]
ADJECTIVES = [
    "Smart",
    "Classic",
    "Ultra",
    "Eco",
    "Pro",
    "Mini",
    "Deluxe",
    "Portable",
    "Wireless",
    "Vintage",
    "Premium",
    "Compact",
    "Rugged",
    "Silk",
    "Bamboo",
    "Carbon",
]
NOUNS = [
    "Headphones",
    "Lamp",
    "Backpack",
    "Sneakers",
    "Watch",
    "Kettle",
    "Jacket",
    "Speaker",
    "Blender",
    "Tent",
    "Camera",
    "Chair",
    "Mug",
    "Drone",
    "Keyboard",
    "Scarf",
    "Bottle",
    "Charger",
    "Bicycle",
    "Perfume",
]
COLORS = ["Black", "White", "Red", "Blue", "Green", "Grey", "Pink", "Yellow"]
SIZES = ["XS", "S", "M", "L", "XL"]
MATERIALS = ["Cotton", "Steel", "Plastic", "Wood", "Leather", "Glass"]
WAREHOUSES = ["EU-1", "US-1"]
CURRENCY = "USD"
SELLERS = 50
BRANDS = 300


class Ids:
    """Seeded UUIDv7s: time-ordered like real ones, identical on every run."""

    def __init__(self, rng: random.Random, start_ms: int = 1_767_225_600_000) -> None:
        self._rng = rng
        self._ms = start_ms

    def next(self) -> uuid.UUID:
        self._ms += 1
        rand_a = self._rng.getrandbits(12)
        rand_b = self._rng.getrandbits(62)
        value = (self._ms << 80) | (0x7 << 76) | (rand_a << 64) | (0b10 << 62) | rand_b
        return uuid.UUID(int=value)


@dataclass
class Catalogue:
    categories: list[tuple[Any, ...]] = field(default_factory=list)
    leaf_ids: list[uuid.UUID] = field(default_factory=list)
    brands: list[tuple[Any, ...]] = field(default_factory=list)
    attributes: dict[str, uuid.UUID] = field(default_factory=dict)
    sellers: list[uuid.UUID] = field(default_factory=list)


def build_taxonomy(ids: Ids, rng: random.Random) -> Catalogue:
    cat = Catalogue()
    for r, root in enumerate(ROOTS):
        root_id = ids.next()
        cat.categories.append((root_id, None, root, slugify(root), f"/{root_id}/", 0, r))
        for c in range(5):
            child_id = ids.next()
            child = f"{root} {ADJECTIVES[(r + c) % len(ADJECTIVES)]}"
            child_path = f"/{root_id}/{child_id}/"
            cat.categories.append((child_id, root_id, child, slugify(child), child_path, 1, c))
            for g in range(5):
                leaf_id = ids.next()
                leaf = f"{child} {NOUNS[(r * 5 + c + g) % len(NOUNS)]}"
                cat.categories.append(
                    (leaf_id, child_id, leaf, slugify(f"{leaf}-{g}"), f"{child_path}{leaf_id}/", 2, g)
                )
                cat.leaf_ids.append(leaf_id)
    for b in range(BRANDS):
        name = f"{rng.choice(ADJECTIVES)}{rng.choice(NOUNS).lower()} {b + 1}"
        cat.brands.append((ids.next(), name, slugify(f"{name}"), f"brands/{b + 1}.png"))
    for name in ("Color", "Size", "Material"):
        cat.attributes[name] = ids.next()
    cat.sellers = [ids.next() for _ in range(SELLERS)]
    return cat


def demo_seller_ids(seed_value: int = 42) -> list[uuid.UUID]:
    """The sellers the demo catalogue belongs to (same ids on every machine)."""
    rng = random.Random(seed_value)
    return build_taxonomy(Ids(rng), rng).sellers


@dataclass
class Batch:
    products: list[tuple[Any, ...]] = field(default_factory=list)
    variants: list[tuple[Any, ...]] = field(default_factory=list)
    skus: list[tuple[Any, ...]] = field(default_factory=list)
    images: list[tuple[Any, ...]] = field(default_factory=list)
    values: list[tuple[Any, ...]] = field(default_factory=list)
    inventory: list[tuple[Any, ...]] = field(default_factory=list)

    def rows(self) -> int:
        return sum(
            len(x)
            for x in (self.products, self.variants, self.skus, self.images, self.values, self.inventory)
        )


def generate(
    cat: Catalogue, ids: Ids, rng: random.Random, size: int, batch_size: int
) -> Iterator[tuple[int, Batch]]:
    batch, in_batch = Batch(), 0
    for n in range(size):
        pid = ids.next()
        title = f"{rng.choice(ADJECTIVES)} {rng.choice(COLORS)} {rng.choice(NOUNS)} {n + 1}"
        base_price = rng.randrange(199, 99_999)
        count = rng.randint(2, 5)
        prices = [base_price + 100 * v for v in range(count)]
        seller = cat.sellers[n % SELLERS]
        status = "ACTIVE" if n % 20 else "DRAFT"
        batch.products.append(
            (
                pid,
                seller,
                title,
                product_slug(title, pid),
                f"{title}: a demo product for the marketplace.",
                status,
                rng.choice(cat.leaf_ids),
                rng.choice(cat.brands)[0],
                CURRENCY,
                min(prices),
                max(prices),
                rng.randrange(0, 100_000),
                1,
            )
        )
        color = rng.choice(COLORS)
        for v in range(count):
            vid = ids.next()
            sku = f"SKU-{n + 1:07d}-{v + 1}"
            options = {"Color": color, "Size": SIZES[v % len(SIZES)]}
            batch.variants.append(
                (
                    vid,
                    pid,
                    sku,
                    f"{color} / {SIZES[v % len(SIZES)]}",
                    prices[v],
                    None,
                    CURRENCY,
                    orjson.dumps(options).decode(),
                    v,
                )
            )
            batch.skus.append((sku, vid, pid))
            for w in WAREHOUSES:
                batch.inventory.append((ids.next(), pid, vid, w, rng.randrange(0, 50), 0, 5))
        for i in range(3):
            batch.images.append(
                (ids.next(), pid, f"products/{n + 1}/{i + 1}.jpg", f"{title} image {i + 1}", i, 800, 800)
            )
        batch.values.append((ids.next(), pid, cat.attributes["Color"], color))
        batch.values.append((ids.next(), pid, cat.attributes["Material"], rng.choice(MATERIALS)))
        in_batch += 1
        if in_batch == batch_size:
            yield in_batch, batch
            batch, in_batch = Batch(), 0
    if in_batch:
        yield in_batch, batch


COLUMNS = {
    "products": [
        "id",
        "seller_id",
        "title",
        "slug",
        "description",
        "status",
        "category_id",
        "brand_id",
        "currency",
        "min_price",
        "max_price",
        "popularity",
        "version",
    ],
    "variants": [
        "id",
        "product_id",
        "sku",
        "title",
        "price",
        "compare_at_price",
        "currency",
        "options",
        "position",
    ],
    "variant_skus": ["sku", "variant_id", "product_id"],
    "images": ["id", "product_id", "storage_key", "alt", "position", "width", "height"],
    "attribute_values": ["id", "product_id", "attribute_id", "value"],
    "inventory": [
        "id",
        "product_id",
        "variant_id",
        "warehouse",
        "on_hand",
        "reserved",
        "low_stock_threshold",
    ],
}


async def copy(
    conn: asyncpg.Connection, table: str, rows: list[tuple[Any, ...]], columns: list[str] | None = None
) -> None:
    if rows:
        await conn.copy_records_to_table(
            table, records=rows, columns=columns or COLUMNS[table], schema_name="products"
        )


async def seed(dsn: str, size: int, seed_value: int = 42, batch_size: int = 2000) -> dict[str, float]:
    conn = await asyncpg.connect(dsn)
    # Binary COPY needs jsonb in its wire format: a version byte, then the JSON text.
    await conn.set_type_codec(
        "jsonb",
        encoder=lambda v: b"\x01" + v.encode(),
        decoder=lambda b: b[1:].decode(),
        schema="pg_catalog",
        format="binary",
    )
    try:
        existing = await conn.fetchval("SELECT count(*) FROM products.products")
        if existing >= size:
            print(f"catalogue already has {existing} products (≥ {size}); nothing to load")
            return {"products": float(existing), "seconds": 0.0, "rows_per_second": 0.0}
        if existing:
            print(f"catalogue has {existing} products (< {size}); reloading from scratch")
        rng = random.Random(seed_value)
        ids = Ids(rng)
        cat = build_taxonomy(ids, rng)
        started, total_rows = time.perf_counter(), 0
        async with conn.transaction():
            await conn.execute(
                "TRUNCATE products.products, products.variants, products.variant_skus, products.images, "
                "products.attribute_values, products.inventory, products.inventory_adjustments, "
                "products.categories, products.brands, products.attributes"
            )
            await copy(
                conn,
                "categories",
                cat.categories,
                ["id", "parent_id", "name", "slug", "path", "depth", "position"],
            )
            await copy(conn, "brands", cat.brands, ["id", "name", "slug", "logo_key"])
            await copy(
                conn,
                "attributes",
                [(i, n, slugify(n)) for n, i in cat.attributes.items()],
                ["id", "name", "slug"],
            )
            total_rows += len(cat.categories) + len(cat.brands) + len(cat.attributes)
            with tqdm(total=size, unit="product", desc="seeding catalogue", mininterval=0.5) as bar:
                for count, batch in generate(cat, ids, rng, size, batch_size):
                    await copy(conn, "products", batch.products)
                    await copy(conn, "variants", batch.variants)
                    await copy(conn, "variant_skus", batch.skus)
                    await copy(conn, "images", batch.images)
                    await copy(conn, "attribute_values", batch.values)
                    await copy(conn, "inventory", batch.inventory)
                    total_rows += batch.rows()
                    bar.update(count)
        # COPY bypasses the outbox, so the per-category counts are computed here once.
        await conn.execute(
            "TRUNCATE products.category_counts; "
            "INSERT INTO products.category_counts (category_id, active_products) "
            "SELECT category_id, count(*) FROM products.products WHERE status = 'ACTIVE' GROUP BY category_id"
        )
        await conn.execute(
            "ANALYZE products.products, products.variants, products.images, products.inventory, "
            "products.categories, products.brands"
        )
        elapsed = time.perf_counter() - started
        rate = total_rows / elapsed if elapsed else 0.0
        print(f"loaded {size} products, {total_rows} rows in {elapsed:.1f}s ({rate:,.0f} rows/s)")
        return {"products": float(size), "seconds": elapsed, "rows_per_second": rate}
    finally:
        await conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    settings = Settings.from_env("products")
    result = asyncio.run(seed(settings.asyncpg_dsn, args.size, args.seed))
    if result["seconds"]:
        asyncio.run(invalidate_cached_listings(settings.redis_url))


async def prepare_catalogue(settings: Settings, size: int) -> None:
    """Migrate the products schema, load the demo catalogue if missing, drop stale cache."""
    engine = create_engine(settings)
    try:
        await migrate(engine, MIGRATIONS, SCHEMA)
    finally:
        await engine.dispose()
    loaded = await seed(settings.asyncpg_dsn, size)
    if loaded["seconds"]:
        await invalidate_cached_listings(settings.redis_url)


async def invalidate_cached_listings(redis_url: str) -> None:
    """Cached responses predate the new catalogue (COPY bypasses the outbox on purpose)."""
    redis = Redis.from_url(redis_url)
    try:
        await catalog_cache(redis, ttl_seconds=300).invalidate()
    finally:
        await redis.aclose()


if __name__ == "__main__":
    main()
