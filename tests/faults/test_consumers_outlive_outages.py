"""Consumers outlive Valkey and PostgreSQL outages: the event waits, is retried, and is applied once.

Findings 2 and 3: a Redis or database error used to end the consumer task for good, silently,
so the catalogue version was never bumped again. Here an event arrives while the service its
effect needs is down; after the service is back the effect happens within seconds, exactly once,
and readiness said what the consumer was waiting for meanwhile.
"""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import asyncpg
import httpx
from aiokafka import AIOKafkaProducer

from deploy.local.supergraph import Running
from subgraphs.contracts.products import PRODUCT_TOPIC, ProductUpdated
from subgraphs.platform.kernel.ids import new_id
from subgraphs.platform.kernel.messages import Envelope
from tests.faults.harness import FaultStack
from tests.waiting import eventually

GROUPS = ("products-cache-invalidator", "products-category-counter")


async def publish_product_update(stack: FaultStack) -> uuid.UUID:
    event = ProductUpdated(
        product_id=new_id(), seller_id=new_id(), status="active", category_id=new_id(), version=2
    )
    envelope = Envelope.wrap(event)
    producer = AIOKafkaProducer(bootstrap_servers=stack.env()["KAFKA_BOOTSTRAP_SERVERS"], acks="all")
    await producer.start()
    try:
        await producer.send_and_wait(
            PRODUCT_TOPIC.name, envelope.to_json(), key=str(event.product_id).encode()
        )
    finally:
        await producer.stop()
    return envelope.id


async def claims(stack: FaultStack, event_id: uuid.UUID) -> set[str]:
    dsn = stack.env()["DATABASE_URL"].replace("postgresql+asyncpg://", "postgresql://")
    try:
        conn = await asyncpg.connect(dsn, timeout=2)
    except (OSError, asyncpg.PostgresError):
        return set()
    try:
        rows = await conn.fetch(
            "SELECT consumer FROM products.processed_events WHERE event_id = $1", event_id
        )
    finally:
        await conn.close()
    return {row["consumer"] for row in rows}


async def readiness(supergraph: Running) -> tuple[int, dict[str, Any]]:
    url = supergraph.urls["products"].removesuffix("/graphql") + "/ready"
    async with httpx.AsyncClient(timeout=5) as client:
        response = await client.get(url)
    body: dict[str, Any] = response.json()
    return response.status_code, body


async def test_an_event_that_arrives_while_valkey_is_down_is_applied_once_it_is_back(
    fault_supergraph: Running, fault_stack: FaultStack
) -> None:
    fault_stack.kill("valkey")
    try:
        event_id = await publish_product_update(fault_stack)

        async def waiting_for_redis() -> dict[str, Any] | None:
            status, body = await readiness(fault_supergraph)
            state = body["workers"].get("consumer:products-cache-invalidator", "")
            return (
                body
                if status == 200 and body["status"] == "degraded" and state == "retrying: redis"
                else None
            )

        await eventually(waiting_for_redis, within=15)
        # The counter needs only PostgreSQL: it applied the event meanwhile.
        assert await claims(fault_stack, event_id) == {"products-category-counter"}
    finally:
        await fault_stack.restart("valkey", wipe=True)

    async def applied_by_both() -> set[str] | None:
        found = await claims(fault_stack, event_id)
        return found if found == set(GROUPS) else None

    await eventually(applied_by_both, within=5)

    async def all_running() -> dict[str, Any] | None:
        status, body = await readiness(fault_supergraph)
        return body if status == 200 and body["status"] == "ok" else None

    await eventually(all_running, within=5)


async def test_an_event_that_arrives_while_postgres_is_down_is_applied_once_it_is_back(
    fault_supergraph: Running, fault_stack: FaultStack
) -> None:
    fault_stack.kill("postgres")
    try:
        event_id = await publish_product_update(fault_stack)

        async def waiting_for_postgres() -> dict[str, Any] | None:
            status, body = await readiness(fault_supergraph)
            states = [body["workers"].get(f"consumer:{g}", "") for g in GROUPS]
            waiting = all(s.startswith("retrying") for s in states)
            return body if status == 503 and body["status"] == "unavailable" and waiting else None

        await eventually(waiting_for_postgres, within=15)
        await asyncio.sleep(1)  # a few retries' worth of backoff
    finally:
        await fault_stack.restart("postgres")

    async def applied_by_both() -> set[str] | None:
        found = await claims(fault_stack, event_id)
        return found if found == set(GROUPS) else None

    await eventually(applied_by_both, within=5)
