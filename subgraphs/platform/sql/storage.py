"""A subgraph's own PostgreSQL schema: its tables' metadata, its outbox and claims, its migrations.

    STORAGE = subgraph_storage("cart", __file__)   # in the subgraph's adapters/tables.py
    carts = Table("carts", STORAGE.metadata, ...)

Every subgraph has the same two bookkeeping tables (the outbox its events leave through, and
the processed-event claims of its consumers) and keeps its Alembic scripts beside its tables.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import MetaData, Table

from subgraphs.platform.sql.inbox import processed_events_table
from subgraphs.platform.sql.outbox import outbox_table


@dataclass(frozen=True)
class SubgraphStorage:
    schema: str
    metadata: MetaData
    outbox: Table
    processed_events: Table
    migrations: Path


def subgraph_storage(schema: str, tables_module: str) -> SubgraphStorage:
    """`tables_module`: the `__file__` of the tables module; migrations live beside it."""
    metadata = MetaData(schema=schema)
    return SubgraphStorage(
        schema=schema,
        metadata=metadata,
        outbox=outbox_table(metadata),
        processed_events=processed_events_table(metadata),
        migrations=Path(tables_module).resolve().parent / "migrations",
    )
