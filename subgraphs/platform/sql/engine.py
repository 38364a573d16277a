"""The SQLAlchemy async engine (asyncpg) and a per-task SQL statement counter.

The counter is how tests prove DataLoaders work: it counts statements sent by the current
asyncio task tree (a contextvar), so concurrent requests do not pollute each other's count.

Round trips a read does not need are left out: a read adapter's connection is in autocommit
(`reading`: no BEGIN before its statement, no ROLLBACK after), and a pooled connection is
pinged at checkout only when it has been idle for a while (a connection used a moment ago is
alive; one that died under a request is a disconnect error, which recycles the whole pool).
"""

from __future__ import annotations

import contextvars
import time
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import event
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import ConnectionPoolEntry, PoolProxiedConnection

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
        # Pinged at checkout only after PING_AFTER_IDLE_SECONDS idle (`_ping_if_idle`).
        pool_pre_ping=False,
        # Every connection is pinned to UTC so timestamps never depend on the server's zone.
        connect_args={"server_settings": {"timezone": "UTC", "application_name": settings.service_name}},
        # JSONB columns (options, attributes, addresses) on every row read: orjson, not json.
        json_deserializer=orjson.loads,
        json_serializer=_json_text,
    )
    event.listen(engine.sync_engine, "before_cursor_execute", _count_statement)
    event.listen(engine.sync_engine, "checkout", _ping_if_idle)
    event.listen(engine.sync_engine, "checkin", _note_return)
    return engine


def _json_text(value: Any) -> str:
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()


# A connection that answered this recently is not pinged again at checkout.
PING_AFTER_IDLE_SECONDS = 1.0
_RETURNED_AT = "returned_at"


def _ping_if_idle(dbapi_connection: Any, record: ConnectionPoolEntry, _proxy: PoolProxiedConnection) -> None:
    returned = record.info.get(_RETURNED_AT)
    if returned is not None and time.monotonic() - returned < PING_AFTER_IDLE_SECONDS:
        return
    try:
        dbapi_connection.ping()  # the asyncpg adapter's, run in the checkout's greenlet
    except Exception as exc:
        # The pool discards this connection and checks out (or opens) another.
        raise DisconnectionError("the pooled connection did not answer a ping") from exc


def _note_return(_dbapi_connection: Any, record: ConnectionPoolEntry) -> None:
    record.info[_RETURNED_AT] = time.monotonic()


def reading(engine: AsyncEngine) -> AsyncEngine:
    """The engine for reads: each statement in autocommit (its own snapshot, as under READ
    COMMITTED anyway), without the BEGIN and ROLLBACK round trips around it. Writes never use
    it: a unit of work opens its transaction on the engine itself. Made once per engine."""
    held = engine.sync_engine.__dict__  # kept on the engine: it lives and goes with it
    made: AsyncEngine | None = held.get(_READING)
    if made is None:
        made = held[_READING] = engine.execution_options(isolation_level="AUTOCOMMIT")
    return made


_READING = "_marketplace_reading_engine"
