"""A consumer never drops, skips or dies on an event: it retries, then dead-letters a poison one."""

from __future__ import annotations

import asyncio
import contextlib
import os
import uuid
from collections.abc import AsyncIterator

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from redis.exceptions import ConnectionError as RedisConnectionError

from subgraphs.contracts.dead_letters import DEAD_LETTER_TOPIC
from subgraphs.contracts.products import CatalogChanged
from subgraphs.platform.kernel.ids import new_id
from subgraphs.platform.kernel.messages import Envelope, Topic
from subgraphs.platform.kernel.unit_of_work import Claim
from subgraphs.platform.messaging.kafka import EventHandler, IdempotentConsumer
from tests.waiting import eventually

BOOTSTRAP = os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "")


def envelope() -> Envelope:
    return Envelope.wrap(CatalogChanged(kind="category", ids=[new_id()]))


async def publish(topic: str, values: list[bytes]) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=BOOTSTRAP, acks="all")
    await producer.start()
    try:
        for value in values:
            await producer.send_and_wait(topic, value, key=b"k")  # one partition: order is kept
    finally:
        await producer.stop()


async def dead_letters_of(group: str, count: int) -> list[tuple[bytes, dict[str, str]]]:
    consumer = AIOKafkaConsumer(
        DEAD_LETTER_TOPIC.name,
        bootstrap_servers=BOOTSTRAP,
        group_id=f"reader-{group}",
        auto_offset_reset="earliest",
    )
    await consumer.start()
    found: list[tuple[bytes, dict[str, str]]] = []
    try:
        async with asyncio.timeout(30):
            async for message in consumer:
                headers = {k: v.decode() for k, v in message.headers}
                if headers.get("dl-group") == group:
                    found.append((message.value, headers))
                    if len(found) == count:
                        return found
    finally:
        await consumer.stop()
    return found


@contextlib.asynccontextmanager
async def consuming(
    topic: Topic, handler: EventHandler, max_attempts: int
) -> AsyncIterator[IdempotentConsumer]:
    """A consumer group of its own on `topic`, running until the block ends."""
    consumer = IdempotentConsumer(
        bootstrap_servers=BOOTSTRAP,
        group_id=f"group-{topic.name}",
        topics=[topic],
        handler=handler,
        max_attempts=max_attempts,
        max_backoff_seconds=0.2,
    )
    stop = asyncio.Event()
    task = asyncio.create_task(consumer.run(stop))
    try:
        yield consumer
    finally:
        stop.set()
        await task


async def test_a_poison_event_is_dead_lettered_after_its_attempts_and_the_partition_moves_on() -> None:
    topic = Topic(f"consumer-failures-{uuid.uuid4().hex[:10]}")
    poison, healthy = envelope(), envelope()
    attempts: dict[uuid.UUID, int] = {}
    applied: list[uuid.UUID] = []

    async def handler(event: Envelope, claim: Claim) -> None:
        attempts[event.id] = attempts.get(event.id, 0) + 1
        if event.id == poison.id:
            raise RuntimeError("a bug that no retry fixes")
        if attempts[event.id] < 3:
            raise RedisConnectionError("Valkey is away")  # an outage: retried, never dead-lettered
        applied.append(event.id)

    await publish(topic.name, [b"not an envelope", poison.to_json(), healthy.to_json()])
    async with consuming(topic, handler, max_attempts=3) as consumer:
        await eventually(lambda: asyncio.sleep(0, applied), within=60)
    assert applied == [healthy.id]
    assert attempts == {poison.id: 3, healthy.id: 3}
    letters = await dead_letters_of(f"group-{topic.name}", 2)
    assert [value for value, _ in letters] == [b"not an envelope", poison.to_json()]
    malformed, bug = (headers for _, headers in letters)
    assert (malformed["dl-topic"], malformed["dl-attempts"]) == (topic.name, "1")
    assert bug["dl-attempts"] == "3"
    assert bug["dl-error"].startswith("RuntimeError: a bug")
    assert consumer.dead_lettered == 2


async def test_a_consumer_retries_an_outage_until_it_ends_and_commits_only_after_the_effect() -> None:
    topic = Topic(f"consumer-outage-{uuid.uuid4().hex[:10]}")
    event = envelope()
    outage = {"on": True}
    applied: list[uuid.UUID] = []

    async def handler(received: Envelope, claim: Claim) -> None:
        if outage["on"]:
            raise RedisConnectionError("Valkey is away")
        applied.append(received.id)

    await publish(topic.name, [event.to_json()])
    async with consuming(topic, handler, max_attempts=2) as consumer:
        await eventually(lambda: asyncio.sleep(0, consumer.state == "retrying: redis"), within=30)
        await asyncio.sleep(1.0)  # many more attempts than max_attempts: an outage is never poison
        assert applied == []
        assert consumer.dead_lettered == 0
        outage["on"] = False
        await eventually(lambda: asyncio.sleep(0, applied), within=10)
        assert consumer.state == "running"
    assert applied == [event.id]
    assert consumer.state == "stopped"
