"""The search subgraph's tables (PostgreSQL schema `search`).

Distribution plan for Citus: `indexed_products` is distributed by `product_id`; the indexer's
lock and update are single-key. The lookups by brand or category (a renamed brand re-indexes
its products) are asynchronous, off the request path. No foreign keys leave this schema.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, DateTime, Index, String, Table, Uuid, func
from sqlalchemy.dialects.postgresql import ARRAY

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
