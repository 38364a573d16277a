"""The body of every subgraph's Alembic `env.py`: run online on the connection we pass in."""

from __future__ import annotations

from alembic import context
from sqlalchemy import MetaData


def run(target_metadata: MetaData) -> None:
    config = context.config
    connection = config.attributes["connection"]
    schema = config.attributes["schema"]

    def own_schema_only(name: str | None, type_: str, _parent: object) -> bool:
        # Several subgraphs share one database: never diff (or drop) another one's schema.
        return type_ != "schema" or name == schema

    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        version_table_schema=schema,
        include_schemas=True,
        include_name=own_schema_only,
        transaction_per_migration=False,
    )
    with context.begin_transaction():
        context.run_migrations()
