"""Prepared reads on the read pool, on real PostgreSQL: rows as SQLAlchemy rows read, statements
counted, the pool bounded, and a connection that dies or is cancelled mid-statement never
handed out again (a coded outage at most once, then the next read answers)."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator

import asyncpg
import pytest
from sqlalchemy import Integer, bindparam, column, literal_column, select, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncEngine

from subgraphs.platform import faults
from subgraphs.platform.settings import Settings
from subgraphs.platform.sql.engine import StatementCounter, create_engine, reading, statement_counter_var
from subgraphs.platform.sql.prepared import PreparedRead
from subgraphs.platform.sql.read_pool import ReadPoolUnavailable, close_read_pools

BACKEND = PreparedRead(lambda: select(literal_column("pg_backend_pid()").label("pid")))
SLEEP = PreparedRead(
    lambda: select(
        literal_column("pg_backend_pid()").label("pid"),
        column("slept").label("slept"),
    ).select_from(text("(SELECT pg_sleep(:seconds) AS slept) AS s").bindparams(bindparam("seconds")))
)
DIVIDE = PreparedRead(
    lambda: select(
        literal_column("pg_backend_pid()").label("pid"),
        (literal_column("1") / bindparam("by", type_=Integer)).label("quotient"),
    )
)
JSON_AND_NUMBER = PreparedRead(
    lambda: select(
        bindparam("doc", type_=JSONB).label("doc"),
        (bindparam("n", type_=Integer) + 1).label("next"),
    )
)


@pytest.fixture
async def engine(settings: Settings) -> AsyncIterator[AsyncEngine]:
    made = create_engine(dataclasses.replace(settings, db_pool_size=2, db_max_overflow=0))
    yield reading(made)
    await close_read_pools()
    await made.dispose()


async def _terminate(engine: AsyncEngine, pid: int) -> None:
    async with engine.connect() as conn:
        await conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})


async def test_rows_read_as_attributes_and_mappings_with_json_decoded_and_are_counted(
    engine: AsyncEngine,
) -> None:
    counter = StatementCounter()
    token = statement_counter_var.set(counter)
    try:
        (row,) = await JSON_AND_NUMBER.fetch(engine, doc={"size": "XL", "n": [1, 2]}, n=41)
    finally:
        statement_counter_var.reset(token)
    assert row.doc == {"size": "XL", "n": [1, 2]}
    assert row.next == 42
    assert row._mapping["next"] == 42
    assert "doc" in row._mapping
    assert "nothing" not in row._mapping
    with pytest.raises(AttributeError):
        _ = row.nothing
    assert isinstance(type(row).__dict__["next"], property)  # a column is read by position, not by lookup
    assert counter.count == 1


async def test_the_pool_never_opens_more_than_its_size(engine: AsyncEngine) -> None:
    rows = await asyncio.gather(*(SLEEP.fetch(engine, seconds=0.05) for _ in range(8)))
    assert len({r[0].pid for r in rows}) <= 2  # db_pool_size=2: eight reads shared two backends


async def test_a_connection_killed_between_reads_is_dropped_and_the_next_read_answers(
    engine: AsyncEngine,
) -> None:
    (first,) = await BACKEND.fetch(engine)
    await _terminate(engine, first.pid)
    await asyncio.sleep(0.2)  # the closed socket reaches the loop
    (second,) = await BACKEND.fetch(engine)
    assert second.pid != first.pid


async def test_a_connection_killed_under_a_read_is_a_coded_outage_once_and_then_replaced(
    engine: AsyncEngine,
) -> None:
    (held,) = await BACKEND.fetch(engine)
    sleeping = asyncio.create_task(SLEEP.fetch(engine, seconds=5))
    await asyncio.sleep(0.3)
    async with engine.connect() as conn:
        await conn.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE query LIKE '%pg_sleep%' AND pid <> pg_backend_pid()"
            )
        )
    with pytest.raises((asyncpg.PostgresError, asyncpg.InterfaceError, OSError)) as caught:
        await sleeping
    assert faults.unavailable_dependency(caught.value) == "postgres"
    for _ in range(3):  # whichever pooled connection comes next, it is a live one
        (row,) = await BACKEND.fetch(engine)
        assert row.pid > 0
    assert held.pid > 0


async def test_a_statement_the_server_refuses_discards_its_connection(engine: AsyncEngine) -> None:
    (row,) = await DIVIDE.fetch(engine, by=1)  # opens the pool's first connection and returns it
    with pytest.raises(asyncpg.DivisionByZeroError):
        await DIVIDE.fetch(engine, by=0)  # the same (most recently returned) connection
    (after,) = await DIVIDE.fetch(engine, by=1)
    assert after.pid != row.pid  # the refused statement's connection was not handed out again
    await asyncio.sleep(0.2)
    async with engine.connect() as conn:
        alive = (
            await conn.execute(
                text("SELECT count(*) FROM pg_stat_activity WHERE pid = :pid"), {"pid": row.pid}
            )
        ).scalar_one()
    assert alive == 0  # and it was closed, not left open outside the pool


async def test_a_driver_protocol_error_under_a_read_is_a_coded_outage_and_its_connection_dropped(
    engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    (row,) = await BACKEND.fetch(engine)
    lost = asyncpg.InternalClientError("cannot switch to state 12; another operation (2) is in progress")

    async def broken(*_: object, **__: object) -> None:
        raise lost

    # The next read takes the connection just returned (the pool hands out the latest first).
    monkeypatch.setattr(asyncpg.Connection, "fetch", broken)
    with pytest.raises(ReadPoolUnavailable) as caught:
        await BACKEND.fetch(engine)
    assert faults.unavailable_dependency(caught.value) == "postgres"
    monkeypatch.undo()
    (after,) = await BACKEND.fetch(engine)
    assert after.pid != row.pid  # the connection it happened on was not handed out again


async def test_a_read_cancelled_mid_statement_leaves_no_busy_connection_behind(engine: AsyncEngine) -> None:
    sleeping = asyncio.create_task(SLEEP.fetch(engine, seconds=5))
    await asyncio.sleep(0.3)
    sleeping.cancel()
    with pytest.raises(asyncio.CancelledError):
        await sleeping
    rows = await asyncio.wait_for(asyncio.gather(*(BACKEND.fetch(engine) for _ in range(4))), timeout=3)
    assert all(r[0].pid > 0 for r in rows)


async def test_an_unreachable_server_is_a_postgres_outage(settings: Settings) -> None:
    away = create_engine(
        dataclasses.replace(settings, database_url="postgresql+asyncpg://postgres@127.0.0.1:9/x")
    )
    try:
        with pytest.raises(ReadPoolUnavailable) as caught:
            await BACKEND.fetch(reading(away))
        assert faults.unavailable_dependency(caught.value) == "postgres"
    finally:
        await close_read_pools()
        await away.dispose()
