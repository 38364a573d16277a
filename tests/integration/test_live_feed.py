"""The live feed on the real broker: a subscriber gets the events under its key only; one that
comes back with its cursor (to a process that restarted, so from Kafka, or to the same one, from
its buffer) misses nothing and gets nothing twice, a relay's re-publication included; a feed
that started before its topic existed still delivers once the first event is published."""

from __future__ import annotations

import asyncio
import contextlib
import os
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiokafka import AIOKafkaProducer

from subgraphs.contracts.orders import OrderStatusChanged
from subgraphs.platform.kernel.ids import new_id
from subgraphs.platform.kernel.live import LiveEvent
from subgraphs.platform.kernel.messages import Envelope, EventContract, Topic
from subgraphs.platform.messaging.live_feed import LiveFeed


def by_seller(event: EventContract) -> list[Any]:
    return [("seller", event.seller_id)] if isinstance(event, OrderStatusChanged) else []


def changed(seller: uuid.UUID, status: str, order_id: uuid.UUID | None = None) -> Envelope:
    return Envelope.wrap(
        OrderStatusChanged(
            order_id=order_id or new_id(),
            checkout_id=new_id(),
            buyer_id=new_id(),
            seller_id=seller,
            status=status,
            version=2,
            previous_status="PAID",
        )
    )


@contextlib.asynccontextmanager
async def running(topic: Topic, **options: Any) -> AsyncIterator[LiveFeed]:
    feed = LiveFeed(os.environ["KAFKA_BOOTSTRAP_SERVERS"], (topic,), by_seller, **options)
    stop = asyncio.Event()
    task = asyncio.create_task(feed.run(stop))
    try:
        yield feed
    finally:
        stop.set()
        await asyncio.wait_for(task, 15)


@pytest.fixture
async def producer() -> AsyncIterator[AIOKafkaProducer]:
    p = AIOKafkaProducer(bootstrap_servers=os.environ["KAFKA_BOOTSTRAP_SERVERS"], acks="all")
    await p.start()
    yield p
    await p.stop()


async def take(stream: AsyncIterator[LiveEvent], count: int, within: float = 20) -> list[LiveEvent]:
    got: list[LiveEvent] = []
    async with asyncio.timeout(within):
        async for item in stream:
            got.append(item)
            if len(got) == count:
                return got
    return got


async def nothing_more(stream: AsyncIterator[LiveEvent], seconds: float = 1.5) -> None:
    with contextlib.suppress(TimeoutError):
        extra = await asyncio.wait_for(anext(stream), seconds)
        raise AssertionError(f"unexpected {extra}")


async def send(producer: AIOKafkaProducer, topic: Topic, *envelopes: Envelope) -> None:
    for e in envelopes:
        await producer.send_and_wait(topic.name, e.to_json(), key=str(e.data["orderId"]).encode())


async def test_a_feed_started_before_its_topic_existed_delivers_and_only_under_the_key(
    producer: AIOKafkaProducer,
) -> None:
    topic = Topic(f"test.live.{uuid.uuid4().hex[:8]}", "a topic nobody published to yet")
    mine, theirs = new_id(), new_id()
    async with running(topic) as feed:
        stream, other = feed.subscribe([("seller", mine)]), feed.subscribe([("seller", theirs)])
        [ready] = await take(stream, 1)
        await take(other, 1)
        assert ready.event is None
        order = new_id()
        await send(producer, topic, changed(mine, "PROCESSING", order), changed(mine, "SHIPPED", order))
        got = await take(stream, 2)
        assert [g.event.status for g in got if isinstance(g.event, OrderStatusChanged)] == [
            "PROCESSING",
            "SHIPPED",
        ]
        await nothing_more(other)


@pytest.mark.parametrize("restarted", [False, True])
async def test_a_returning_subscriber_misses_nothing_and_gets_nothing_twice(
    producer: AIOKafkaProducer, restarted: bool
) -> None:
    topic = Topic(f"test.live.{uuid.uuid4().hex[:8]}", "resume")
    seller = new_id()
    await send(producer, topic, changed(new_id(), "PAID"))  # the topic exists before the feed
    order = new_id()  # one order's events: one partition, in order (as the outbox keys them)
    first_events = [changed(seller, "PROCESSING", order), changed(seller, "SHIPPED", order)]
    later_events = [changed(seller, "DELIVERED", order), changed(seller, "RETURNED", order)]
    # The buffer is tiny when "restarted": the second process must read back from Kafka.
    async with running(topic) as feed:
        stream = feed.subscribe([("seller", seller)])
        await take(stream, 1)
        await send(producer, topic, *first_events)
        got = await take(stream, 2)
        cursor = got[-1].cursor
        await stream.aclose()  # type: ignore[attr-defined]  # the client goes away
        if not restarted:
            # Later changes, a relay's duplicate of one, and of one delivered before the cursor.
            await send(producer, topic, *later_events, later_events[0], first_events[-1])
            back = feed.subscribe([("seller", seller)], after=cursor)
            again = await take(back, 3)
            await nothing_more(back)
    if restarted:
        await send(producer, topic, *later_events, later_events[0], first_events[-1])
        async with running(topic) as fresh:
            back = fresh.subscribe([("seller", seller)], after=cursor)
            again = await take(back, 3)
            await nothing_more(back)
    statuses = [a.event.status for a in again if isinstance(a.event, OrderStatusChanged)]
    assert statuses == ["DELIVERED", "RETURNED"]  # once each, in order; nothing before the cursor
    assert again[0].event is None


async def test_a_bad_cursor_is_refused() -> None:
    from subgraphs.platform.kernel.errors import BadUserInput

    topic = Topic(f"test.live.{uuid.uuid4().hex[:8]}", "bad cursor")
    async with running(topic) as feed:
        with pytest.raises(BadUserInput):
            await anext(feed.subscribe([("seller", new_id())], after="not-a-cursor"))
