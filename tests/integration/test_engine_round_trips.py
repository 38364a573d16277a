"""The engine on real PostgreSQL: reads without BEGIN/ROLLBACK, pings only after idling, and a
connection that died is replaced without the caller seeing it (idle) or with a coded outage
and a recycled pool (in use a moment ago)."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from subgraphs.platform import faults
from subgraphs.platform.settings import Settings
from subgraphs.platform.sql import engine as engine_module
from subgraphs.platform.sql.engine import create_engine, reading

XID = text("SELECT txid_current()")
BACKEND = text("SELECT pg_backend_pid()")


@pytest.fixture
async def engine(settings: Settings) -> AsyncIterator[AsyncEngine]:
    made = create_engine(dataclasses.replace(settings, db_pool_size=1, db_max_overflow=0))
    yield made
    await made.dispose()


async def _scalar(engine: AsyncEngine, query: object) -> object:
    async with engine.connect() as conn:
        return (await conn.execute(query)).scalar_one()  # type: ignore[call-overload]


async def _terminate(settings: Settings, pid: object) -> None:
    other = create_engine(settings)
    try:
        async with other.connect() as conn:
            await conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    finally:
        await other.dispose()


async def _two_statements(engine: AsyncEngine) -> tuple[object, object]:
    async with engine.connect() as conn:
        return (await conn.execute(XID)).scalar_one(), (await conn.execute(XID)).scalar_one()


async def test_reads_run_each_statement_alone_and_the_engine_itself_in_a_transaction(
    engine: AsyncEngine,
) -> None:
    first, second = await _two_statements(reading(engine))
    assert first != second  # no BEGIN: each statement was its own transaction
    first, second = await _two_statements(engine)
    assert first == second  # BEGIN went first: one transaction


async def test_an_idle_connection_that_died_is_replaced_at_checkout(
    engine: AsyncEngine, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    reads = reading(engine)
    first = await _scalar(reads, BACKEND)
    await _terminate(settings, first)
    monkeypatch.setattr(engine_module, "PING_AFTER_IDLE_SECONDS", 0.0)  # it has idled long enough
    assert await _scalar(reads, BACKEND) != first


async def test_a_connection_that_died_in_use_is_a_coded_outage_then_recycled(
    engine: AsyncEngine, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    reads = reading(engine)
    first = await _scalar(reads, BACKEND)
    await _terminate(settings, first)
    monkeypatch.setattr(engine_module, "PING_AFTER_IDLE_SECONDS", 3600.0)  # used "a moment ago"
    with pytest.raises(DBAPIError) as failed:
        await _scalar(reads, BACKEND)
    assert faults.unavailable_dependency(failed.value) == "postgres"
    assert await _scalar(reads, BACKEND) != first
