"""PostgreSQL killed and restarted: coded 503s while it is away, relay leadership that comes back,
and no acknowledged write lost (findings 4, 6 and 8)."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from typing import Any

import asyncpg
import httpx
from sqlalchemy import MetaData, insert, select, text
from sqlalchemy.ext.asyncio import create_async_engine

from deploy.local.supergraph import Running
from subgraphs.platform.kernel.ids import new_id
from subgraphs.platform.sql.outbox import OutboxRelay, outbox_table
from tests.faults.harness import FaultStack
from tests.waiting import eventually

LISTING = "query($first: Int!) { products(first: $first) { nodes { id } } }"


def dsn(stack: FaultStack) -> str:
    return stack.env()["DATABASE_URL"].replace("postgresql+asyncpg://", "postgresql://")


async def test_postgres_down_is_a_coded_503_with_retry_after_and_heals_by_itself(
    fault_router: httpx.AsyncClient, fault_supergraph: Running, fault_stack: FaultStack
) -> None:
    fault_stack.kill("postgres")
    try:
        # A page size no earlier request used: the router's public cache cannot answer it.
        down = await fault_router.post("/graphql", json={"query": LISTING, "variables": {"first": 17}})
        assert down.status_code == 503, down.text
        assert down.headers["retry-after"] == "1"
        errors = down.json()["errors"]
        assert {e["extensions"]["code"] for e in errors} == {"SERVICE_UNAVAILABLE"}, errors
        async with httpx.AsyncClient(timeout=5) as client:
            ready = await client.get(fault_supergraph.urls["products"].removesuffix("/graphql") + "/ready")
        assert ready.status_code == 503
        assert ready.json()["postgres"].startswith("error")
    finally:
        await fault_stack.restart("postgres")

    async def answers() -> dict[str, Any] | None:
        response = await fault_router.post("/graphql", json={"query": LISTING, "variables": {"first": 17}})
        body: dict[str, Any] = response.json()
        return body if response.status_code == 200 and "errors" not in body else None

    await eventually(answers, within=5)


class _Producer:
    def __init__(self) -> None:
        self.sent: list[bytes] = []

    async def send(self, topic: str, value: bytes, key: bytes, headers: list[tuple[str, bytes]]) -> Any:
        self.sent.append(value)
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        done.set_result(None)
        return done


async def test_exactly_one_relay_leads_and_leadership_survives_a_postgres_restart(
    fault_stack: FaultStack,
) -> None:
    engine = create_async_engine(fault_stack.env()["DATABASE_URL"], pool_pre_ping=True)
    # An outbox of its own (its own lock): the supergraph's relays lead theirs meanwhile.
    outbox = outbox_table(MetaData(schema="relay_faults"))
    async with engine.begin() as conn:
        await conn.execute(text("CREATE SCHEMA IF NOT EXISTS relay_faults"))
        await conn.run_sync(outbox.metadata.create_all)
    stop = asyncio.Event()
    relays = [
        OutboxRelay(engine, outbox, _Producer(), dsn(fault_stack), poll_interval=0.2, standby_interval=0.3)
        for _ in range(2)
    ]
    tasks = [asyncio.create_task(r.run(stop)) for r in relays]

    async def one_leader() -> list[OutboxRelay] | None:
        leaders = [r for r in relays if r.state == "leading"]
        return (
            leaders if len(leaders) == 1 and all(r.state in ("leading", "standby") for r in relays) else None
        )

    async def published(row_id: uuid.UUID) -> bool:
        with contextlib.suppress(Exception):
            async with engine.connect() as conn:
                at = await conn.scalar(select(outbox.c.published_at).where(outbox.c.id == row_id))
                return at is not None
        return False

    async def write_row() -> uuid.UUID:
        row_id = new_id()
        async with engine.begin() as conn:
            await conn.execute(
                insert(outbox).values(
                    id=row_id,
                    topic="faults.test",
                    aggregate_id=new_id(),
                    event_type="fault.test",
                    payload=b"{}",
                )
            )
        return row_id

    try:
        await eventually(one_leader, within=5)
        fault_stack.kill("postgres")
        await fault_stack.restart("postgres")
        # The old lock died with its connection: one relay leads again, and publishes.
        await eventually(one_leader, within=5)
        row = await write_row()
        await eventually(lambda: published(row), within=5)
        # The leader dies: the standby takes over within seconds.
        (leader,) = [r for r in relays if r.state == "leading"]
        index = relays.index(leader)
        tasks[index].cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await tasks[index]
        survivor = relays[1 - index]
        await eventually(lambda: asyncio.sleep(0, survivor.state == "leading"), within=5)
        row = await write_row()
        await eventually(lambda: published(row), within=5)
    finally:
        stop.set()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await engine.dispose()


async def test_no_acknowledged_write_is_lost_when_postgres_is_killed(fault_stack: FaultStack) -> None:
    conn = await asyncpg.connect(dsn(fault_stack))
    try:
        assert await conn.fetchval("SHOW synchronous_commit") == "on"
        assert await conn.fetchval("SHOW fsync") == "on"
        await conn.execute("CREATE TABLE IF NOT EXISTS public.fault_writes (id uuid PRIMARY KEY)")
    finally:
        await conn.close()
    acknowledged: list[uuid.UUID] = []

    async def writer() -> None:
        c = await asyncpg.connect(dsn(fault_stack))
        with contextlib.suppress(Exception):
            while True:
                row = new_id()
                await c.execute("INSERT INTO public.fault_writes (id) VALUES ($1)", row)
                acknowledged.append(row)  # COMMIT returned: the write was acknowledged

    writers = [asyncio.create_task(writer()) for _ in range(4)]
    await eventually(lambda: asyncio.sleep(0, len(acknowledged) > 300), within=20)
    fault_stack.kill("postgres")
    await asyncio.gather(*writers, return_exceptions=True)
    await fault_stack.restart("postgres")
    conn = await asyncpg.connect(dsn(fault_stack))
    try:
        stored = {r["id"] for r in await conn.fetch("SELECT id FROM public.fault_writes")}
    finally:
        await conn.close()
    lost = [row for row in acknowledged if row not in stored]
    assert lost == [], f"{len(lost)} of {len(acknowledged)} acknowledged writes lost"
