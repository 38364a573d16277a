"""The services `deploy.local.stack run` starts are reachable through the URLs it exports."""

from __future__ import annotations

import asyncio
import os
import uuid

import asyncpg
import redis.asyncio as redis
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer


def _postgres_dsn() -> str:
    # The exported URL is SQLAlchemy's; asyncpg wants the plain scheme.
    return os.environ["DATABASE_URL"].replace("postgresql+asyncpg://", "postgresql://", 1)


async def test_database_url_opens_the_marketplace_database_on_postgres_18() -> None:
    conn = await asyncpg.connect(_postgres_dsn())
    try:
        database = await conn.fetchval("SELECT current_database()")
        major = await conn.fetchval("SELECT current_setting('server_version_num')::int / 10000")
    finally:
        await conn.close()
    assert database == "marketplace"
    assert major == 18


async def test_postgres_is_tuned_for_the_profile() -> None:
    conn = await asyncpg.connect(_postgres_dsn())
    try:
        fsync = await conn.fetchval("SHOW fsync")
        max_connections = await conn.fetchval("SHOW max_connections")
        shared_buffers = await conn.fetchval("SHOW shared_buffers")
    finally:
        await conn.close()
    expected_fsync = "off" if os.environ["STACK_PROFILE"] == "test" else "on"
    assert (fsync, max_connections, shared_buffers) == (expected_fsync, "300", "256MB")


async def test_redis_url_stores_and_returns_a_value() -> None:
    client = redis.from_url(os.environ["REDIS_URL"])
    key = f"stack-test:{uuid.uuid4()}"
    try:
        await client.set(key, "value", ex=60)
        assert await client.get(key) == b"value"
    finally:
        await client.delete(key)
        await client.aclose()


async def test_kafka_delivers_a_message_to_a_consumer_group() -> None:
    bootstrap = os.environ["KAFKA_BOOTSTRAP_SERVERS"]
    topic = f"stack-test-{uuid.uuid4().hex[:12]}"  # auto-created on first use
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all")
    await producer.start()
    try:
        await producer.send_and_wait(topic, b"hello", key=b"k")
    finally:
        await producer.stop()

    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        group_id=f"group-{topic}",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await consumer.start()
    try:
        message = await asyncio.wait_for(consumer.getone(), timeout=30)
        await consumer.commit()
    finally:
        await consumer.stop()
    assert (message.key, message.value) == (b"k", b"hello")
