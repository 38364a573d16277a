"""Live events for subscriptions, as the use cases see them (the Kafka reader is
`platform.messaging.live_feed`).

A stream first says where it starts (`event` None: "ready", with the cursor of that point), then
gives each event with the cursor just after it. A client that reconnects with the last cursor
it got misses nothing and gets nothing twice.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Hashable, Sequence
from dataclasses import dataclass
from typing import Protocol

from subgraphs.platform.kernel.messages import Envelope, EventContract


@dataclass(frozen=True, slots=True)
class LiveEvent:
    event: EventContract | None  # None: the stream is ready (nothing missed before `cursor`)
    envelope: Envelope | None
    cursor: str


class LiveEvents(Protocol):
    async def run(self, stop: asyncio.Event) -> None:
        """The process's reader of the events (a supervised worker)."""
        ...

    def subscribe(self, keys: Sequence[Hashable], after: str | None = None) -> AsyncIterator[LiveEvent]:
        """Events touching any of `keys` from `after` (a cursor this stream gave) or from now."""
        ...
