"""Alembic environment of the accounts subgraph (its own schema and version table)."""

from subgraphs.accounts.adapters.tables import metadata
from subgraphs.platform.sql.alembic_env import run

run(metadata)
