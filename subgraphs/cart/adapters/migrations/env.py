"""Alembic environment of the cart subgraph (its own schema and version table)."""

from subgraphs.cart.adapters.tables import metadata
from subgraphs.platform.sql.alembic_env import run

run(metadata)
