"""A parcel's carrier scans cached in Valkey for 15 minutes (the spec's tracking cache).

Entries are keyed by the shipment's version, which every new scan moves: a reader holding an
old version reads (or writes) an entry nobody asks for again, so no scan is ever hidden.
"""

from __future__ import annotations

import uuid
from datetime import datetime

import orjson
from redis.asyncio import Redis

from subgraphs.orders.domain.shipments import ShipmentStatus, TrackingEvent
from subgraphs.platform.cache.soft import soft

KEPT_SECONDS = 15 * 60


def _key(shipment_id: uuid.UUID, version: int) -> str:
    return f"orders:tracking:{shipment_id}:{version}"


class RedisTrackingCache:
    def __init__(self, redis: Redis) -> None:
        self._redis = redis

    async def get(self, shipment_id: uuid.UUID, version: int) -> list[TrackingEvent] | None:
        raw = await soft(self._redis.get(_key(shipment_id, version)), None)
        if raw is None:
            return None
        return [
            TrackingEvent(e[0], ShipmentStatus(e[1]), datetime.fromisoformat(e[2]), e[3], e[4])
            for e in orjson.loads(raw)
        ]

    async def put(self, shipment_id: uuid.UUID, version: int, events: list[TrackingEvent]) -> None:
        body = [[e.event_id, e.status.value, e.at.isoformat(), e.location, e.description] for e in events]
        await soft(self._redis.set(_key(shipment_id, version), orjson.dumps(body), ex=KEPT_SECONDS), None)
