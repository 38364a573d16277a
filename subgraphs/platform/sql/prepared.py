"""Hot reads as prepared statements on the pooled asyncpg connection, past SQLAlchemy's
per-execution work.

A statement is still written in SQLAlchemy Core (the same tables and builders), with named
bind parameters, and compiled once per process for the engine's dialect. Each call binds its
values by name and runs the SQL on a connection of the process's read pool (`read_pool`),
where asyncpg keeps it prepared. Measured on this machine for a DataLoader batch of ids:
≈ 1.2 ms of CPU through `Connection.execute` (cache key, execution context, result
processing), ≈ 0.2 ms here. Only reads use it: writes stay in a unit of work's transaction.

    VARIANTS = PreparedRead(lambda: select(v).where(v.c.id == any_(bindparam("ids", type_=UUIDS))))
    rows = await VARIANTS.fetch(reading_engine, ids=[...])

Rows answer attributes (`row.title`) like SQLAlchemy rows, and `row._mapping` for `row_to`.
A connection that fails under a statement, for any reason, is discarded: the pool never hands
out one whose protocol may still be mid-operation.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, cast

import asyncpg
from sqlalchemy import ARRAY, Uuid
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.expression import ClauseElement

from subgraphs.platform.sql.engine import statement_counter_var
from subgraphs.platform.sql.read_pool import ReadPoolUnavailable, read_pool

# A bind parameter's type for `= ANY(:ids)`: one prepared statement whatever the number of ids.
UUIDS = ARRAY(Uuid)


class Row(asyncpg.Record):  # type: ignore[misc]  # asyncpg ships no types
    """An asyncpg record that also reads as attributes, like a SQLAlchemy row."""

    __slots__ = ()

    def __getattr__(self, name: str) -> Any:
        # Only a fallback: each statement's row class (`_row_class`) gives its declared columns
        # properties, so this is reached only for a column the compiled statement did not name
        # (a textual `*`), at ≈ 1.4 µs a read.
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None

    @property
    def _mapping(self) -> Mapping[str, Any]:
        # `name in record` and `record[name]` are by column name: a mapping as `row_to` reads it.
        return cast(Mapping[str, Any], self)


def _row_class(columns: list[str]) -> type[Row]:
    """A Row whose columns are properties over their positions (≈ 0.1 µs a read, where the
    `__getattr__` fallback costs ≈ 1.4 µs); names the record itself has stay its own."""
    taken = set(dir(Row))
    properties = {n: property(operator.itemgetter(i)) for i, n in enumerate(columns) if n not in taken}
    return type("PreparedRow", (Row,), {"__slots__": (), **properties})


@dataclass(frozen=True, slots=True)
class _Compiled:
    sql: str
    names: tuple[str, ...]
    processors: tuple[Callable[[Any], Any] | None, ...]
    fixed: dict[str, Any]  # values the statement carries itself (`+ 1` is a bound 1)
    row_class: type[Row]


def _compile(statement: ClauseElement, dialect: Dialect) -> _Compiled:
    compiled = cast(SQLCompiler, statement.compile(dialect=dialect))
    names = tuple(compiled.positiontup or ())
    processors = compiled._bind_processors
    fixed = {n: compiled.binds[n].value for n in names if not compiled.binds[n].required}
    columns = [c[0] for c in compiled._result_columns]
    binds = tuple(cast(Any, processors.get(n)) for n in names)
    return _Compiled(str(compiled), names, binds, fixed, _row_class(columns))


class PreparedRead:
    """One read statement, compiled on first use; `fetch(engine, **values)` runs it."""

    def __init__(self, build: Callable[[], ClauseElement]) -> None:
        self._build = build
        self._compiled: _Compiled | None = None

    def sql(self, dialect: Dialect) -> str:
        return self._compiled_for(dialect).sql

    def _compiled_for(self, dialect: Dialect) -> _Compiled:
        if self._compiled is None:
            self._compiled = _compile(self._build(), dialect)
        return self._compiled

    async def fetch(self, engine: AsyncEngine, **values: Any) -> list[Row]:
        """The rows; `engine` is a reading (autocommit) engine."""
        compiled = self._compiled_for(engine.dialect)
        if compiled.fixed:
            values = {**compiled.fixed, **values}
        args = [
            values[name] if process is None else process(values[name])
            for name, process in zip(compiled.names, compiled.processors, strict=True)
        ]
        counter = statement_counter_var.get()
        if counter is not None:
            counter.count += 1
        pool = read_pool(engine)
        connection = await pool.acquire()
        try:
            rows: list[Row] = await connection.fetch(compiled.sql, *args, record_class=compiled.row_class)
        except asyncpg.InternalClientError as exc:
            # The driver met a protocol state it did not expect. Seen when PostgreSQL ends the
            # session under a statement: an admin shutdown's FATAL arrived between the prepare
            # and its type introspection ("another operation is in progress"). The connection
            # is gone either way, so this is an outage the caller may retry, never a 500.
            pool.discard(connection)
            raise ReadPoolUnavailable("the connection was lost under a read") from exc
        except BaseException:
            # Whatever went wrong (lost, reset, cancelled, or a server error such as an admin
            # shutdown that arrives before the socket closes), this connection is not reused:
            # its protocol may still be mid-operation.
            pool.discard(connection)
            raise
        pool.release(connection)
        return rows
