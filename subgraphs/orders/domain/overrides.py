"""Admin overrides: an admin's temporary leave to pass one named check on one resource.

Admins already make every *legal* move; an override lets one admin make a move the rules
refuse (a lost parcel's order cancelled after shipping, a return decided again), on one order
or return, for one action, for at most an hour, with a reason. Expired or revoked, it grants
nothing. Every use is audited (`audit.override_used`); the audit log is append-only.
"""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from subgraphs.platform.kernel.errors import AppError, BadUserInput

MAX_DURATION = timedelta(hours=1)
REASON_MAX = 500


class OverrideAction(enum.Enum):
    ORDER_FORCE_STATUS = "ORDER_FORCE_STATUS"  # move an order to any status, past the state machine
    RETURN_FORCE_DECISION = "RETURN_FORCE_DECISION"  # decide a return again, in any state


class ResourceType(enum.Enum):
    ORDER = "ORDER"
    RETURN = "RETURN"


ACTION_RESOURCE = {
    OverrideAction.ORDER_FORCE_STATUS: ResourceType.ORDER,
    OverrideAction.RETURN_FORCE_DECISION: ResourceType.RETURN,
}


@dataclass(slots=True)
class AdminOverride:
    id: uuid.UUID
    admin_id: uuid.UUID
    resource_type: ResourceType
    resource_id: uuid.UUID
    action: OverrideAction
    reason: str
    expires_at: datetime
    created_at: datetime
    revoked_at: datetime | None = None

    def active(self, now: datetime) -> bool:
        return self.revoked_at is None and now < self.expires_at

    def grants(
        self, admin_id: uuid.UUID, resource_id: uuid.UUID, action: OverrideAction, now: datetime
    ) -> bool:
        return (
            self.active(now)
            and self.admin_id == admin_id
            and self.resource_id == resource_id
            and self.action is action
        )


def check_opening(
    action: OverrideAction, resource: ResourceType, reason: str, minutes: int
) -> list[AppError]:
    problems: list[AppError] = []
    if ACTION_RESOURCE[action] is not resource:
        problems.append(
            BadUserInput(
                f"{action.value} applies to a {ACTION_RESOURCE[action].value}.", field="resourceType"
            )
        )
    if not reason.strip() or len(reason) > REASON_MAX:
        problems.append(BadUserInput(f"Say why, in 1 to {REASON_MAX} characters.", field="reason"))
    if not 1 <= minutes <= MAX_DURATION.total_seconds() // 60:
        problems.append(BadUserInput("An override lasts 1 to 60 minutes.", field="minutes"))
    return problems
