"""The products subgraph's tables (PostgreSQL schema `products`).

Distribution plan for Citus: `products` and everything hanging off a product (variants,
images, attribute values, inventory, adjustments) are distributed by `product_id` (the
product's `id`) and co-located; `categories`, `brands` and `attributes` are small reference
tables; `variant_skus` is a lookup table distributed by `sku` that makes SKUs globally
unique without a cross-shard unique index. No foreign keys leave this schema.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    Computed,
    DateTime,
    Index,
    Integer,
    PrimaryKeyConstraint,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, TSVECTOR

from subgraphs.platform.sql.columns import timestamps
from subgraphs.platform.sql.storage import subgraph_storage

STORAGE = subgraph_storage("products", __file__)
SCHEMA, MIGRATIONS, metadata = STORAGE.schema, STORAGE.migrations, STORAGE.metadata


categories = Table(
    "categories",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("parent_id", Uuid),
    Column("name", String(200), nullable=False),
    Column("slug", String(220), nullable=False, unique=True),
    # Materialised path of ids ("/<root>/<child>/<self>/"): descendants are a prefix match.
    Column("path", Text, nullable=False),
    Column("depth", SmallInteger, nullable=False),
    Column("position", Integer, nullable=False, server_default="0"),
    *timestamps(),
    Index("categories_parent", "parent_id", "position", "id"),
    Index("categories_path", "path", postgresql_ops={"path": "text_pattern_ops"}),
)

brands = Table(
    "brands",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("name", String(200), nullable=False),
    Column("slug", String(220), nullable=False, unique=True),
    Column("logo_key", String(500)),
    *timestamps(),
    Index("brands_name", "name", "id"),
)

products = Table(
    "products",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("seller_id", Uuid, nullable=False),
    Column("title", String(300), nullable=False),
    Column("slug", String(400), nullable=False),
    Column("description", Text, nullable=False, server_default=""),
    Column("status", String(16), nullable=False),
    Column("category_id", Uuid, nullable=False),
    Column("brand_id", Uuid),
    Column("currency", String(3), nullable=False),
    # Denormalised from variants so price filters and sorts use one index.
    Column("min_price", BigInteger, nullable=False, server_default="0"),
    Column("max_price", BigInteger, nullable=False, server_default="0"),
    Column("popularity", Integer, nullable=False, server_default="0"),
    Column("version", Integer, nullable=False, server_default="1"),
    Column(
        "search",
        TSVECTOR,
        Computed(
            "setweight(to_tsvector('simple', coalesce(title, '')), 'A') || "
            "setweight(to_tsvector('simple', coalesce(description, '')), 'B')",
            persisted=True,
        ),
    ),
    *timestamps(),
    CheckConstraint("status IN ('DRAFT', 'ACTIVE', 'ARCHIVED')", name="products_status"),
    CheckConstraint("min_price >= 0 AND max_price >= min_price", name="products_price_range"),
    # One index per public sort order, restricted to what storefronts list.
    Index("products_active_price", "min_price", "id", postgresql_where="status = 'ACTIVE'"),
    Index("products_active_title", "title", "id", postgresql_where="status = 'ACTIVE'"),
    Index("products_active_popularity", "popularity", "id", postgresql_where="status = 'ACTIVE'"),
    Index("products_active_newest", "id", postgresql_where="status = 'ACTIVE'"),
    Index("products_category", "category_id", "id"),
    Index("products_category_price", "category_id", "min_price", "id"),
    Index("products_brand", "brand_id", "id"),
    Index("products_seller", "seller_id", "id"),
    Index("products_slug", "slug"),
    Index("products_search", "search", postgresql_using="gin"),
)

variants = Table(
    "variants",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("product_id", Uuid, nullable=False),
    Column("sku", String(100), nullable=False),
    Column("title", String(300), nullable=False),
    Column("price", BigInteger, nullable=False),
    Column("compare_at_price", BigInteger),
    Column("currency", String(3), nullable=False),
    Column("options", JSONB, nullable=False, server_default="{}"),
    Column("position", Integer, nullable=False, server_default="0"),
    *timestamps(),
    CheckConstraint("price >= 0", name="variants_price_nonnegative"),
    Index("variants_product", "product_id", "position", "id"),
    Index("variants_sku", "sku"),
)

variant_skus = Table(
    "variant_skus",
    metadata,
    Column("sku", String(100), primary_key=True),
    Column("variant_id", Uuid, nullable=False),
    Column("product_id", Uuid, nullable=False),
)

images = Table(
    "images",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("product_id", Uuid, nullable=False),
    Column("storage_key", String(500), nullable=False),
    Column("alt", String(300), nullable=False, server_default=""),
    Column("position", Integer, nullable=False, server_default="0"),
    Column("width", Integer),
    Column("height", Integer),
    *timestamps(),
    Index("images_product", "product_id", "position", "id"),
)

attributes = Table(
    "attributes",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("name", String(100), nullable=False),
    Column("slug", String(120), nullable=False, unique=True),
    *timestamps(),
)

attribute_values = Table(
    "attribute_values",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("product_id", Uuid, nullable=False),
    Column("attribute_id", Uuid, nullable=False),
    Column("value", String(200), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    UniqueConstraint("product_id", "attribute_id", "value", name="attribute_values_unique"),
    Index("attribute_values_filter", "attribute_id", "value", "product_id"),
)

inventory = Table(
    "inventory",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("product_id", Uuid, nullable=False),
    Column("variant_id", Uuid, nullable=False),
    Column("warehouse", String(64), nullable=False),
    Column("on_hand", Integer, nullable=False, server_default="0"),
    Column("reserved", Integer, nullable=False, server_default="0"),
    Column("low_stock_threshold", Integer, nullable=False, server_default="5"),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    # The database refuses negative stock even if a code path forgot to check.
    CheckConstraint("on_hand >= 0 AND reserved >= 0 AND reserved <= on_hand", name="inventory_nonnegative"),
    UniqueConstraint("product_id", "variant_id", "warehouse", name="inventory_variant_warehouse"),
    Index("inventory_variant", "variant_id", "warehouse"),
    Index("inventory_warehouse", "warehouse", "id"),
)

inventory_adjustments = Table(
    "inventory_adjustments",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("product_id", Uuid, nullable=False),
    Column("inventory_id", Uuid, nullable=False),
    Column("actor_id", Uuid, nullable=False),
    Column("idempotency_key", String(200), nullable=False),
    Column("delta", Integer, nullable=False),
    Column("reason", String(32), nullable=False),
    Column("on_hand_after", Integer, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    UniqueConstraint("product_id", "actor_id", "idempotency_key", name="inventory_adjustments_idem"),
)

# Stock held for checkouts (the orders saga): each row took `quantity` from one inventory row's
# available stock. RESERVED until the order is paid (SOLD: on hand lowered), or released on a
# failed or cancelled checkout or by the expiry job (RELEASED). Distributed by product_id with
# the inventory it holds; the saga's lookups by checkout are asynchronous (consumers, a job).
stock_reservations = Table(
    "stock_reservations",
    metadata,
    Column("product_id", Uuid, nullable=False),
    Column("id", Uuid, nullable=False),
    Column("checkout_id", Uuid, nullable=False),
    Column("line_id", Uuid, nullable=False),
    Column("seller_id", Uuid, nullable=False),
    Column("variant_id", Uuid, nullable=False),
    Column("inventory_id", Uuid, nullable=False),
    Column("warehouse", String(64), nullable=False),
    Column("quantity", Integer, nullable=False),
    Column("returned", Integer, nullable=False, server_default="0"),
    Column("status", String(16), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    PrimaryKeyConstraint("product_id", "id"),
    CheckConstraint("quantity > 0", name="stock_reservations_quantity"),
    CheckConstraint("returned BETWEEN 0 AND quantity", name="stock_reservations_returned"),
    UniqueConstraint("product_id", "checkout_id", "line_id", name="stock_reservations_one_per_line"),
    Index("stock_reservations_checkout", "checkout_id", "seller_id"),
    Index("stock_reservations_due", "expires_at", postgresql_where=text("status = 'RESERVED'")),
)

# Direct ACTIVE-product counts per category, maintained from product events (see workers).
category_counts = Table(
    "category_counts",
    metadata,
    Column("category_id", Uuid, primary_key=True),
    Column("active_products", BigInteger, nullable=False, server_default="0"),
)

outbox, processed_events = STORAGE.outbox, STORAGE.processed_events
