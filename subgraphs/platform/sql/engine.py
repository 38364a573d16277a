"""The SQLAlchemy async engine (asyncpg) and a per-task SQL statement counter.

The counter is how tests prove DataLoaders work: it counts statements sent by the current
asyncio task tree (a contextvar), so concurrent requests do not pollute each other's count.
"""

from __future__ import annotations

import contextvars
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from subgraphs.platform.settings import Settings


@dataclass
class StatementCounter:
    count: int = 0


statement_counter_var: contextvars.ContextVar[StatementCounter | None] = contextvars.ContextVar(
    "statement_counter", default=None
)


def _count_statement(*_args: Any, **_kwargs: Any) -> None:
    counter = statement_counter_var.get()
    if counter is not None:
        counter.count += 1


def create_engine(settings: Settings) -> AsyncEngine:
    engine = create_async_engine(
        settings.database_url,
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
        # A pooled connection that died with a PostgreSQL restart is replaced at checkout (one
        # round trip per checkout) instead of failing the next request on it.
        pool_pre_ping=True,
        # Every connection is pinned to UTC so timestamps never depend on the server's zone.
        connect_args={"server_settings": {"timezone": "UTC", "application_name": settings.service_name}},
    )
    event.listen(engine.sync_engine, "before_cursor_execute", _count_statement)
    return engine
