"""Alembic environment of the orders subgraph (its own schema and version table)."""

from subgraphs.orders.adapters.tables import metadata
from subgraphs.platform.sql.alembic_env import run

run(metadata)
