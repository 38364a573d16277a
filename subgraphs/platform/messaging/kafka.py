"""Kafka adapters: an acks=all producer for the outbox relay and an idempotent consumer loop.

Offsets are committed only after the handler's transaction (effect + claim) commits, so a crash
replays events and the claims drop the repeats.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.errors import KafkaError

from subgraphs.platform.kernel.messages import Envelope, MalformedEvent, Topic
from subgraphs.platform.kernel.unit_of_work import AlreadyProcessed, Claim

logger = logging.getLogger("kafka")

EventHandler = Callable[[Envelope, Claim], Awaitable[None]]


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
    """One consumer group: hands each event to `handler` with the claim that makes it happen once.

    The handler applies the event through a unit of work opened with that claim (the claim and
    the effect commit together); a unit of work that finds the claim taken raises
    `AlreadyProcessed`, and the event is acknowledged without effect.
    """

    def __init__(
        self,
        *,
        bootstrap_servers: str,
        group_id: str,
        topics: Sequence[Topic],
        handler: EventHandler,
    ) -> None:
        self._bootstrap = bootstrap_servers
        self._group_id = group_id
        self._topics = [t.name for t in topics]
        self._handler = handler
        self.handled = 0
        self.duplicates = 0

    async def handle(self, raw: bytes) -> bool:
        """Apply one event at most once; True when its handler ran to the end."""
        envelope = Envelope.from_json(raw)
        try:
            await self._handler(envelope, Claim(self._group_id, envelope.id))
        except AlreadyProcessed:
            self.duplicates += 1
            return False
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
                    except MalformedEvent:
                        # A message we cannot parse is skipped, not retried forever.
                        logger.exception("dropping malformed event", extra={"offset": message.offset})
            if batches:
                await consumer.commit()
