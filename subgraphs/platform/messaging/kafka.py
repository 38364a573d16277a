"""Kafka adapters: an acks=all producer for the outbox relay and an idempotent consumer loop.

Offsets are committed only after the handler's transaction (effect + claim) commits, so a crash
replays events and the claims drop the repeats; a failing event is retried, or set aside on the
dead-letter topic (subgraphs/contracts/dead_letters.py), never dropped and never skipped.
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
from subgraphs.platform.kernel.unit_of_work import AlreadyProcessed, Claim

logger = logging.getLogger("kafka")

EventHandler = Callable[[Envelope, Claim], Awaitable[None]]
# Keys of one partition whose events are applied side by side (each key's in order).
KEYS_IN_FLIGHT = 16


async def close_quietly(client: AIOKafkaConsumer | AIOKafkaProducer, seconds: float = 5.0) -> None:
    """Stops a client after its broker went away, whatever that raises. aiokafka's stop cancels
    its in-flight fetches and can re-raise their CancelledError: swallowed here unless this
    task itself is being cancelled, or the caller's loop would end as if it had been."""
    task = asyncio.current_task()
    try:
        await asyncio.wait_for(client.stop(), seconds)
    except asyncio.CancelledError:
        if task is not None and task.cancelling():
            raise
    except Exception:
        logger.debug("closing a Kafka client failed", exc_info=True)


def make_producer(bootstrap_servers: str, client_id: str) -> AIOKafkaProducer:
    # Idempotent producer stays off: the dev broker (Tansu) rejects InitProducerId, and the
    # outbox + idempotent consumers already make duplicates harmless.
    return AIOKafkaProducer(
        bootstrap_servers=bootstrap_servers,
        client_id=client_id,
        acks="all",
        linger_ms=2,
        # A produce request lost with a broker restart is retried after at most this, so the
        # outbox catches up within seconds of the broker being back.
        request_timeout_ms=5000,
    )


class IdempotentConsumer:
    """One consumer group: hands each event to `handler` with the claim that makes it happen once.

    The handler applies the event through a unit of work opened with that claim (the claim and
    the effect commit together); a unit of work that finds the claim taken raises
    `AlreadyProcessed`, and the event is acknowledged without effect.

    An offset is committed only after its event's effect: a failing event is retried from its
    own offset (its key waits, so per-key order holds) with capped exponential backoff; the
    events of other keys are applied meanwhile (`_apply_in_order`).
    An outage (`unavailable_dependency`) is retried until the service is back; any other
    failure `max_attempts` times, then the event goes to the dead-letter topic and the
    partition moves on. `state` says which (`/ready` reports it).
    """

    def __init__(
        self,
        *,
        bootstrap_servers: str,
        group_id: str,
        topics: Sequence[Topic],
        handler: EventHandler,
        max_attempts: int = 5,
        max_backoff_seconds: float = 5.0,
    ) -> None:
        self._bootstrap = bootstrap_servers
        self._group_id = group_id
        self._topics = [t.name for t in topics]
        self._handler = handler
        self._max_attempts = max_attempts
        self._max_backoff = max_backoff_seconds
        self._attempts: dict[tuple[str, int, int], int] = {}
        self._dead_letters: AIOKafkaProducer | None = None
        self.handled = 0
        self.duplicates = 0
        self.dead_lettered = 0
        self.state = "starting"

    @property
    def group_id(self) -> str:
        return self._group_id

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
        try:
            while not stop.is_set():
                consumer = AIOKafkaConsumer(
                    *self._topics,
                    bootstrap_servers=self._bootstrap,
                    group_id=self._group_id,
                    enable_auto_commit=False,
                    auto_offset_reset="earliest",
                    metadata_max_age_ms=5000,
                    # A member that died is noticed (and its partitions handed on) within 6 s, the
                    # broker's minimum; heartbeats every second.
                    session_timeout_ms=6000,
                    heartbeat_interval_ms=1000,
                )
                try:
                    self.state = "connecting"
                    await consumer.start()
                    await self._consume(consumer, stop)
                except KafkaError:
                    self.state = "retrying: kafka"
                    logger.warning("consumer %s lost Kafka; reconnecting", self._group_id)
                    await _sleep_or_stop(stop, 1.0)
                finally:
                    await close_quietly(consumer)
        finally:
            self.state = "stopped"
            if self._dead_letters is not None:
                with contextlib.suppress(Exception):
                    await self._dead_letters.stop()

    async def _consume(self, consumer: AIOKafkaConsumer, stop: asyncio.Event) -> None:
        failures = 0
        self.state = "running"
        while not stop.is_set():
            batches = await consumer.getmany(timeout_ms=500, max_records=500)
            # Partitions are independent (order holds per key, within a partition): they are
            # applied side by side, each one in order.
            outcomes = await asyncio.gather(*(self._apply_in_order(m) for m in batches.values()))
            done: dict[TopicPartition, OffsetAndMetadata] = {}
            waiting_on: str | None = None
            for partition, (applied, blocked) in zip(batches, outcomes, strict=True):
                if applied is not None:
                    done[partition] = OffsetAndMetadata(applied + 1, "")
                if blocked is not None:
                    # Not committed: this event comes back next, after the backoff.
                    waiting_on, offset = blocked
                    consumer.seek(partition, offset)
            if done:
                await consumer.commit(done)
            if waiting_on is None:
                failures = 0
                self.state = "running"
                continue
            failures += 1
            self.state = f"retrying: {waiting_on}"
            await _sleep_or_stop(stop, min(self._max_backoff, 0.1 * 2**failures))

    async def _apply_in_order(
        self, messages: list[ConsumerRecord[bytes, bytes]]
    ) -> tuple[int | None, tuple[str, int] | None]:
        """(the last offset done with, (why, offset) of the event it stopped at, if any).

        Order holds per key (an aggregate's events share a key): a key's events are applied one
        after another, different keys side by side (at most KEYS_IN_FLIGHT), so one slow
        aggregate (a payment) does not hold up the others in its partition. When a key stops at
        an event, the partition resumes there: other keys' events applied past it come again,
        and their claims make them no-ops."""
        by_key: dict[bytes | None, list[ConsumerRecord[bytes, bytes]]] = {}
        for message in messages:
            by_key.setdefault(message.key, []).append(message)
        if len(by_key) == 1:
            return await self._apply_sequence(messages)
        gate = asyncio.Semaphore(KEYS_IN_FLIGHT)

        async def one_key(sequence: list[ConsumerRecord[bytes, bytes]]) -> tuple[str, int] | None:
            async with gate:
                return (await self._apply_sequence(sequence))[1]

        stops = [s for s in await asyncio.gather(*(one_key(q) for q in by_key.values())) if s is not None]
        if not stops:
            return messages[-1].offset, None
        why, first = min(stops, key=lambda stop: stop[1])
        before = [m.offset for m in messages if m.offset < first]
        return (before[-1] if before else None), (why, first)

    async def _apply_sequence(
        self, messages: list[ConsumerRecord[bytes, bytes]]
    ) -> tuple[int | None, tuple[str, int] | None]:
        applied: int | None = None
        for message in messages:
            waiting_on = await self._apply(message)
            if waiting_on is not None:
                return applied, (waiting_on, message.offset)
            applied = message.offset
        return applied, None

    async def _apply(self, message: ConsumerRecord[bytes, bytes]) -> str | None:
        """None when the event is done with (applied, duplicate or dead-lettered); else why not."""
        where = (message.topic, message.partition, message.offset)
        try:
            await self.handle(message.value)
        except MalformedEvent as exc:
            # Unreadable: no attempt can succeed, so it goes aside at once.
            return await self._dead_letter(message, exc, attempts=1)
        except Exception as exc:
            dependency = unavailable_dependency(exc)
            if dependency is not None:
                logger.warning("consumer %s waits for %s", self._group_id, dependency)
                return dependency
            attempts = self._attempts.get(where, 0) + 1
            self._attempts[where] = attempts
            logger.exception(
                "consumer %s failed on an event",
                self._group_id,
                extra={"offset": message.offset, "attempt": attempts},
            )
            if attempts < self._max_attempts:
                return "handler error"
            return await self._dead_letter(message, exc, attempts)
        self._attempts.pop(where, None)
        return None

    async def _dead_letter(
        self, message: ConsumerRecord[bytes, bytes], exc: Exception, attempts: int
    ) -> str | None:
        headers = [
            ("dl-group", self._group_id),
            ("dl-topic", message.topic),
            ("dl-partition", str(message.partition)),
            ("dl-offset", str(message.offset)),
            ("dl-attempts", str(attempts)),
            ("dl-error", f"{type(exc).__name__}: {exc}"[:500]),
        ]
        try:
            if self._dead_letters is None:
                producer = make_producer(self._bootstrap, f"{self._group_id}-dead-letters")
                await producer.start()
                self._dead_letters = producer
            await self._dead_letters.send_and_wait(
                DEAD_LETTER_TOPIC.name,
                value=message.value,
                key=message.key,
                headers=[(name, value.encode()) for name, value in headers],
            )
        except KafkaError:
            return "kafka"  # not set aside yet: the event stays where it is
        self._attempts.pop((message.topic, message.partition, message.offset), None)
        self.dead_lettered += 1
        logger.error("consumer %s dead-lettered an event", self._group_id, extra={"offset": message.offset})
        return None


async def _sleep_or_stop(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)
