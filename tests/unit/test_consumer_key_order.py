"""A partition's events: each key's in order, different keys side by side, and a key that stops
holds the partition's position at its event (the others applied past it come again)."""

from __future__ import annotations

import asyncio
import time

from aiokafka import ConsumerRecord

from subgraphs.platform.messaging.kafka import IdempotentConsumer


def _record(offset: int, key: bytes) -> ConsumerRecord[bytes, bytes]:
    return ConsumerRecord("t", 0, offset, 0, 0, key, f"{key.decode()}{offset}".encode(), None, 1, 1, [])


class Recording(IdempotentConsumer):
    def __init__(self, slow: float = 0.0, stop_at: int | None = None) -> None:
        super().__init__(bootstrap_servers="unused", group_id="g", topics=[], handler=None)  # type: ignore[arg-type]
        self.seen: list[str] = []
        self.slow = slow
        self.stop_at = stop_at

    async def _apply(self, message: ConsumerRecord[bytes, bytes]) -> str | None:
        if message.offset == self.stop_at:
            return "postgres"
        await asyncio.sleep(self.slow)
        assert message.value is not None
        self.seen.append(message.value.decode())
        return None


async def test_keys_go_side_by_side_and_each_key_in_order() -> None:
    consumer = Recording(slow=0.05)
    messages = [_record(i, b"abcd"[i % 4 : i % 4 + 1]) for i in range(12)]
    started = time.monotonic()
    applied, stopped = await consumer._apply_in_order(messages)
    assert (applied, stopped) == (11, None)
    assert time.monotonic() - started < 0.05 * 12 / 2  # four keys at once, not twelve in a row
    for key in "abcd":
        mine = [v for v in consumer.seen if v.startswith(key)]
        assert mine == sorted(mine, key=lambda v: int(v[1:]))


async def test_a_key_that_stops_holds_the_partition_at_its_event() -> None:
    consumer = Recording(stop_at=4)
    messages = [_record(i, b"ab"[i % 2 : i % 2 + 1]) for i in range(8)]  # a: 0 2 4 6, b: 1 3 5 7
    applied, stopped = await consumer._apply_in_order(messages)
    assert stopped == ("postgres", 4)
    assert applied == 3  # committed up to 3: the partition resumes at 4
    assert "a6" not in consumer.seen  # key a waits behind its stopped event
    assert "b7" in consumer.seen  # key b went on (it comes again after the resume; claims drop it)
