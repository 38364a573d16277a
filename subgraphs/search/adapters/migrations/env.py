"""Alembic environment of the search subgraph (its own schema and version table)."""

from subgraphs.platform.sql.alembic_env import run
from subgraphs.search.adapters.tables import metadata

run(metadata)
