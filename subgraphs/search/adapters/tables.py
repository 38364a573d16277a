"""The search subgraph's tables (PostgreSQL schema `search`).

Distribution plan for Citus: `indexed_products`, `product_activity`, `co_purchases` and
`recommendation_logs` by `product_id`; `user_affinity` by `user_id`; `paid_baskets` by
`checkout_id`; `documents` by `product_id` (a full-text search fans out to every shard, as
an engine's does); `document_words` by `alias`; `merchandising_rules`, `rule_stats` and
`document_indexes` are small reference tables. Every write and
every hot read is single-key; the lookups by brand or category (a renamed brand re-indexes its
products), trending's sum over a category and the admins' log listings are cross-shard, off the
request path or cached. No foreign keys leave this schema.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, Column, DateTime, Index, String, Table, Text, Uuid, func, text
from sqlalchemy.dialects.postgresql import ARRAY, TSVECTOR

from subgraphs.platform.sql.storage import subgraph_storage

STORAGE = subgraph_storage("search", __file__)
SCHEMA, MIGRATIONS, metadata = STORAGE.schema, STORAGE.migrations, STORAGE.metadata
outbox, processed_events = STORAGE.outbox, STORAGE.processed_events

# What the index holds per product: the revision it was last written at (the engine's
# external version), the catalogue version it reflects and a fingerprint of its content.
indexed_products = Table(
    "indexed_products",
    metadata,
    Column("product_id", Uuid, primary_key=True),
    Column("revision", BigInteger, nullable=False, server_default="0"),
    Column("product_version", BigInteger, nullable=False, server_default="0"),
    Column("fingerprint", String(64), nullable=True),
    Column("brand_id", Uuid, nullable=True),
    Column("category_ids", ARRAY(Uuid), nullable=False, server_default="{}"),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Index("indexed_products_brand", "brand_id"),
    Index("indexed_products_categories", "category_ids", postgresql_using="gin"),
)


# ---- the PostgreSQL full-text index (where OpenSearch cannot run) ---------------------------

# Each index of an alias, by role: one `reading` (what searches read) and, while a rebuild
# runs, one `building`. Writes go to every index of the alias.
document_indexes = Table(
    "document_indexes",
    metadata,
    Column("alias", String(100), primary_key=True),
    Column("name", String(140), primary_key=True),
    Column("role", String(10), nullable=False),  # reading | building
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Index("document_indexes_one_reader", "alias", unique=True, postgresql_where=text("role = 'reading'")),
)

# One document per index and product (distributed by product id); a removal stays as a
# tombstone carrying its revision, so an older write arriving late cannot bring it back.
documents = Table(
    "documents",
    metadata,
    Column("index_name", String(140), primary_key=True),
    Column("product_id", Uuid, primary_key=True),
    Column("revision", BigInteger, nullable=False),
    Column("deleted", Boolean, nullable=False),
    Column("seller_id", Uuid, nullable=True),
    Column("title", Text, nullable=False, server_default=""),
    Column("description", Text, nullable=False, server_default=""),
    Column("brand_id", Uuid, nullable=True),
    Column("brand_name", Text, nullable=True),
    Column("category_id", Uuid, nullable=True),
    Column("category_ids", ARRAY(Uuid), nullable=False, server_default="{}"),
    # `name<US>value` (U+001F between): one array makes "any of these values" one GIN lookup.
    Column("attributes", ARRAY(Text), nullable=False, server_default="{}"),
    Column("skus", ARRAY(Text), nullable=False, server_default="{}"),
    Column("currency", String(3), nullable=True),
    Column("price_min", BigInteger, nullable=False, server_default="0"),
    Column("price_max", BigInteger, nullable=False, server_default="0"),
    Column("in_stock", Boolean, nullable=False, server_default="false"),
    Column("popularity", BigInteger, nullable=False, server_default="0"),
    Column("created_at", DateTime(timezone=True), nullable=True),
    # Weighted English vector: title A, brand B, categories and attribute values C, description D.
    Column("tsv", TSVECTOR, nullable=False),
    Column("suggest_key", Text, nullable=False, server_default=""),  # the title, folded
    Index("documents_tsv", "tsv", postgresql_using="gin"),
    Index("documents_categories", "category_ids", postgresql_using="gin"),
    Index("documents_attributes", "attributes", postgresql_using="gin"),
    Index("documents_price", "index_name", "price_min", "product_id"),
    Index("documents_newest", "index_name", "created_at", "product_id"),
    Index("documents_popular", "index_name", "popularity", "product_id"),
    Index(
        "documents_suggest",
        "index_name",
        "suggest_key",
        postgresql_ops={"suggest_key": "text_pattern_ops"},
    ),
)

# The words an alias's documents use (folded, as typed): what a misspelt word is corrected to.
document_words = Table(
    "document_words",
    metadata,
    Column("alias", String(100), primary_key=True),
    Column("word", String(40), primary_key=True),
    Index("document_words_first_letter", "alias", text("left(word, 1)"), text("length(word)")),
)


# ---- recommendations ------------------------------------------------------------------------

# Weighted interest per product and hour (the trending window sums the last 24), with the
# product's category path then, so "trending in a category" includes its descendants.
product_activity = Table(
    "product_activity",
    metadata,
    Column("product_id", Uuid, primary_key=True),
    Column("bucket", DateTime(timezone=True), primary_key=True),
    Column("category_ids", ARRAY(Uuid), nullable=False, server_default="{}"),
    Column("score", BigInteger, nullable=False, server_default="0"),
    Index("product_activity_bucket", "bucket"),
)

# A shopper's weighted interest in each product (views, wishlist, cart, orders): distributed by
# user id, so "what does this shopper like" is a single-shard read.
user_affinity = Table(
    "user_affinity",
    metadata,
    Column("user_id", Uuid, primary_key=True),
    Column("product_id", Uuid, primary_key=True),
    Column("score", BigInteger, nullable=False, server_default="0"),
    Column("last_at", DateTime(timezone=True), nullable=False),
    Index("user_affinity_recent", "user_id", "last_at"),
)

# How often two products were bought together: distributed by product id ("also bought" for a
# product is one shard).
co_purchases = Table(
    "co_purchases",
    metadata,
    Column("product_id", Uuid, primary_key=True),
    Column("other_id", Uuid, primary_key=True),
    Column("count", BigInteger, nullable=False, server_default="0"),
    Column("last_at", DateTime(timezone=True), nullable=False),
    Index("co_purchases_top", "product_id", "count"),
)

# What each paid checkout bought so far (its orders are paid one event each): pairs span sellers.
paid_baskets = Table(
    "paid_baskets",
    metadata,
    Column("checkout_id", Uuid, primary_key=True),
    Column("product_ids", ARRAY(Uuid), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Index("paid_baskets_at", "at"),
)

# Merchandising rules: a small table every shard needs (a Citus reference table).
merchandising_rules = Table(
    "merchandising_rules",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("name", String(120), nullable=False),
    Column("kind", String(10), nullable=False),
    Column("scope", String(12), nullable=False),
    Column("target_id", Uuid, nullable=True),
    Column("query", String(200), nullable=True),
    Column("product_ids", ARRAY(Uuid), nullable=False),
    Column("surfaces", ARRAY(String(16)), nullable=False),
    Column("weight", BigInteger, nullable=False, server_default="1"),
    Column("starts_at", DateTime(timezone=True), nullable=True),
    Column("ends_at", DateTime(timezone=True), nullable=True),
    Column("enabled", Boolean, nullable=False, server_default="true"),
    Column("version", BigInteger, nullable=False, server_default="1"),
    Column("created_by", Uuid, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Index("merchandising_rules_created", "created_at", "id"),
)

# Every recommendation shown or clicked (persisted in batches from Kafka), distributed by
# product id; the log id makes a redelivered batch a no-op.
recommendation_logs = Table(
    "recommendation_logs",
    metadata,
    Column("product_id", Uuid, primary_key=True),
    Column("id", Uuid, primary_key=True),
    Column("kind", String(8), nullable=False),  # SHOWN | CLICKED
    Column("user_id", Uuid, nullable=True),
    Column("placement", String(10), nullable=False),
    Column("served_id", Uuid, nullable=False),
    Column("rule_id", Uuid, nullable=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Index("recommendation_logs_at", "at", "id"),
    Index("recommendation_logs_user", "user_id", "at"),
    Index("recommendation_logs_rule", "rule_id"),
    Index("recommendation_logs_id", "id"),
)

# Shown and clicked per rule (click-through rate), kept by the log batches.
rule_stats = Table(
    "rule_stats",
    metadata,
    Column("rule_id", Uuid, primary_key=True),
    Column("shown", BigInteger, nullable=False, server_default="0"),
    Column("clicked", BigInteger, nullable=False, server_default="0"),
)
