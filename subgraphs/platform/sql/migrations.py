"""Apply a subgraph's Alembic migrations at start, serialised by an advisory lock.

Each subgraph owns one PostgreSQL schema and keeps its Alembic version table inside it, so
subgraphs migrate independently and could live on separate databases.
"""

from __future__ import annotations

import zlib
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, text
from sqlalchemy.ext.asyncio import AsyncEngine


def alembic_config(script_location: Path, schema: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(script_location))
    cfg.attributes["schema"] = schema
    return cfg


def _upgrade(conn: Connection, cfg: Config, revision: str) -> None:
    cfg.attributes["connection"] = conn
    command.upgrade(cfg, revision)


async def migrate(engine: AsyncEngine, script_location: Path, schema: str, revision: str = "head") -> None:
    cfg = alembic_config(script_location, schema)
    async with engine.begin() as conn:
        # Two processes starting together must not both run the same migration.
        await conn.execute(
            text("SELECT pg_advisory_xact_lock(:k)"), {"k": zlib.crc32(f"migrate:{schema}".encode())}
        )
        await conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
        await conn.run_sync(_upgrade, cfg, revision)
