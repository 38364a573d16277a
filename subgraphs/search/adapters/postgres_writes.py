"""Versioned bulk writes into `search.documents`: one statement per batch, every index of the alias.

The batch travels as one JSON array (`jsonb_to_recordset`), so a batch of any size is one
statement with three parameters. A row is replaced only by an equal or newer revision; a
removal leaves a tombstone with its revision. The alias's index rows are read FOR SHARE, so a
rebuild's swap waits for writes in flight.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import text

from subgraphs.search.adapters.postgres_queries import pair
from subgraphs.search.domain.words import vocabulary
from subgraphs.search.service_layer.ports import Versioned

_WRITE = """
INSERT INTO search.documents AS d (
    index_name, product_id, revision, deleted, seller_id, title, description, brand_id, brand_name,
    category_id, category_ids, attributes, skus, currency, price_min, price_max, in_stock,
    popularity, created_at, tsv, suggest_key)
SELECT idx.name, r.product_id, r.revision, r.deleted, r.seller_id, coalesce(r.title, ''),
       coalesce(r.description, ''), r.brand_id, r.brand_name, r.category_id,
       coalesce(r.category_ids, '{}'), coalesce(r.attributes, '{}'), coalesce(r.skus, '{}'),
       r.currency, coalesce(r.price_min, 0), coalesce(r.price_max, 0), coalesce(r.in_stock, false),
       coalesce(r.popularity, 0), r.created_at,
       setweight(to_tsvector('english', coalesce(r.title, '')), 'A')
       || setweight(to_tsvector('english', coalesce(r.brand_name, '')), 'B')
       || setweight(to_tsvector('english', coalesce(r.named_text, '')), 'C')
       || setweight(to_tsvector('english', coalesce(r.description, '')), 'D'),
       lower(coalesce(r.title, ''))
FROM jsonb_to_recordset(CAST(:docs AS jsonb)) AS r(
    product_id uuid, revision bigint, deleted boolean, seller_id uuid, title text, description text,
    brand_id uuid, brand_name text, category_id uuid, category_ids uuid[], attributes text[],
    skus text[], currency text, price_min bigint, price_max bigint, in_stock boolean,
    popularity bigint, created_at timestamptz, named_text text)
CROSS JOIN (
    SELECT name FROM search.document_indexes
    WHERE alias = :alias AND (CAST(:only AS text) IS NULL OR name = :only)
    FOR SHARE
) AS idx
ON CONFLICT (index_name, product_id) DO UPDATE SET
    revision = EXCLUDED.revision,
    deleted = EXCLUDED.deleted,
    seller_id = EXCLUDED.seller_id,
    title = EXCLUDED.title,
    description = EXCLUDED.description,
    brand_id = EXCLUDED.brand_id,
    brand_name = EXCLUDED.brand_name,
    category_id = EXCLUDED.category_id,
    category_ids = EXCLUDED.category_ids,
    attributes = EXCLUDED.attributes,
    skus = EXCLUDED.skus,
    currency = EXCLUDED.currency,
    price_min = EXCLUDED.price_min,
    price_max = EXCLUDED.price_max,
    in_stock = EXCLUDED.in_stock,
    popularity = EXCLUDED.popularity,
    created_at = EXCLUDED.created_at,
    tsv = EXCLUDED.tsv,
    suggest_key = EXCLUDED.suggest_key
WHERE d.revision <= EXCLUDED.revision
"""


WRITE = text(_WRITE)


def document_rows(changes: Sequence[Versioned]) -> tuple[list[dict[str, Any]], set[str]]:
    """The batch as JSON rows (the newest change per product: a statement writes a row once),
    and the words its documents use."""
    newest: dict[object, Versioned] = {}
    for change in changes:
        kept = newest.get(change.product_id)
        if kept is None or change.version >= kept.version:
            newest[change.product_id] = change
    rows: list[dict[str, Any]] = []
    words: set[str] = set()
    for change in newest.values():
        doc = change.document
        row: dict[str, Any] = {
            "product_id": str(change.product_id),
            "revision": change.version,
            "deleted": doc is None,
        }
        if doc is not None:
            values = [a.value for a in doc.attributes]
            row |= {
                "seller_id": str(doc.seller_id),
                "title": doc.title,
                "description": doc.description,
                "brand_id": str(doc.brand_id) if doc.brand_id else None,
                "brand_name": doc.brand_name,
                "category_id": str(doc.category_id),
                "category_ids": [str(c) for c in doc.category_ids],
                "attributes": [pair(a.name, a.value) for a in doc.attributes],
                "skus": [s.casefold() for s in doc.skus],
                "currency": doc.currency,
                "price_min": doc.price_min,
                "price_max": doc.price_max,
                "in_stock": doc.in_stock,
                "popularity": doc.popularity,
                "created_at": doc.created_at.isoformat(),
                "named_text": " ".join([*doc.category_names, *values]),
            }
            words |= vocabulary(doc.title, doc.brand_name, *doc.category_names, *values, doc.description)
        rows.append(row)
    return rows, words
