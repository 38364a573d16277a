"""Cached order-grant decisions in Valkey: `ordergrant:<user>:<order>` → role, or "-" for none.

Bounded twice: DECISION_SECONDS at most, and never past the grant's expiry, so an expired grant
stops working on time without any job. The unit of work drops a decision when a grant changes
(before the commit, strictly; after it, best effort). Reads treat a dead cache as a miss.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Iterable
from datetime import datetime

from redis.asyncio import Redis

from subgraphs.contracts.orders import OrderAccessChanged
from subgraphs.orders.domain.grants import GrantRole
from subgraphs.platform.cache.soft import soft
from subgraphs.platform.kernel.clock import utcnow
from subgraphs.platform.kernel.messages import EventContract

DECISION_SECONDS = 30
NONE = "-"


def _key(user_id: uuid.UUID, order_id: uuid.UUID) -> str:
    return f"ordergrant:{user_id}:{order_id}"


class RedisGrantDecisions:
    def __init__(self, redis: Redis) -> None:
        self._redis = redis

    async def get(self, user_id: uuid.UUID, order_id: uuid.UUID) -> tuple[GrantRole | None, bool]:
        raw = await soft(self._redis.get(_key(user_id, order_id)), None)
        if raw is None:
            return None, False
        text = raw.decode() if isinstance(raw, bytes) else str(raw)
        return (None if text == NONE else GrantRole(text)), True

    async def put(
        self, user_id: uuid.UUID, order_id: uuid.UUID, role: GrantRole | None, until: datetime | None
    ) -> None:
        seconds = DECISION_SECONDS
        if until is not None:
            seconds = min(seconds, math.floor((until - utcnow()).total_seconds()))
        if seconds >= 1:
            await soft(
                self._redis.set(_key(user_id, order_id), role.value if role else NONE, ex=seconds), None
            )

    async def drop(self, pairs: Iterable[tuple[uuid.UUID, uuid.UUID]]) -> None:
        keys = [_key(u, o) for u, o in pairs]
        if keys:
            await self._redis.delete(*keys)  # raises when Valkey is away: the change is refused

    async def drop_changed(self, events: list[EventContract]) -> None:
        await self.drop((e.user_id, e.order_id) for e in events if isinstance(e, OrderAccessChanged))
