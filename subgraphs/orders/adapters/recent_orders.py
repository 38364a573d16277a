"""The buyer's recent orders (the first page of their purchases) cached in Valkey, as the spec asks.

Keys are versioned per buyer: `orders:recent:<buyer>:v` is bumped by every order event naming
the buyer (the unit of work, before and after its commit), and a page is stored under the
version read *before* PostgreSQL was asked. A page read from rows an order event has since
changed is stored under the old version, which nobody reads again: never a stale page.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

import orjson
from redis.asyncio import Redis

from subgraphs.contracts.orders import OrderEvent
from subgraphs.orders.adapters.rows import order_from_dict, order_values
from subgraphs.orders.domain.orders import Order
from subgraphs.platform.cache.soft import soft
from subgraphs.platform.kernel.messages import EventContract
from subgraphs.platform.kernel.paging import Page

KEPT_SECONDS = 300


def _version_key(buyer_id: uuid.UUID) -> str:
    return f"orders:recent:{buyer_id}:v"


def _encode(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


class RedisRecentOrders:
    def __init__(self, redis: Redis) -> None:
        self._redis = redis

    async def version(self, buyer_id: uuid.UUID) -> str | None:
        """The buyer's current cache version; None when Valkey is away (do not cache)."""
        raw = await soft(self._redis.get(_version_key(buyer_id)), b"?")
        if raw == b"?":
            return None
        return raw.decode() if isinstance(raw, bytes) else str(raw or "0")

    async def get(self, buyer_id: uuid.UUID, version: str, size: int) -> Page[Order] | None:
        raw = await soft(self._redis.get(f"orders:recent:{buyer_id}:{version}:{size}"), None)
        if raw is None:
            return None
        data = orjson.loads(raw)
        return Page([order_from_dict(o) for o in data["rows"]], data["cursors"], data["next"], False)

    async def put(self, buyer_id: uuid.UUID, version: str, size: int, page: Page[Order]) -> None:
        body = {
            "rows": [order_values(o) for o in page.rows],
            "cursors": page.cursors,
            "next": page.has_next_page,
        }
        await soft(
            self._redis.set(
                f"orders:recent:{buyer_id}:{version}:{size}",
                orjson.dumps(body, default=_encode),
                ex=KEPT_SECONDS,
            ),
            None,
        )

    async def drop(self, buyer_ids: Iterable[uuid.UUID]) -> None:
        pipe = self._redis.pipeline(transaction=False)
        for buyer_id in set(buyer_ids):
            pipe.incr(_version_key(buyer_id))
            pipe.expire(_version_key(buyer_id), KEPT_SECONDS * 2)
        await pipe.execute()  # raises when Valkey is away: the change is refused, not left stale

    async def drop_changed(self, events: list[EventContract]) -> None:
        buyers = [e.buyer_id for e in events if isinstance(e, OrderEvent)]
        if buyers:
            await self.drop(buyers)
