"""The event envelope every subgraph publishes and consumes (JSON on Kafka)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import orjson

from subgraphs.platform.clock import utcnow
from subgraphs.platform.ids import new_id


@dataclass(frozen=True, slots=True)
class Event:
    """A fact that happened; `aggregate_id` is the Kafka key so per-aggregate order holds."""

    type: str
    aggregate_type: str
    aggregate_id: uuid.UUID
    data: dict[str, Any]
    id: uuid.UUID = field(default_factory=new_id)
    occurred_at: datetime = field(default_factory=utcnow)

    def to_json(self) -> bytes:
        return orjson.dumps(
            {
                "id": str(self.id),
                "type": self.type,
                "aggregateType": self.aggregate_type,
                "aggregateId": str(self.aggregate_id),
                "occurredAt": self.occurred_at.isoformat(),
                "data": self.data,
            }
        )

    @classmethod
    def from_json(cls, raw: bytes) -> Event:
        body = orjson.loads(raw)
        return cls(
            id=uuid.UUID(body["id"]),
            type=body["type"],
            aggregate_type=body["aggregateType"],
            aggregate_id=uuid.UUID(body["aggregateId"]),
            occurred_at=datetime.fromisoformat(body["occurredAt"]),
            data=body["data"],
        )
