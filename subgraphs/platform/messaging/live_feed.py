"""Kafka events for live subscriptions: one reader per process, fanned out to its subscribers.

The reader holds every partition of its topics (no consumer group: each process sees every
event) and starts at their end. Each subscriber names the keys it follows (`("seller", id)`,
`("order", id)`, …; the domain's `keys_of` says which keys an event touches), so an event costs
one lookup per key, not one test per subscriber.

Resume: every delivered event carries a cursor, the position in every partition just after
it. A subscriber that comes back with a cursor (after a router, subgraph or broker restart)
first gets what it missed: from this process's recent-events buffer when it reaches back that
far, else read from Kafka from the cursor, then the live events — in partition order, none
lost, none twice (a relay's re-publication of an event is dropped by its envelope id).
"""

from __future__ import annotations

import asyncio
import base64
import collections
import contextlib
import itertools
import logging
import time
import uuid
from collections.abc import AsyncIterator, Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field

import orjson
from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from aiokafka.errors import KafkaError

from subgraphs.platform.kernel.errors import BadUserInput, ServiceUnavailable
from subgraphs.platform.kernel.live import LiveEvent
from subgraphs.platform.kernel.messages import Envelope, EventContract, MalformedEvent, Topic
from subgraphs.platform.messaging.kafka import close_quietly

logger = logging.getLogger("live")
Positions = dict[str, int]  # "topic:partition" → the next offset to read
KeysOf = Callable[[EventContract], Iterable[Hashable]]
CURSOR_MAX = 4096
REASSIGN_SECONDS = 5.0


class SlowSubscriber(ServiceUnavailable):
    """The subscriber fell too far behind: reconnect with the last cursor to catch up."""


RECENT_IDS = 8  # envelope ids a cursor remembers: a re-published copy after it is still dropped


def encode_cursor(positions: Positions, recent: Sequence[uuid.UUID] = ()) -> str:
    body: dict[str, object] = dict(positions)
    if recent:
        body["~"] = [i.hex for i in recent[-RECENT_IDS:]]
    return base64.urlsafe_b64encode(orjson.dumps(body, option=orjson.OPT_SORT_KEYS)).decode()


def decode_cursor(cursor: str, field_name: str = "after") -> tuple[Positions, list[uuid.UUID]]:
    """(positions, the last events' envelope ids) of a cursor this stream gave."""
    try:
        if len(cursor) > CURSOR_MAX:
            raise ValueError("too long")
        data = orjson.loads(base64.urlsafe_b64decode(cursor.encode()))
        if not isinstance(data, dict):
            raise ValueError("not positions")
        recent = data.pop("~", [])
        if not isinstance(recent, list) or len(recent) > RECENT_IDS:
            raise ValueError("not event ids")
        ids = [uuid.UUID(hex=i) for i in recent if isinstance(i, str)]
        if not all(isinstance(k, str) and isinstance(v, int) and v >= 0 for k, v in data.items()):
            raise ValueError("not positions")
        return dict(data), ids
    except (ValueError, TypeError, orjson.JSONDecodeError) as exc:
        raise BadUserInput("Not a cursor this stream gave.", field=field_name) from exc


def _latest(seen: collections.OrderedDict[uuid.UUID, None]) -> list[uuid.UUID]:
    return list(itertools.islice(reversed(seen), RECENT_IDS))[::-1]


def _name(tp: TopicPartition) -> str:
    return f"{tp.topic}:{tp.partition}"


@dataclass(eq=False)
class _Subscriber:
    keys: tuple[Hashable, ...]
    queue: asyncio.Queue[tuple[str, int, Envelope, EventContract]]
    overflowed: bool = False


@dataclass
class _Buffered:
    offset: int
    envelope: Envelope
    event: EventContract


@dataclass
class LiveFeed:
    bootstrap_servers: str
    topics: Sequence[Topic]
    keys_of: KeysOf
    buffer_per_partition: int = 20_000
    queue_size: int = 2_000
    catch_up_readers: int = 4
    state: str = "starting"
    _positions: Positions = field(default_factory=dict)  # what the reader dispatched up to
    _buffers: dict[str, collections.deque[_Buffered]] = field(default_factory=dict)
    _by_key: dict[Hashable, set[_Subscriber]] = field(default_factory=dict)
    _started: asyncio.Event = field(default_factory=asyncio.Event)
    _catch_up: asyncio.Semaphore | None = None

    # -- the reader -------------------------------------------------------------------------

    async def run(self, stop: asyncio.Event) -> None:
        """The process's reader (a supervised worker). Restarted, it goes on where it was."""
        while not stop.is_set():
            consumer = AIOKafkaConsumer(
                bootstrap_servers=self.bootstrap_servers, enable_auto_commit=False, metadata_max_age_ms=5000
            )
            try:
                self.state = "connecting"
                await consumer.start()
                await self._read(consumer, stop)
            except KafkaError:
                self.state = "retrying: kafka"
                logger.warning("live feed lost Kafka; reconnecting")
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), 1.0)
            finally:
                await close_quietly(consumer)

    async def _assign(self, consumer: AIOKafkaConsumer) -> list[TopicPartition]:
        partitions = []
        # Fresh cluster metadata, so topics created since appear (`topics()` does not update the
        # consumer's own view, which `partitions_for_topic` reads).
        cluster = await consumer._client.fetch_all_metadata()
        for topic in self.topics:
            for p in sorted(cluster.partitions_for_topic(topic.name) or ()):
                partitions.append(TopicPartition(topic.name, p))
        known = {_name(tp) for tp in consumer.assignment()}
        if {_name(tp) for tp in partitions} != known:
            consumer.assign(partitions)
            for tp in partitions:
                where = self._positions.get(_name(tp))
                if where is not None:
                    consumer.seek(tp, where)
                elif not self._started.is_set():
                    await consumer.seek_to_end(tp)  # at start: only what happens from now on
                    self._positions[_name(tp)] = await consumer.position(tp)
                else:
                    # A topic (or partition) created since: everything in it is news.
                    await consumer.seek_to_beginning(tp)
                    self._positions[_name(tp)] = await consumer.position(tp)
        return partitions

    async def _read(self, consumer: AIOKafkaConsumer, stop: asyncio.Event) -> None:
        partitions = await self._assign(consumer)
        logger.info("live feed reads %d partitions of %s", len(partitions), [t.name for t in self.topics])
        self._started.set()
        self.state = "running"
        checked = time.monotonic()
        while not stop.is_set():
            if not consumer.assignment():
                # No topic yet (nothing was ever published): a consumer with nothing assigned
                # would wait on getmany for good, so look again in a moment.
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), 1.0)
                await self._assign(consumer)
                continue
            batches = await consumer.getmany(timeout_ms=200, max_records=1000)
            for tp, records in batches.items():
                for record in records:
                    self._dispatch(tp, record)
            if time.monotonic() - checked > REASSIGN_SECONDS:  # partitions (or topics) added since
                checked = time.monotonic()
                await self._assign(consumer)

    def _dispatch(self, tp: TopicPartition, record: ConsumerRecord[bytes, bytes]) -> None:
        name = _name(tp)
        self._positions[name] = record.offset + 1
        decoded = _decode(record.value)
        if decoded is None:
            return
        envelope, event = decoded
        buffer = self._buffers.setdefault(name, collections.deque(maxlen=self.buffer_per_partition))
        buffer.append(_Buffered(record.offset, envelope, event))
        for key in set(self.keys_of(event)):
            for subscriber in self._by_key.get(key, ()):
                if subscriber.overflowed:
                    continue
                try:
                    subscriber.queue.put_nowait((name, record.offset, envelope, event))
                except asyncio.QueueFull:
                    subscriber.overflowed = True

    # -- subscribers ------------------------------------------------------------------------

    async def subscribe(self, keys: Sequence[Hashable], after: str | None = None) -> AsyncIterator[LiveEvent]:
        """Events touching any of `keys`, from `after` (a cursor) or from now."""
        wanted, remembered = decode_cursor(after) if after else (None, [])
        if not self._started.is_set():
            try:
                await asyncio.wait_for(self._started.wait(), 10)
            except TimeoutError as exc:
                raise ServiceUnavailable(
                    "Live events are unavailable (the broker is away).", dependency="kafka"
                ) from exc
        subscriber = _Subscriber(tuple(keys), asyncio.Queue(self.queue_size))
        for key in subscriber.keys:
            self._by_key.setdefault(key, set()).add(subscriber)
        live_from = dict(self._positions)  # the live queue holds everything from here on
        at = dict(live_from) if wanted is None else {**live_from, **wanted}
        seen: collections.OrderedDict[uuid.UUID, None] = collections.OrderedDict.fromkeys(remembered)

        def fresh(name: str, offset: int, envelope: Envelope) -> bool:
            if offset < at.get(name, 0):
                return False
            at[name] = offset + 1
            if envelope.id in seen:
                return False
            seen[envelope.id] = None
            if len(seen) > 4096:
                seen.popitem(last=False)
            return True

        try:
            yield LiveEvent(None, None, encode_cursor(at, _latest(seen)))
            if wanted is not None:
                async for name, offset, envelope, event in self._missed(subscriber.keys, wanted, live_from):
                    if fresh(name, offset, envelope):
                        yield LiveEvent(event, envelope, encode_cursor(at, _latest(seen)))
            while True:
                if subscriber.overflowed and subscriber.queue.empty():
                    raise SlowSubscriber(
                        "Too far behind: reconnect with your last cursor.", dependency="subscriber"
                    )
                name, offset, envelope, event = await subscriber.queue.get()
                if fresh(name, offset, envelope):
                    yield LiveEvent(event, envelope, encode_cursor(at, _latest(seen)))
        finally:
            for key in subscriber.keys:
                followers = self._by_key.get(key)
                if followers is not None:
                    followers.discard(subscriber)
                    if not followers:
                        del self._by_key[key]

    async def _missed(
        self, keys: Sequence[Hashable], since: Positions, until: Positions
    ) -> AsyncIterator[tuple[str, int, Envelope, EventContract]]:
        """What a returning subscriber missed, partition by partition, in offset order."""
        wanted = set(keys)
        for name, end in until.items():
            start = since.get(name, end)
            if start >= end:
                continue
            buffer = self._buffers.get(name)
            if buffer and buffer[0].offset <= start:
                for item in list(buffer):
                    if start <= item.offset < end and wanted.intersection(self.keys_of(item.event)):
                        yield name, item.offset, item.envelope, item.event
                continue
            async for found in self._read_back(name, start, end):
                if wanted.intersection(self.keys_of(found[3])):
                    yield found

    async def _read_back(
        self, name: str, start: int, end: int
    ) -> AsyncIterator[tuple[str, int, Envelope, EventContract]]:
        if self._catch_up is None:
            self._catch_up = asyncio.Semaphore(self.catch_up_readers)
        topic, partition = name.rsplit(":", 1)
        tp = TopicPartition(topic, int(partition))
        async with self._catch_up:
            consumer = AIOKafkaConsumer(bootstrap_servers=self.bootstrap_servers, enable_auto_commit=False)
            try:
                await consumer.start()
                consumer.assign([tp])
                consumer.seek(tp, start)
                while (await consumer.position(tp)) < end:
                    batch = await consumer.getmany(tp, timeout_ms=1000, max_records=1000)
                    for record in batch.get(tp, []):
                        if record.offset >= end:
                            return
                        decoded = _decode(record.value)
                        if decoded is not None:
                            yield name, record.offset, decoded[0], decoded[1]
            except KafkaError as exc:
                raise ServiceUnavailable(
                    "Live events are unavailable (the broker is away).", dependency="kafka"
                ) from exc
            finally:
                await close_quietly(consumer)


def _decode(raw: bytes | None) -> tuple[Envelope, EventContract] | None:
    if raw is None:
        return None
    try:
        envelope = Envelope.from_json(raw)
        event = envelope.event()
    except MalformedEvent:
        return None
    return (envelope, event) if event is not None else None
