"""Audit events: what must be on record, published by whichever subgraph did it.

    audit.events.v1     audit.override_used                                 key: admin id

An admin override's every use, with who, what, when, which resource and the request id; the
orders subgraph's audit consumer keeps them in the append-only AuditLog.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from subgraphs.platform.kernel.messages import EventContract, Topic

AUDIT_TOPIC = Topic("audit.events.v1", "Things on record (admin override uses), keyed by the acting user.")


@dataclass(frozen=True, kw_only=True)
class OverrideUsed(
    EventContract, event_type="audit.override_used", topic=AUDIT_TOPIC, aggregate="user", key="admin_id"
):
    override_id: uuid.UUID
    admin_id: uuid.UUID
    action: str  # ORDER_FORCE_STATUS | RETURN_FORCE_DECISION
    resource_type: str  # ORDER | RETURN
    resource_id: uuid.UUID
    detail: str  # what the override let through, e.g. "SHIPPED -> CANCELLED"
    reason: str
    request_id: str | None
    at: datetime
