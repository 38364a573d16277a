"""Alembic environment of the products subgraph (its own schema and version table)."""

from subgraphs.platform.alembic_env import run
from subgraphs.products.adapters.tables import metadata

run(metadata)
