"""A consumer group that applies events in batches (a high-volume log persisted in bulk).

The handler gets every event a poll returned (up to `max_records`) and must be idempotent on its
own (an insert that ignores ids it has, say): there is no claim per event. It may return the
events it could not apply: those alone are dead-lettered, the rest of the batch stands. Offsets are
committed after the handler returns, so a crash in between redelivers the batch. An outage is
retried until the service is back; another failure `max_attempts` times, then the batch's events
go to the dead-letter topic and the group moves on.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord, TopicPartition
from aiokafka.errors import KafkaError
from aiokafka.structs import OffsetAndMetadata

from subgraphs.contracts.dead_letters import DEAD_LETTER_TOPIC
from subgraphs.platform.faults import unavailable_dependency
from subgraphs.platform.kernel.messages import Envelope, MalformedEvent, Topic
from subgraphs.platform.messaging.kafka import close_quietly, make_producer

logger = logging.getLogger("kafka")
# Events a batch handler set aside, each with the error it met.
Rejected = Sequence[tuple[Envelope, Exception]]
BatchHandler = Callable[[list[Envelope]], Awaitable[Rejected | None]]


class BatchedConsumer:
    def __init__(
        self,
        *,
        bootstrap_servers: str,
        group_id: str,
        topics: Sequence[Topic],
        handler: BatchHandler,
        max_records: int = 1000,
        max_attempts: int = 5,
    ) -> None:
        self._bootstrap = bootstrap_servers
        self._group_id = group_id
        self._topics = [t.name for t in topics]
        self._handler = handler
        self._max_records = max_records
        self._max_attempts = max_attempts
        self.applied = 0
        self.dead_lettered = 0
        self.state = "starting"

    async def run(self, stop: asyncio.Event) -> None:
        try:
            while not stop.is_set():
                consumer = AIOKafkaConsumer(
                    *self._topics,
                    bootstrap_servers=self._bootstrap,
                    group_id=self._group_id,
                    enable_auto_commit=False,
                    auto_offset_reset="earliest",
                    metadata_max_age_ms=5000,
                    session_timeout_ms=6000,
                    heartbeat_interval_ms=1000,
                )
                try:
                    self.state = "connecting"
                    await consumer.start()
                    await self._consume(consumer, stop)
                except KafkaError:
                    self.state = "retrying: kafka"
                    logger.warning("batch consumer %s lost Kafka; reconnecting", self._group_id)
                    await _pause(stop, 1.0)
                finally:
                    await close_quietly(consumer)
        finally:
            self.state = "stopped"

    async def _consume(self, consumer: AIOKafkaConsumer, stop: asyncio.Event) -> None:
        self.state = "running"
        attempts = 0
        while not stop.is_set():
            batches = await consumer.getmany(timeout_ms=1000, max_records=self._max_records)
            records = [r for partition in batches.values() for r in partition]
            if not records:
                continue
            envelopes: list[Envelope] = []
            record_of: dict[int, ConsumerRecord[bytes, bytes]] = {}
            for record in records:
                try:
                    envelope = Envelope.from_json(record.value)
                except MalformedEvent as exc:
                    await self._dead_letter([record], exc)
                    continue
                envelopes.append(envelope)
                record_of[id(envelope)] = record
            try:
                rejected = await self._handler(envelopes)
            except Exception as exc:
                dependency = unavailable_dependency(exc)
                attempts += 1
                if dependency is None:
                    logger.exception("batch consumer %s failed on a batch", self._group_id)
                if dependency is not None or attempts < self._max_attempts:
                    self.state = f"retrying: {dependency or 'handler error'}"
                    for partition, got in batches.items():
                        consumer.seek(partition, got[0].offset)  # the same batch again
                    await _pause(stop, min(5.0, 0.1 * 2**attempts))
                    continue
                await self._dead_letter(records, exc)
                rejected = None
            for envelope, why in rejected or ():
                await self._dead_letter([record_of[id(envelope)]], why)
            attempts = 0
            self.applied += len(envelopes)
            self.state = "running"
            done = {p: OffsetAndMetadata(got[-1].offset + 1, "") for p, got in batches.items()}
            await consumer.commit(done)

    async def _dead_letter(self, records: list[ConsumerRecord[bytes, bytes]], exc: Exception) -> None:
        producer: AIOKafkaProducer = make_producer(self._bootstrap, f"{self._group_id}-dead-letters")
        await producer.start()
        try:
            for record in records:
                headers = [
                    ("dl-group", self._group_id),
                    ("dl-topic", record.topic),
                    ("dl-partition", str(record.partition)),
                    ("dl-offset", str(record.offset)),
                    ("dl-error", f"{type(exc).__name__}: {exc}"[:500]),
                ]
                await producer.send_and_wait(
                    DEAD_LETTER_TOPIC.name,
                    value=record.value,
                    key=record.key,
                    headers=[(name, value.encode()) for name, value in headers],
                )
                self.dead_lettered += 1
        finally:
            await close_quietly(producer)
        logger.error("batch consumer %s dead-lettered %d events", self._group_id, len(records))


async def _pause(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)


__all__ = ["BatchHandler", "BatchedConsumer", "TopicPartition"]
