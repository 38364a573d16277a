"""Device last-active times in Redis, written by whichever subgraph sees the device's token.

A busy device would otherwise write on every request: each process writes at most once a
minute per device, which is plenty for "last active" on a security dashboard.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import cast

from redis.asyncio import Redis

from subgraphs.platform.cache.soft import soft

RESOLUTION_SECONDS = 60
KEEP_SECONDS = 30 * 24 * 3600


class DeviceActivity:
    def __init__(self, redis: Redis) -> None:
        self._redis = redis
        self._written: dict[str, float] = {}

    async def touch(self, device_id: str) -> None:
        now = time.time()
        if now - self._written.get(device_id, 0.0) < RESOLUTION_SECONDS:
            return
        if len(self._written) >= 100_000:
            self._written.clear()
        self._written[device_id] = now
        # Best effort: a dead cache must not fail the request that carries the token.
        await soft(
            self._redis.set(f"device:lastseen:{device_id}", str(int(now)).encode(), ex=KEEP_SECONDS), None
        )

    async def last_seen(self, device_ids: Sequence[str]) -> dict[str, int]:
        """Epoch seconds per device that has been seen (others are absent)."""
        if not device_ids:
            return {}
        keys = [f"device:lastseen:{d}" for d in device_ids]
        values = cast(list[bytes | None], await soft(self._redis.mget(keys), [None] * len(keys)))
        return {d: int(v) for d, v in zip(device_ids, values, strict=True) if v is not None}
