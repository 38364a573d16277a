"""Kafka adapters: an acks=all producer for the outbox relay and an idempotent consumer loop.

Offsets are committed only after the database transaction that recorded the event commits,
so a crash replays events and the processed-events table drops the repeats.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.errors import KafkaError
from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from subgraphs.platform.events import Event
from subgraphs.platform.idempotency import claim_event

logger = logging.getLogger("kafka")

EventHandler = Callable[[AsyncConnection, Event], Awaitable[None]]


def make_producer(bootstrap_servers: str, client_id: str) -> AIOKafkaProducer:
    # Idempotent producer stays off: the dev broker (Tansu) rejects InitProducerId, and the
    # outbox + idempotent consumers already make duplicates harmless.
    return AIOKafkaProducer(
        bootstrap_servers=bootstrap_servers,
        client_id=client_id,
        acks="all",
        linger_ms=2,
        request_timeout_ms=15000,
    )


class IdempotentConsumer:
    def __init__(
        self,
        *,
        bootstrap_servers: str,
        group_id: str,
        topics: Sequence[str],
        engine: AsyncEngine,
        processed_table: Table,
        handler: EventHandler,
        after_commit: Callable[[Event], Awaitable[None]] | None = None,
    ) -> None:
        self._bootstrap = bootstrap_servers
        self._group_id = group_id
        self._topics = list(topics)
        self._engine = engine
        self._processed = processed_table
        self._handler = handler
        self._after_commit = after_commit
        self.handled = 0
        self.duplicates = 0

    async def handle(self, raw: bytes) -> bool:
        """Apply one event at most once; True when its handler ran."""
        event = Event.from_json(raw)
        async with self._engine.begin() as conn:
            if not await claim_event(conn, self._processed, self._group_id, event.id):
                self.duplicates += 1
                return False
            await self._handler(conn, event)
        # Effects outside the database (cache drops) only once the change is committed.
        if self._after_commit is not None:
            await self._after_commit(event)
        self.handled += 1
        return True

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            consumer = AIOKafkaConsumer(
                *self._topics,
                bootstrap_servers=self._bootstrap,
                group_id=self._group_id,
                enable_auto_commit=False,
                auto_offset_reset="earliest",
                metadata_max_age_ms=5000,
            )
            try:
                await consumer.start()
                await self._consume(consumer, stop)
            except KafkaError:
                logger.warning("consumer %s lost Kafka; reconnecting", self._group_id)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), 2.0)
            finally:
                with contextlib.suppress(Exception):
                    await consumer.stop()

    async def _consume(self, consumer: AIOKafkaConsumer, stop: asyncio.Event) -> None:
        while not stop.is_set():
            batches = await consumer.getmany(timeout_ms=500, max_records=500)
            for messages in batches.values():
                for message in messages:
                    try:
                        await self.handle(message.value)
                    except (ValueError, KeyError):
                        # A message we cannot parse is skipped, not retried forever.
                        logger.exception("dropping malformed event", extra={"offset": message.offset})
            if batches:
                await consumer.commit()
