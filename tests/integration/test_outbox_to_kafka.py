"""The transactional outbox on real PostgreSQL and Kafka: delivery, keys, duplicates, restarts."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from subgraphs.contracts.access import Principal
from subgraphs.contracts.products import CATALOG_TOPIC, CatalogChanged
from subgraphs.platform.kernel.ids import new_id
from subgraphs.platform.kernel.messages import Envelope
from subgraphs.platform.kernel.unit_of_work import Claim
from subgraphs.platform.messaging.kafka import EventHandler, IdempotentConsumer, make_producer
from subgraphs.platform.settings import Settings
from subgraphs.platform.sql.engine import create_engine
from subgraphs.platform.sql.migrations import migrate
from subgraphs.platform.sql.outbox import OutboxRelay
from subgraphs.products.adapters import tables
from subgraphs.products.adapters.tables import MIGRATIONS
from subgraphs.products.adapters.unit_of_work import catalog_unit_of_work
from subgraphs.products.service_layer.commands import CategorySpec
from subgraphs.products.service_layer.taxonomy import Taxonomy

ADMIN = Principal(new_id(), roles=frozenset({"admin"}))


@pytest.fixture(scope="module")
async def engine(settings: Settings) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(settings)
    await migrate(engine, MIGRATIONS, tables.SCHEMA)
    yield engine
    await engine.dispose()


@pytest.fixture
async def producer(settings: Settings) -> AsyncIterator[AIOKafkaProducer]:
    producer = make_producer(settings.kafka_bootstrap_servers, "test-relay")
    await producer.start()
    yield producer
    await producer.stop()


def relay(engine: AsyncEngine, producer: AIOKafkaProducer, settings: Settings) -> OutboxRelay:
    return OutboxRelay(engine, tables.outbox, producer, settings.asyncpg_dsn, batch_size=1000)


async def drain(relay: OutboxRelay) -> None:
    while await relay.publish_batch():
        pass


async def read_topic(
    settings: Settings, topic: str, wanted: set[str], expected: int, within: float = 20.0
) -> list[Any]:
    """Every message on `topic` whose event id is in `wanted`, once `expected` have arrived."""
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=settings.kafka_bootstrap_servers,
        group_id=f"test-{uuid.uuid4().hex}",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await consumer.start()
    found: list[Any] = []
    try:
        deadline = asyncio.get_running_loop().time() + within
        while len(found) < expected and asyncio.get_running_loop().time() < deadline:
            batches = await consumer.getmany(timeout_ms=500)
            for messages in batches.values():
                found.extend(m for m in messages if dict(m.headers).get("event_id", b"").decode() in wanted)
    finally:
        await consumer.stop()
    return found


async def a_category_change(engine: AsyncEngine) -> uuid.UUID:
    taxonomy = Taxonomy(catalog_unit_of_work(engine))
    [category_id] = await taxonomy.create_categories(ADMIN, [CategorySpec(name=f"Outbox {new_id()}")])
    return category_id


def consumer_of(settings: Settings, handler: EventHandler, group: str | None = None) -> IdempotentConsumer:
    return IdempotentConsumer(
        bootstrap_servers=settings.kafka_bootstrap_servers,
        group_id=group or f"test-{uuid.uuid4().hex}",
        topics=[CATALOG_TOPIC],
        handler=handler,
    )


def recording(engine: AsyncEngine, applied: list[uuid.UUID]) -> EventHandler:
    """A handler whose effect is a committed claim (what every real consumer's unit of work does)."""
    open_unit_of_work = catalog_unit_of_work(engine)

    async def handler(envelope: Envelope, claim: Claim) -> None:
        async with open_unit_of_work(claim) as uow:
            await uow.commit()
        applied.append(envelope.id)

    return handler


async def outbox_ids_for(engine: AsyncEngine, aggregate_id: uuid.UUID) -> list[uuid.UUID]:
    async with engine.connect() as conn:
        return list(
            await conn.scalars(select(tables.outbox.c.id).where(tables.outbox.c.aggregate_id == aggregate_id))
        )


async def test_a_change_and_its_event_commit_together(engine: AsyncEngine) -> None:
    category_id = await a_category_change(engine)
    assert len(await outbox_ids_for(engine, category_id)) == 1


async def test_a_rolled_back_change_leaves_no_event(engine: AsyncEngine) -> None:
    open_unit_of_work = catalog_unit_of_work(engine)
    event = CatalogChanged(kind="category", ids=[new_id()])

    async def failing_use_case() -> None:
        async with open_unit_of_work() as uow:
            uow.events.append(event)
            raise RuntimeError("use case failed before commit")

    with pytest.raises(RuntimeError):
        await failing_use_case()
    assert await outbox_ids_for(engine, event.aggregate_id) == []


async def test_the_relay_publishes_keyed_by_aggregate_and_marks_rows_sent(
    engine: AsyncEngine, producer: AIOKafkaProducer, settings: Settings
) -> None:
    category_id = await a_category_change(engine)
    [event_id] = await outbox_ids_for(engine, category_id)
    await drain(relay(engine, producer, settings))
    [message] = await read_topic(settings, CATALOG_TOPIC.name, {str(event_id)}, expected=1)
    assert message.key == str(category_id).encode()
    assert Envelope.from_json(message.value).id == event_id
    async with engine.connect() as conn:
        sent = await conn.scalar(select(tables.outbox.c.published_at).where(tables.outbox.c.id == event_id))
    assert sent is not None


async def test_a_relay_crash_after_publishing_sends_again_and_consumers_apply_once(
    engine: AsyncEngine, producer: AIOKafkaProducer, settings: Settings
) -> None:
    category_id = await a_category_change(engine)
    [event_id] = await outbox_ids_for(engine, category_id)
    await drain(relay(engine, producer, settings))
    # The relay died between Kafka's ack and its UPDATE: the row still looks unsent.
    async with engine.begin() as conn:
        await conn.execute(
            update(tables.outbox).where(tables.outbox.c.id == event_id).values(published_at=None)
        )
    await drain(relay(engine, producer, settings))
    copies = await read_topic(settings, CATALOG_TOPIC.name, {str(event_id)}, expected=2)
    assert len(copies) == 2

    applied: list[uuid.UUID] = []
    consumer = consumer_of(settings, recording(engine, applied))
    results = [await consumer.handle(m.value) for m in copies]
    assert results == [True, False]
    assert applied == [event_id]


async def test_a_failing_handler_rolls_back_its_claim_so_the_event_is_retried(
    engine: AsyncEngine, settings: Settings
) -> None:
    raw = Envelope.wrap(CatalogChanged(kind="category", ids=[new_id()])).to_json()
    open_unit_of_work = catalog_unit_of_work(engine)
    calls = 0

    async def flaky(_envelope: Envelope, claim: Claim) -> None:
        nonlocal calls
        calls += 1
        async with open_unit_of_work(claim) as uow:
            await uow.repo.category_exists(new_id())  # some work in the transaction
            if calls == 1:
                raise ConnectionError("cache unreachable")
            await uow.commit()

    consumer = consumer_of(settings, flaky)
    with pytest.raises(ConnectionError):
        await consumer.handle(raw)
    assert await consumer.handle(raw) is True
    assert await consumer.handle(raw) is False
    assert calls == 3


async def test_the_consumer_loop_reads_from_kafka_and_survives_a_restart(
    engine: AsyncEngine, producer: AIOKafkaProducer, settings: Settings
) -> None:
    group = f"test-{uuid.uuid4().hex}"
    seen: list[uuid.UUID] = []
    claims: list[uuid.UUID] = []
    claimed = recording(engine, claims)

    async def handler(envelope: Envelope, claim: Claim) -> None:
        await claimed(envelope, claim)
        seen.append(envelope.aggregate_id)

    mine = [await a_category_change(engine) for _ in range(3)]
    await drain(relay(engine, producer, settings))

    async def run_until(predicate: Any) -> None:
        consumer = consumer_of(settings, handler, group)
        stop = asyncio.Event()
        task = asyncio.create_task(consumer.run(stop))
        try:
            for _ in range(200):
                if predicate():
                    break
                await asyncio.sleep(0.1)
        finally:
            stop.set()
            await asyncio.wait_for(task, 15)

    await run_until(lambda: set(mine) <= set(seen))
    assert set(mine) <= set(seen)
    more = await a_category_change(engine)
    await drain(relay(engine, producer, settings))
    await run_until(lambda: more in seen)
    assert seen.count(more) == 1
    assert all(seen.count(m) == 1 for m in mine)
