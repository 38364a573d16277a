"""Explicit access to one order (the spec's order-permission rows): an admin lets a user — a
support agent, say — see one order (VIEWER) or also act on it as an admin would (SUPPORT),
until the grant expires or is revoked."""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass
from datetime import datetime


class GrantRole(enum.Enum):
    VIEWER = "VIEWER"
    SUPPORT = "SUPPORT"


@dataclass(slots=True)
class OrderGrant:
    id: uuid.UUID
    user_id: uuid.UUID
    order_id: uuid.UUID
    role: GrantRole
    granted_by: uuid.UUID
    expires_at: datetime
    created_at: datetime

    def active(self, now: datetime) -> bool:
        return self.expires_at > now
