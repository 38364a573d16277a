"""Alembic environment of the products subgraph (its own schema and version table)."""

from subgraphs.platform.sql.alembic_env import run
from subgraphs.products.adapters.tables import metadata

run(metadata)
