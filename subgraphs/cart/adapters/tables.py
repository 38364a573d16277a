"""The cart subgraph's tables (PostgreSQL schema `cart`).

Distribution plan for Citus: every table is distributed by `owner_id` (a user's id, or for a
guest cart the id derived from its token) and co-located, so a cart with its lines, its
idempotency keys and the owner's wishlists live on one shard and every use case is a
single-shard transaction. The only cross-shard reads are the product-event consumer's lookups
by `variant_id`/`product_id` (asynchronous, off the request path). No foreign keys leave
this schema; product data is referenced by id only.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    DateTime,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    Table,
    UniqueConstraint,
    Uuid,
    func,
    text,
)

from subgraphs.platform.sql.columns import timestamps
from subgraphs.platform.sql.storage import subgraph_storage

STORAGE = subgraph_storage("cart", __file__)
SCHEMA, MIGRATIONS, metadata = STORAGE.schema, STORAGE.migrations, STORAGE.metadata


carts = Table(
    "carts",
    metadata,
    Column("owner_id", Uuid, nullable=False),
    Column("id", Uuid, nullable=False),
    Column("owner_kind", String(8), nullable=False),
    Column("status", String(16), nullable=False, server_default="ACTIVE"),
    Column("version", Integer, nullable=False, server_default="1"),
    Column("currency", String(3)),
    Column("merged_into", Uuid),
    *timestamps(),
    PrimaryKeyConstraint("owner_id", "id"),
    # Exactly one active cart per owner, enforced by the database.
    Index("carts_one_active", "owner_id", unique=True, postgresql_where=text("status = 'ACTIVE'")),
)

cart_items = Table(
    "cart_items",
    metadata,
    Column("owner_id", Uuid, nullable=False),
    Column("id", Uuid, nullable=False),
    Column("cart_id", Uuid, nullable=False),
    Column("variant_id", Uuid, nullable=False),
    Column("product_id", Uuid, nullable=False),
    Column("seller_id", Uuid, nullable=False),
    Column("quantity", Integer, nullable=False),
    # Minor units: the price products gave last, and the one the buyer saw when adding.
    Column("unit_price", BigInteger, nullable=False),
    Column("price_at_add", BigInteger, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("available", Integer, nullable=False),
    Column("unavailable", Boolean, nullable=False, server_default="false"),
    Column("added_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    PrimaryKeyConstraint("owner_id", "id"),
    UniqueConstraint("owner_id", "cart_id", "variant_id", name="cart_items_one_line_per_variant"),
    CheckConstraint("quantity BETWEEN 1 AND 99", name="cart_items_quantity"),
    CheckConstraint("unit_price >= 0 AND price_at_add >= 0", name="cart_items_prices"),
    Index("cart_items_variant", "variant_id"),
    Index("cart_items_product", "product_id"),
)

# Idempotency keys of cart writes: a retry with the same key replays, a different body is refused.
cart_requests = Table(
    "cart_requests",
    metadata,
    Column("owner_id", Uuid, nullable=False),
    Column("key", String(100), nullable=False),
    Column("request_hash", String(64), nullable=False),
    Column("cart_id", Uuid, nullable=False),
    Column("line_id", Uuid),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    PrimaryKeyConstraint("owner_id", "key"),
)

wishlists = Table(
    "wishlists",
    metadata,
    Column("owner_id", Uuid, nullable=False),
    Column("id", Uuid, nullable=False),
    Column("name", String(100), nullable=False),
    Column("is_default", Boolean, nullable=False, server_default="false"),
    *timestamps(),
    PrimaryKeyConstraint("owner_id", "id"),
    UniqueConstraint("owner_id", "name", name="wishlists_name"),
    Index("wishlists_one_default", "owner_id", unique=True, postgresql_where=text("is_default")),
)

wishlist_items = Table(
    "wishlist_items",
    metadata,
    Column("owner_id", Uuid, nullable=False),
    Column("id", Uuid, nullable=False),
    Column("wishlist_id", Uuid, nullable=False),
    Column("product_id", Uuid, nullable=False),
    Column("variant_id", Uuid),
    Column("seller_id", Uuid, nullable=False),
    Column("added_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    PrimaryKeyConstraint("owner_id", "id"),
    UniqueConstraint(
        "owner_id",
        "wishlist_id",
        "product_id",
        "variant_id",
        name="wishlist_items_once",
        postgresql_nulls_not_distinct=True,
    ),
)

outbox, processed_events = STORAGE.outbox, STORAGE.processed_events
